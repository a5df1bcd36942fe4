"""Quitting while a sync waits on the network: the program ends cleanly. It used to log "RuntimeError:
Signal source has been deleted" when the worker, answered after the window and the application had
gone, emitted into deleted objects. Run as the program runs, in a process of its own that really ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

CHILD = textwrap.dedent('''
    import argparse, sys
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from inspector_app.app.context import AppContext
    from inspector_app.core.settings import Settings
    from inspector_app.i18n import set_language

    home, port = Path(sys.argv[1]), int(sys.argv[2])
    set_language("en")
    app = QApplication(sys.argv[:1])
    from inspector_app.ui import error_reporting
    error_reporting.install()
    from inspector_app.ui.main_window import MainWindow

    context = AppContext(settings=Settings(inspector_name="li", inspector_name_asked=True,
                                           sync_server=f"http://127.0.0.1:{port}", sync_token="a-token"))
    context.configure(argparse.Namespace(db=str(home / "ledger.sqlite"), database_url=None, actor="li", forms=[]))
    window = MainWindow(context)
    window.show()
    QTimer.singleShot(200, window.sync_panel.start)

    def quit_while_syncing():
        if not window.sync_panel.running:
            QTimer.singleShot(50, quit_while_syncing)
            return
        print("quitting while the sync runs", flush=True)
        window.close()
        app.quit()

    QTimer.singleShot(500, quit_while_syncing)
    code = app.exec()
    context.close()
    sys.exit(code)
''')


def hold_then_refuse(server: socket.socket, hold_seconds: float) -> None:
    """Take the first connection and answer nothing for a while; then hang up and stop listening, so
    the client's retries are refused (and come back at once)."""
    connection, _address = server.accept()
    time.sleep(hold_seconds)
    connection.close()
    server.close()


def test_quitting_while_a_sync_waits_ends_without_an_error(tmp_path: Path):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    port = server.getsockname()[1]
    threading.Thread(target=hold_then_refuse, args=(server, 2.0), daemon=True).start()
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "INSPECTOR_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join([str(Path(__file__).parents[2]), os.environ.get("PYTHONPATH", "")])}
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(script), str(tmp_path), str(port)], env=env, capture_output=True,
                          text=True, timeout=120)
    took = time.monotonic() - started
    assert "quitting while the sync runs" in done.stdout, done.stderr
    assert done.returncode == 0, done.stderr
    for sign in ("Signal source has been deleted", "Error calling Python override", "Traceback"):
        assert sign not in done.stderr, done.stderr
    log = tmp_path / "logs" / "inspector.log"
    assert not log.exists() or "Error" not in log.read_text(encoding="utf-8")
    assert took < 30, f"quitting waited {took:.0f} s for the sync"
