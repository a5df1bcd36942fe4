"""Scanning a notice's QR code with the laptop's camera: frames from QtMultimedia are decoded live
with zxing-cpp (a few times a second, not every frame), and the first code read is handed on as if
a handheld scanner had typed it. Only offered when QtMultimedia finds a camera."""

from __future__ import annotations

import time

import numpy as np
import zxingcpp
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QMediaDevices, QVideoFrame, QVideoSink
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from inspector_app.i18n import _

DECODE_INTERVAL_S = 0.25


def decode_qr(image: QImage) -> str | None:
    """The text of the first QR code in an image, or None."""
    if image.isNull():
        return None
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    pixels = np.frombuffer(grey.constBits(), dtype=np.uint8).reshape(grey.height(), grey.bytesPerLine())
    for code in zxingcpp.read_barcodes(np.ascontiguousarray(pixels[:, : grey.width()])):
        if code.valid and code.text and code.format == zxingcpp.BarcodeFormat.QRCode:
            return str(code.text)
    return None


def camera_available() -> bool:
    return bool(QMediaDevices.videoInputs())


class CameraScanner(QObject):
    """Runs the default camera into a video sink and decodes its frames."""

    decoded = Signal(str)
    frame = Signal(QImage)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self.on_frame)
        self._last_decode = 0.0
        self._camera: QCamera | None = None
        self._session: QMediaCaptureSession | None = None

    def start(self) -> None:
        self._camera = QCamera(self)
        self._session = QMediaCaptureSession(self)
        self._session.setCamera(self._camera)
        self._session.setVideoSink(self.sink)
        self._camera.start()

    def stop(self) -> None:
        if self._camera is not None:
            self._camera.stop()

    def on_frame(self, video_frame: QVideoFrame) -> None:
        image = video_frame.toImage()
        self.frame.emit(image)
        now = time.monotonic()
        if now - self._last_decode < DECODE_INTERVAL_S:
            return
        self._last_decode = now
        text = decode_qr(image)
        if text:
            self.decoded.emit(text)


class CameraScanDialog(QDialog):
    """Shows the camera picture until a QR code is read; ``text`` then holds what it says."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Scan with the camera"))
        self.text = ""
        self.picture = QLabel(_("Hold the notice's QR code in front of the camera."))
        self.picture.setMinimumSize(480, 360)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture)
        layout.addWidget(buttons)
        self.scanner = CameraScanner(self)
        self.scanner.frame.connect(self._show)
        self.scanner.decoded.connect(self._found)

    def _show(self, image: QImage) -> None:
        self.picture.setPixmap(QPixmap.fromImage(image).scaled(
            self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation))

    def _found(self, text: str) -> None:
        self.text = text
        self.accept()

    def exec(self) -> int:
        self.scanner.start()
        try:
            return super().exec()
        finally:
            self.scanner.stop()
