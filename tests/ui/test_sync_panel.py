"""Sync from the main window, as an inspector does it: a real central ledger served over real HTTP on
127.0.0.1 (uvicorn in a thread), the connect dialog filled in, Sync clicked, the status bar read.

Covers: the first sync pushes the laptop's hazards; the window stays usable while a sync waits on the
network; a conflict shows in the status, and "Keep mine" settles it; a refused token is shown and not
retried; a server that is down is retried by itself until it answers.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import uvicorn
from PySide6.QtCore import Qt, QTimer
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.types import Receive, Scope, Send

from inspector_app.core import accounts, hazards
from inspector_app.core.db import Database, open_database, sqlite_url
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Hazard
from inspector_app.core.sync.run import synchronise
from inspector_app.ui.main_window import MainWindow
from inspector_app.ui.sync_panel import ERROR_COLOUR, SyncPanel
from inspector_app.web.sync.api import create_sync_app
from inspector_app.web.sync.client import HttpTransport

SYNC_TIMEOUT_MS = 120_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """The central ledger's sync API on a real socket; ``gate`` holds every /hello until it is set."""

    db: Database
    admin_token: str
    port: int = field(default_factory=free_port)
    gate: threading.Event = field(default_factory=threading.Event)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        inner = Starlette(routes=[Mount("/sync", app=create_sync_app(self.db))])

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["path"].endswith("/hello"):
                await asyncio.get_running_loop().run_in_executor(None, self.gate.wait)
            await inner(scope, receive, send)

        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = threading.Event()
        for _attempt in range(200):
            if self._server.started:
                return
            deadline.wait(0.05)
        raise RuntimeError("the test server did not start")

    def stop(self) -> None:
        self.gate.set()
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)

    def hazard_count(self) -> int:
        with self.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(Hazard)) or 0)


@pytest.fixture
def central(tmp_path) -> Iterator[Server]:
    db = open_database(sqlite_url(tmp_path / "central.sqlite"), store_dir=tmp_path / "central-files")
    with db.session() as session:
        secret = accounts.create_token(session, "Bureau admin", "admin")[1]
    server = Server(db, secret)
    server.gate.set()
    yield server
    server.stop()
    db.dispose()


@pytest.fixture
def window(qtbot, demo_context, tmp_path, monkeypatch) -> MainWindow:
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path))  # settings saved here, not the user's
    main = MainWindow(demo_context)
    qtbot.addWidget(main)
    main.show()
    return main


def answer_connect(panel: SyncPanel, server: str, token: str) -> None:
    """Fill in the connect dialog the moment it opens, as a user would, and press its OK button."""
    def fill() -> None:
        dialog = panel.connect_dialog
        assert dialog is not None
        dialog.server.setText("ftp://nowhere")
        assert not dialog.ok_button.isEnabled(), "an address that is not http(s) is refused"
        dialog.server.setText(server)
        dialog.token.setText(token)
        assert dialog.ok_button.isEnabled()
        dialog.ok_button.click()

    QTimer.singleShot(0, fill)


def wait_synced(qtbot, panel: SyncPanel) -> None:
    qtbot.waitUntil(lambda: not panel.running and "Synced" in panel.text(), timeout=SYNC_TIMEOUT_MS)


def hazard_count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Hazard)) or 0)


def test_first_sync_asks_where_then_sends_the_ledger(qtbot, window, central):
    central.start()
    panel = window.sync_panel
    assert "Never synced" in panel.text()
    assert panel.sync_action in window.toolbar.actions()
    assert {panel.sync_action, panel.connect_action, panel.conflicts_action} <= set(window.file_menu.actions())
    assert panel.sync_action.shortcut().toString() == "F9"

    answer_connect(panel, central.url, central.admin_token)
    panel.sync_action.trigger()
    assert panel.running and not panel.sync_action.isEnabled(), "disabled while the sync runs"
    wait_synced(qtbot, panel)

    assert panel.sync_action.isEnabled()
    assert window.context.settings.sync_server == central.url
    assert window.context.settings.sync_token == central.admin_token
    assert central.hazard_count() == hazard_count(window.context.db) >= 40
    assert not panel.is_error and ERROR_COLOUR not in panel.label.text(), "no error colour on success"
    assert "waiting" not in panel.text() and "conflict" not in panel.text()
    assert "Sync done: sent" in window.statusBar().currentMessage()


def test_the_window_stays_usable_while_a_sync_waits(qtbot, window, central, tmp_path):
    central.gate.clear()  # the server holds the sync's first request
    central.start()
    window.context.settings.sync_server, window.context.settings.sync_token = central.url, central.admin_token
    panel = window.sync_panel
    panel.sync_action.trigger()
    qtbot.waitUntil(lambda: "Connecting" in panel.text())
    assert panel.progress.isVisible()

    window.ledger_tab_action.trigger()  # the window answers while the network does not
    assert window.tabs.currentWidget() is window.ledger_view
    panel.sync_action.trigger()  # a second click while running does nothing
    assert panel.attempts == 1 and panel.running
    ledger_before = window.context.url
    window.open_ledger(tmp_path / "another.sqlite")  # the syncing ledger stays open until the sync ends
    assert window.context.url == ledger_before and "Wait for the sync" in window.statusBar().currentMessage()

    central.gate.set()
    wait_synced(qtbot, panel)
    assert panel.sync_action.isEnabled() and not panel.progress.isVisible()
    assert panel.attempts == 1


