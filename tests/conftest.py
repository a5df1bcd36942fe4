"""Session-wide test setup: headless Qt, a UTF-8 locale, and where the shared real floor plans are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.symbolsresolver=false")

REPO_ROOT = Path(__file__).resolve().parents[1]
FLOORPLANS = Path(os.environ.get("INSPECTOR_FLOORPLANS", REPO_ROOT.parent / "shared" / "floorplans"))


@pytest.fixture(scope="session")
def floorplans() -> Path:
    """The real public plans in ../shared/floorplans (never copied into the project)."""
    assert FLOORPLANS.is_dir(), f"real floor plans expected at {FLOORPLANS}"
    return FLOORPLANS
