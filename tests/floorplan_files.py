"""The real floor plans the tests read, from two places:

* tests/data/floorplans: shipped with the project (their licences allow it; see its SOURCES.txt), so
  always there, on a fresh clone too;
* ../shared/floorplans beside the clone, or the folder $INSPECTOR_FLOORPLANS names: more plans, some of
  which may not be redistributed. Used in addition when that folder exists, never required.

A test over every plan takes all shipped ones and the shared ones not shipped as well. A test about one
particular shared file names a shipped file of the same kind that shows the same thing (`shipped`) and
the shared one (`shared`), which only adds a case when it is there. So a fresh clone runs every test,
and a machine with the shared plans runs the fresh clone's cases too. To run as a fresh clone does,
point INSPECTOR_FLOORPLANS at a folder that does not exist.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from _pytest.mark.structures import ParameterSet

REPO_ROOT = Path(__file__).resolve().parents[1]
SHIPPED = REPO_ROOT / "tests" / "data" / "floorplans"
SHARED = Path(os.environ.get("INSPECTOR_FLOORPLANS") or REPO_ROOT.parent / "shared" / "floorplans")
KINDS = {"raster": "*.png", "pdf": "*.pdf", "svg": "*.svg", "dxf": "*.dxf"}


def _plans_in(folder: Path) -> list[Path]:
    return sorted(p for kind, pattern in KINDS.items() for p in (folder / kind).glob(pattern))


def shipped_plans() -> list[Path]:
    return _plans_in(SHIPPED)


def shared_plans() -> list[Path]:
    """The shared plans, less those shipped too (the same kind and name): none when the folder is absent."""
    copies = {p.relative_to(SHIPPED) for p in shipped_plans()}
    return [p for p in _plans_in(SHARED) if p.relative_to(SHARED) not in copies]


def all_plans() -> list[Path]:
    return shipped_plans() + shared_plans()


def plan_id(path: Path) -> str:
    return f"{'shipped' if path.is_relative_to(SHIPPED) else 'shared'}:{path.name}"


def shipped(name: str, *values) -> ParameterSet:
    """A case on a shipped plan (``kind/file``), followed by what the test expects of it."""
    path = SHIPPED / name
    return pytest.param(path, *values, id=plan_id(path))


def shared(name: str, *values) -> list[ParameterSet]:
    """The same case on a shared plan: one when the file is there, none otherwise."""
    path = SHARED / name
    return [pytest.param(path, *values, id=plan_id(path))] if path.is_file() else []