def test_a_conflict_shows_in_the_status_and_keep_mine_settles_it(qtbot, window, central, tmp_path, catalogue):
    central.start()
    context, panel = window.context, window.sync_panel
    context.settings.sync_server, context.settings.sync_token = central.url, central.admin_token
    panel.sync_action.trigger()
    wait_synced(qtbot, panel)

    other = open_database(sqlite_url(tmp_path / "other-laptop.sqlite"))
    try:
        def sync_other() -> None:
            transport = HttpTransport(central.url, central.admin_token)
            try:
                synchronise(other, transport, "inspector Wang", server_url=central.url)
            finally:
                transport.close()

        sync_other()
        with context.db.session() as session:
            hazard_id = session.scalars(select(Hazard.id).order_by(Hazard.seq)).first()
        with other.session() as session:
            hazards.update_hazard(session, session.get(Hazard, hazard_id), "inspector Wang", description="Wang's words")
        sync_other()
        window.editor.set_hazard(str(hazard_id))  # Li types in the window's editor meanwhile
        window.editor.texts["description"].setPlainText("Li's words")
        window.editor.commit_pending()
        assert "waiting" in panel.text(), "an edit in the window shows at once as waiting to be sent"

        panel.sync_action.trigger()
        qtbot.waitUntil(lambda: not panel.running and "1 conflict to look at" in panel.text(),
                        timeout=SYNC_TIMEOUT_MS)
        assert panel.offer_box is not None and panel.offer_box.isVisible(), "the conflicts view is offered"
        look = next(b for b in panel.offer_box.buttons() if b.text() == "Look at them")
        look.click()
        dialog = panel.conflicts_dialog
        assert dialog is not None and dialog.isVisible()
        assert dialog.model.rowCount() == 1
        row = [dialog.model.index(0, c).data() for c in range(dialog.model.columnCount())]
        assert row[1:6] == ["Description", "Li's words", "Wang's words", "inspector Wang", "Theirs"]
        # Wang's value reached the server first, so it is the one the hazard holds, shown in bold.
        bold = [bool(dialog.model.index(0, c).data(Qt.ItemDataRole.FontRole)) for c in (2, 3)]
        assert bold == [False, True]
        with context.db.session() as session:
            assert session.get(Hazard, hazard_id).description == "Wang's words"

        dialog.keep_mine.click()
        assert dialog.model.rowCount() == 0 and dialog.empty.isVisible() and not dialog.table.isVisible()
        assert "conflict" not in panel.text()
        with context.db.session() as session:
            assert session.get(Hazard, hazard_id).description == "Li's words"

        panel.sync_action.trigger()  # the settlement travels to the other laptop too
        wait_synced(qtbot, panel)
        sync_other()
        with other.session() as session:
            assert session.get(Hazard, hazard_id).description == "Li's words"
    finally:
        other.dispose()


def test_a_refused_token_is_shown_and_not_retried(qtbot, window, central):
    central.start()
    panel = window.sync_panel
    answer_connect(panel, central.url, "not-a-real-token")
    panel.sync_action.trigger()
    qtbot.waitUntil(lambda: not panel.running and panel.is_error, timeout=SYNC_TIMEOUT_MS)

    assert "refused the token" in panel.text()
    assert ERROR_COLOUR in panel.label.text()
    assert not panel.retry_timer.isActive() and panel.gave_up, "retrying cannot help a refused token"
    assert "not retrying" in panel.text()
    assert panel.attempts == 1 and central.hazard_count() == 0


