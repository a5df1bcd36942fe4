"""Session-wide test setup: headless Qt, a UTF-8 locale, and where the real floor plans are."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.floorplan_files import SHARED, SHIPPED, shared_plans, shipped_plans

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("LANG", "C.UTF-8")
os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia.symbolsresolver=false")


def pytest_report_header() -> str:
    more = f"{len(shared_plans())} more in {SHARED}" if SHARED.is_dir() else f"none in {SHARED} (not there)"
    return f"real floor plans: {len(shipped_plans())} shipped, {more}"


@pytest.fixture(scope="session")
def floorplans() -> Path:
    """The real plans shipped in tests/data/floorplans, there on every clone. Tests that also take the
    shared plans beside the clone do so through tests/floorplan_files.py."""
    return SHIPPED


@pytest.fixture(scope="session")
def catalogue():
    from inspector_app.core.forms import load_catalogue

    return load_catalogue()


@pytest.fixture
def db(tmp_path):
    from inspector_app.core.db import open_database, sqlite_url

    database = open_database(sqlite_url(tmp_path / "ledger.sqlite"))
    yield database
    database.dispose()


@pytest.fixture
def floor(db):
    """A school with one building and one floor, ready for hazards; returns the floor's id."""
    from inspector_app.core import structure

    with db.session() as session:
        org = structure.create_organisation(session, "Test Bureau")
        site = structure.create_site(session, org, "Test School", code="TS")
        building = structure.create_building(session, site, "Teaching building", "teaching_building")
        return structure.create_floor(session, building, "1F", 1).id


@pytest.fixture(scope="session")
def jpeg_photo(tmp_path_factory) -> Path:
    from PIL import Image

    path = tmp_path_factory.mktemp("photos") / "photo.jpg"
    Image.new("RGB", (64, 48), "#884422").save(path, format="JPEG")
    return path


@pytest.fixture
def english():
    from inspector_app.i18n import use_language

    with use_language("en"):
        yield


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory, monkeypatch) -> Path:
    """Settings, logs and default data go to a fresh folder, never the developer's own: through the
    program's own INSPECTOR_HOME (inspector_app.paths), which holds on Windows and macOS too, where
    platformdirs ignores the XDG variables. Returns that folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("INSPECTOR_HOME", str(home))
    return home


@pytest.fixture(scope="session", autouse=True)
def _one_qapplication(qapp):
    """Create the session's QApplication first: the SVG reader would otherwise make a bare
    QGuiApplication, and Qt aborts when a QApplication is created after it."""
    return qapp


@pytest.fixture(autouse=True)
def _cycles_collected_on_the_gui_thread(request):
    """GUI tests run as the program does: the cycle collector only on the GUI thread
    (ui/gui_thread_gc.py), so a widget is never destroyed on a worker thread."""
    if "qtbot" not in request.fixturenames:
        yield
        return
    import gc

    from PySide6.QtWidgets import QApplication

    from inspector_app.ui.gui_thread_gc import GuiThreadCollector

    collector = GuiThreadCollector(QApplication.instance())
    collector.start()
    yield
    collector.stop()
    collector.deleteLater()
    gc.collect()


@contextlib.contextmanager
def new_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database on the server scripts/test.sh starts; dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, text

    url = os.environ.get("INSPECTOR_TEST_PG_URL")
    assert url, "INSPECTOR_TEST_PG_URL must point at a PostgreSQL server (scripts/test.sh starts one)"
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url():
    with new_postgres_database() as url:
        yield url


@pytest.fixture(autouse=True)
def _language_restored():
    """A test that switches the process language (a `--lang zh` CLI run) must not change the next test's."""
    from inspector_app.i18n import current_language, set_language

    before = current_language()
    yield
    if current_language() != before:
        set_language(before)
