"""The status server from the program: the organisation's public address printed in every QR (kept in
the ledger, core.organisation; never in the user's settings), and "serve from this laptop", which runs
the same server as `inspector-app serve` in a background thread, proposes the address phones on the
school's network reach, and shows a test QR to try it with."""

from __future__ import annotations

import io
import threading
import time
import uuid

import qrcode
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.app.network import lan_address
from inspector_app.core.errors import InspectorError
from inspector_app.core.organisation import choose_organisation, unreachable_from_phones
from inspector_app.i18n import _
from inspector_app.ui.org_dialogs import save_public_address


class LocalStatusServer:
    """uvicorn in a daemon thread, started and stopped from the GUI."""

    def __init__(self, context: AppContext, host: str = "0.0.0.0") -> None:
        self.context = context
        self.host = host  # every network of the laptop, so phones on the school's LAN reach it
        self.server: object | None = None
        self.thread: threading.Thread | None = None
        self.port = 8470

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def start(self, port: int) -> bool:
        import uvicorn

        from inspector_app.web.app import create_app
        from inspector_app.web.server_config import UVICORN_OPTIONS

        self.stop()
        # The same hardened HTTP layer as `inspector-app serve`: a school's LAN is not a safe place either.
        config = uvicorn.Config(create_app(self.context.db, self.context.catalogue), host=self.host, port=port,
                                **UVICORN_OPTIONS)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, name="status-server", daemon=True)
        thread.start()
        deadline = time.monotonic() + 5
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.02)
        self.server, self.thread, self.port = server, thread, port
        return bool(server.started)

    def stop(self) -> None:
        if self.server is not None and self.thread is not None:
            self.server.should_exit = True  # type: ignore[attr-defined]
            self.thread.join(5)
        self.server = self.thread = None


def qr_pixmap(text: str, box: int = 6) -> QPixmap:
    image = qrcode.make(text, box_size=box, border=4)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return QPixmap.fromImage(QImage.fromData(buffer.getvalue()))


class StatusServerDialog(QDialog):
    def __init__(self, context: AppContext, server: LocalStatusServer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context, self.server = context, server
        self.setWindowTitle(_("Status server"))
        self.organisation_id: uuid.UUID | None = None
        self.base_url = QLineEdit()
        problem = ""
        try:
            with context.db.session() as session:
                org = choose_organisation(session)
                self.organisation_id, organisation_name = org.id, org.name
                self.base_url.setText(org.public_base_url)
        except InspectorError as exc:
            organisation_name, problem = "", str(exc)
        self.base_url.setPlaceholderText("http://192.168.1.20:8470")
        self.serve = QCheckBox(_("Serve from this laptop"))
        self.serve.setChecked(server.running)
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(server.port)
        self.address = QLabel()
        self.address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.qr = QLabel()
        self.error = QLabel()
        self.error.setStyleSheet("color:#b71c1c")
        self.serve.toggled.connect(self._toggle)
        self.base_url.textChanged.connect(self._update_qr)
        form = QFormLayout(self)
        form.addRow(_("Public address in QR codes of {name}:").format(name=organisation_name)
                    if organisation_name else _("Public address in QR codes:"), self.base_url)
        form.addRow(self.serve)
        form.addRow(_("Port:"), self.port)
        form.addRow(_("Phones reach it at:"), self.address)
        form.addRow(_("Test QR (opens the server's health check):"), self.qr)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._update_address()
        self._update_qr()
        if problem:
            self.error.setText(problem)

    def _toggle(self, on: bool) -> None:
        self.error.clear()
        if on:
            if not self.server.start(self.port.value()):
                self.error.setText(_("The server could not start on port {port} (is it in use?).").format(
                    port=self.port.value()))
                self.serve.blockSignals(True)
                self.serve.setChecked(False)
                self.serve.blockSignals(False)
            elif unreachable_from_phones(self.base_url.text()):  # propose the address phones reach
                lan = lan_address()
                if lan:
                    self.base_url.setText(f"http://{lan}:{self.port.value()}")
        else:
            self.server.stop()
        self._update_address()

    def _update_address(self) -> None:
        if self.server.running:
            lan = lan_address() or "127.0.0.1"
            self.address.setText(f"http://{lan}:{self.server.port}")
        else:
            self.address.setText(_("(not serving from this laptop)"))

    def _update_qr(self) -> None:
        base = self.base_url.text().strip().rstrip("/")
        self.qr.setPixmap(qr_pixmap(f"{base}/healthz", box=4) if base else QPixmap())

    def save(self) -> None:
        """Store the address in the organisation's row (every laptop of it prints the same)."""
        if self.organisation_id is None:
            self.error.setText(_("Choose the organisation first: this ledger has no single top-level organisation."))
            return
        try:
            save_public_address(self.context, self.organisation_id, self.base_url.text())
        except InspectorError as exc:
            self.error.setText(str(exc))
            return
        self.accept()