def test_a_received_row_the_laptop_cannot_apply_is_named_and_tried_again(qtbot, window, central, catalogue):
    """What one bad row on the server did before issue 21 (a notice naming another organisation's
    hazard, stored before the server checked references): every laptop of the organisation stopped
    at it, saying nothing. Now the row is kept aside with its reason, the status bar names it, the
    pull moves on past it, and a retry comes by itself."""
    from inspector_app.core import structure
    from inspector_app.core.models import Notice, Organisation, notice_hazards
    from inspector_app.core.sync.run import status

    with window.context.db.session() as session:
        ours = session.scalars(select(Organisation)).first().id
        our_hazard = session.scalars(select(Hazard)).first().id
    with central.db.session() as session:
        token = accounts.create_token(session, "李伟", "inspector", [ours])[1]
    central.start()
    panel = window.sync_panel
    answer_connect(panel, central.url, token)
    panel.sync_action.trigger()
    wait_synced(qtbot, panel)
    with central.db.session() as session:  # written behind the checks, as an older server let it in
        other = structure.create_organisation(session, "Another bureau", kind="county")
        site = structure.create_site(session, other, "Another school", code="AN1")
        floor = structure.create_floor(session, structure.create_building(session, site, "B", "canteen"), "1F", 1)
        theirs = hazards.add_hazard(session, catalogue, central.db.store, actor="x",
                                    category="electrical.aging_wiring", floor_id=floor.id, x=0.5, y=0.5)
        notice = Notice(organisation_id=ours, number="N-1", prefix="N", year=2026, seq=1, kind="per_unit",
                        language="zh_CN", issued_by="x", sync_clock="1765000000000.00000." + "a" * 32)
        session.add(notice)
        session.flush()
        for position, hazard_id in enumerate((our_hazard, theirs.id)):
            session.execute(notice_hazards.insert().values(notice_id=notice.id, hazard_id=hazard_id,
                                                           position=position))
    panel.sync_action.trigger()
    qtbot.waitUntil(lambda: not panel.running and panel.is_error, timeout=SYNC_TIMEOUT_MS)

    assert "kept aside" in panel.text() and "notice" in panel.text()
    assert panel.retry_timer.isActive(), "the next sync tries the kept row again by itself"
    state = status(window.context.db)
    assert state["set_aside"] == 1 and state["set_aside_rows"][0]["entity"] == "notice"


def test_a_server_that_is_down_is_retried_until_it_answers(qtbot, window, central):
    panel = window.sync_panel
    panel.retry_delays = (0.3, 0.6)
    panel.http_sleep = lambda _seconds: None  # the client's own quick retries, not the panel's backoff
    window.context.settings.sync_server, window.context.settings.sync_token = central.url, central.admin_token
    panel.sync_action.trigger()  # nothing listens on the port yet
    qtbot.waitUntil(lambda: not panel.running and panel.is_error, timeout=SYNC_TIMEOUT_MS)
    assert "Cannot reach the server" in panel.text() and "next try at" in panel.text()
    assert panel.retry_timer.isActive() and panel.sync_action.isEnabled()

    qtbot.waitUntil(lambda: panel.attempts >= 2, timeout=SYNC_TIMEOUT_MS)  # by itself, no click, no edit
    central.start()
    wait_synced(qtbot, panel)
    assert not panel.is_error and not panel.retry_timer.isActive() and panel.failures == 0
    assert central.hazard_count() == hazard_count(window.context.db)


def test_a_sync_that_failed_before_a_restart_is_tried_again_by_itself(qtbot, demo_context, central, tmp_path,
                                                                     monkeypatch):
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path))
    demo_context.settings.sync_server, demo_context.settings.sync_token = central.url, central.admin_token
    down = HttpTransport(central.url, central.admin_token, sleep=lambda _seconds: None)
    with pytest.raises(InspectorError):  # the last session ended with the server unreachable
        synchronise(demo_context.db, down, demo_context.actor, server_url=central.url)
    down.close()
    central.start()

    window = MainWindow(demo_context)  # the program starts again
    qtbot.addWidget(window)
    panel = window.sync_panel
    panel.retry_delays = (0.2,)  # before the event loop runs the panel's start-up check
    assert "Cannot reach the server" in panel.text()
    wait_synced(qtbot, panel)
    assert panel.attempts == 1 and not panel.is_error
    assert central.hazard_count() == hazard_count(demo_context.db)


def test_conflict_model_passes_the_model_tester(qtbot, window, qtmodeltester):
    window.sync_panel.show_conflicts()
    dialog = window.sync_panel.conflicts_dialog
    assert dialog is not None and dialog.empty.isVisible() and "No conflicts" in dialog.empty.text()
    qtmodeltester.check(dialog.model)
    dialog.close()



def test_a_refused_connection_is_said_in_words_and_follows_a_language_switch(qtbot, window):
    """Not "[Errno 111] Connection refused" on a Chinese status bar: the reason in words of the language
    shown, said again in the new one after a switch; the status bar's message of the old one goes."""
    panel = window.sync_panel
    panel.http_sleep = lambda _seconds: None
    down = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    window.context.settings.sync_server, window.context.settings.sync_token = down, "a-token"
    window.switch_language("zh_CN")
    panel.sync_action.trigger()
    qtbot.waitUntil(lambda: not panel.running and panel.is_error, timeout=SYNC_TIMEOUT_MS)
    chinese = panel.text()
    assert down in chinese and "Errno" not in chinese and "refused" not in chinese.lower()
    assert "拒绝" in chinese  # 连接被拒绝

    window.scan_box.setText("NOPE1234")
    window.scan_box.resolve()
    assert window.statusBar().currentMessage()
    window.switch_language("en")
    english = panel.text()
    assert f"Cannot reach the server at {down}: connection refused" in english
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english), english
    assert window.statusBar().currentMessage() == "", "no message of the old language stays"
