"""Taking a hazard photo with the laptop's camera (QtMultimedia): the live picture is shown and the
frame on screen when "Take photo" is pressed becomes the photo. Offered only when a camera is found."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap
from PySide6.QtMultimedia import QCamera, QMediaCaptureSession, QMediaDevices, QVideoFrame, QVideoSink
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from inspector_app.i18n import _


def camera_available() -> bool:
    return bool(QMediaDevices.videoInputs())


class CameraCaptureDialog(QDialog):
    """Live camera picture; ``image`` holds the frame taken when the dialog is accepted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Take a photo"))
        self.image = QImage()
        self._last = QImage()
        self.picture = QLabel(_("Starting the camera…"))
        self.picture.setMinimumSize(640, 480)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.take = QPushButton(_("Take photo"))
        self.take.setMinimumHeight(48)
        self.take.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.take.clicked.connect(self._take)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picture)
        layout.addWidget(self.take)
        layout.addWidget(buttons)
        self.sink = QVideoSink(self)
        self.sink.videoFrameChanged.connect(self._frame)
        self.camera = QCamera(self)
        self.session = QMediaCaptureSession(self)
        self.session.setCamera(self.camera)
        self.session.setVideoSink(self.sink)

    def _frame(self, frame: QVideoFrame) -> None:
        self._last = frame.toImage()
        self.picture.setPixmap(QPixmap.fromImage(self._last).scaled(
            self.picture.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation))

    def _take(self) -> None:
        if not self._last.isNull():
            self.image = self._last.copy()
            self.accept()

    def exec(self) -> int:
        self.camera.start()
        try:
            return super().exec()
        finally:
            self.camera.stop()
