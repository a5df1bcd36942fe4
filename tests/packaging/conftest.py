"""What the packaging tests share: the project's source files and a child environment that sees only
what a user's machine would (no PYTHONPATH pointing back at the source tree)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]


def clean_environment(home: Path, **extra: str) -> dict[str, str]:
    """The current environment less PYTHONPATH (so nothing is imported from the source tree), with the
    program's user folders in ``home`` and Qt headless."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(INSPECTOR_HOME=str(home), QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8", **extra)
    return env


def copy_sources(target: Path) -> Path:
    """The files a build reads, copied, so building never leaves build/ or *.egg-info in the worktree."""
    target.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO_ROOT / name, target / name)
    for folder in ("inspector_app", "forms", "resources"):  # forms/ and resources/ are mapped in at build time
        shutil.copytree(REPO_ROOT / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


@pytest.fixture(scope="session")
def self_test_plans(floorplans) -> list[Path]:
    """One real plan of each kind the self-test must read in a build: PDF (pypdfium2), DXF (ezdxf),
    SVG (QtSvg) and a raster image (Pillow); the shipped ones, so a fresh clone builds and tests too."""
    return [floorplans / "pdf" / "derived_from_shipped_plans.pdf",
            floorplans / "dxf" / "threedxf_api-cw750-details.dxf",
            floorplans / "svg" / "hafp_home.svg", floorplans / "raster" / "mlstruct_2cb0cff6.png"]
