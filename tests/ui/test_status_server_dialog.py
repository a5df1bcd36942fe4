"""The status server dialog: serving from the laptop answers over HTTP, the test QR decodes to the
server's address, and the public base URL is saved in the organisation's row (the ledger), never in
the user's settings."""

from __future__ import annotations

import argparse
import socket

import httpx
import numpy as np
import zxingcpp

from inspector_app.app.context import AppContext
from inspector_app.core import structure
from inspector_app.core.models import Organisation
from inspector_app.core.settings import Settings, load_settings
from inspector_app.ui.status_server import LocalStatusServer, StatusServerDialog


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _context_with_bureau(tmp_path) -> AppContext:
    context = AppContext(settings=Settings())
    context.configure(argparse.Namespace(db=str(tmp_path / "s.sqlite"), database_url=None, actor="t", forms=[]))
    with context.db.session() as session:
        structure.create_organisation(session, "Bureau", kind="county")
    return context


def _org_url(context: AppContext) -> str:
    with context.db.session() as session:
        return session.query(Organisation).one().public_base_url


def test_serve_from_laptop_and_save_the_base_url(qtbot, tmp_path):
    context = _context_with_bureau(tmp_path)
    server = LocalStatusServer(context, host="127.0.0.1")
    dialog = StatusServerDialog(context, server)
    qtbot.addWidget(dialog)
    port = _free_port()
    dialog.port.setValue(port)
    dialog.serve.setChecked(True)
    try:
        assert server.running
        assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json() == {"ok": True}
        dialog.base_url.setText(f"http://127.0.0.1:{port}/")
        image = dialog.qr.pixmap().toImage().convertToFormat(dialog.qr.pixmap().toImage().Format.Format_Grayscale8)
        pixels = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.bytesPerLine())
        decoded = zxingcpp.read_barcodes(pixels[:, : image.width()].copy())
        assert [code.text for code in decoded] == [f"http://127.0.0.1:{port}/healthz"]
        dialog.save()
        assert _org_url(context) == f"http://127.0.0.1:{port}"
        assert load_settings().public_base_url == Settings().public_base_url  # not a user setting any more
    finally:
        server.stop()
        context.close()
    assert not server.running


def test_bad_base_url_is_refused_and_not_saved(qtbot, tmp_path):
    context = _context_with_bureau(tmp_path)
    dialog = StatusServerDialog(context, LocalStatusServer(context, host="127.0.0.1"))
    qtbot.addWidget(dialog)
    dialog.base_url.setText("school-laptop:8470")
    dialog.save()
    assert "school-laptop:8470" in dialog.error.text()
    assert _org_url(context) == ""
    context.close()


def test_the_laptops_server_is_hardened_like_serve(qtbot, tmp_path):
    """A school's LAN is not a safe place: the server behind the checkbox answers a request it
    cannot parse with the security headers, as `inspector-app serve` does."""
    from PySide6.QtCore import QPoint, Qt

    from inspector_app.web.guard import SECURITY_HEADERS

    context = _context_with_bureau(tmp_path)
    server = LocalStatusServer(context, host="127.0.0.1")
    dialog = StatusServerDialog(context, server)
    qtbot.addWidget(dialog)
    port = _free_port()
    dialog.port.setValue(port)
    dialog.show()
    qtbot.waitExposed(dialog)
    # On the box itself (the widget is as wide as the form; only the box and its words react).
    qtbot.mouseClick(dialog.serve, Qt.MouseButton.LeftButton, pos=QPoint(8, dialog.serve.height() // 2))
    try:
        assert dialog.serve.isChecked(), dialog.error.text()
        assert server.running, dialog.error.text()
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"GET /h/\x00\xff HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        head = answer.split(b"\r\n\r\n")[0].lower()
        assert head.startswith(b"http/1.1 400")
        for name, value in SECURITY_HEADERS:
            assert name + b": " + value.lower() in head
    finally:
        server.stop()
        context.close()
