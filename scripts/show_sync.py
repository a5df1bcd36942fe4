"""Show the sync panel in the real main window, for looking at it (and screenshots under Xvfb).

    xvfb-run -a -s "-screen 0 1366x768x24" python scripts/show_sync.py zh_CN --out /tmp/sync-zh

A central ledger runs on 127.0.0.1 (uvicorn in a thread); the demo laptop syncs with it, a second
laptop makes a conflict, and the script saves: the window after a sync with one conflict
(window.png, statusbar.png), the connect dialog (connect.png), the conflicts dialog (conflicts.png)
and the status after a refused token (refused.png). Settings and ledgers go to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="inspector-sync-show-"))
os.environ["INSPECTOR_HOME"] = str(TMP)  # the program's own override of its user folders (paths.py)

import uvicorn  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402
from sqlalchemy import select  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.routing import Mount  # noqa: E402

from inspector_app.app.context import AppContext  # noqa: E402
from inspector_app.core import accounts, hazards  # noqa: E402
from inspector_app.core.db import open_database, sqlite_url  # noqa: E402
from inspector_app.core.demo import create_demo  # noqa: E402
from inspector_app.core.models import Hazard  # noqa: E402
from inspector_app.core.settings import Settings  # noqa: E402
from inspector_app.core.sync.run import synchronise  # noqa: E402
from inspector_app.i18n import set_language  # noqa: E402
from inspector_app.ui.main_window import MainWindow  # noqa: E402
from inspector_app.ui.qt_translations import QtTranslations  # noqa: E402
from inspector_app.web.sync.api import create_sync_app  # noqa: E402
from inspector_app.web.sync.client import HttpTransport  # noqa: E402


def serve(central_db: object) -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = Starlette(routes=[Mount("/sync", app=create_sync_app(central_db))])  # type: ignore[arg-type]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("language", nargs="?", default="zh_CN", choices=("zh_CN", "en"))
    parser.add_argument("--out", default=str(TMP / "shots"), help="folder for the PNGs")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    set_language(args.language)
    app = QApplication(sys.argv[:1])
    translations = QtTranslations(app)
    translations.apply(args.language)

    central = open_database(sqlite_url(TMP / "central.sqlite"), store_dir=TMP / "central-files")
    with central.session() as session:
        token = accounts.create_token(session, "县教育局管理员", "admin")[1]
    url = serve(central)
    context = AppContext(settings=Settings(language=args.language, inspector_name="李明"))
    context.configure(argparse.Namespace(db=str(TMP / "demo.sqlite"), database_url=None, actor="李明", forms=[]))
    create_demo(context.db, context.catalogue)
    context.settings.sync_server, context.settings.sync_token = url, token
    other = open_database(sqlite_url(TMP / "other.sqlite"))

    def sync_other() -> None:
        transport = HttpTransport(url, token)
        synchronise(other, transport, "王芳", server_url=url)
        transport.close()

    window = MainWindow(context, translations)
    window.resize(1366, 768)
    window.show()
    panel = window.sync_panel

    def grab(widget: QWidget, name: str) -> None:
        widget.grab().save(str(out / name))

    def step_conflict() -> None:
        sync_other()
        with context.db.session() as session:
            hazard_id = session.scalars(select(Hazard.id).order_by(Hazard.seq)).first()
        with other.session() as session:
            hazard = session.get_one(Hazard, hazard_id)
            hazards.update_hazard(session, hazard, "王芳", description="宿舍走廊插线板已移走")
        sync_other()
        with context.db.session() as session:
            hazards.update_hazard(session, session.get_one(Hazard, hazard_id), "李明", description="插线板仍在床上充电")
        panel.refresh_status()

        def then_sync() -> None:
            grab(window.statusBar(), "statusbar-waiting.png")
            panel.start()
            wait(lambda: not panel.running, step_shots)

        QTimer.singleShot(300, then_sync)  # the status bar lays its new words out first

    def step_shots() -> None:
        grab(window, "window.png")
        grab(window.statusBar(), "statusbar.png")
        if panel.offer_box is not None:
            grab(panel.offer_box, "offer.png")
            panel.offer_box.close()
        panel.show_conflicts()

        def shoot() -> None:
            assert panel.conflicts_dialog is not None
            grab(panel.conflicts_dialog, "conflicts.png")
            step_connect()

        QTimer.singleShot(300, shoot)

    def step_connect() -> None:
        def shoot() -> None:
            dialog = panel.connect_dialog
            dialog.server.setText("ftp://ledger")
            grab(dialog, "connect-invalid.png")
            dialog.server.setText(url)
            dialog.token.setText("wrong-token")
            grab(dialog, "connect.png")
            dialog.ok_button.click()
            wait(lambda: not panel.running and panel.is_error, finish)

        assert panel.conflicts_dialog is not None
        panel.conflicts_dialog.close()
        QTimer.singleShot(300, shoot)
        panel.ask_connection()

    def finish() -> None:
        grab(window.statusBar(), "refused.png")
        app.quit()

    def wait(condition: Callable[[], bool], then: Callable[[], None]) -> None:
        def poll() -> None:
            if condition():
                QTimer.singleShot(300, then)  # after the layout settled
            else:
                QTimer.singleShot(100, poll)
        QTimer.singleShot(100, poll)

    panel.start()
    wait(lambda: not panel.running, step_conflict)
    code = app.exec()
    print(out)
    return code


if __name__ == "__main__":
    sys.exit(main())
