"""The camera scan path, fed with frames made from images (no camera here): a QR in a frame is
decoded and handed on; frames without one, and frames too soon after a decode, give nothing."""

from __future__ import annotations

import io

import qrcode
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame

from inspector_app.ui import camera_scan
from inspector_app.ui.camera_scan import CameraScanner, decode_qr

URL = "http://192.0.2.10:8470/h/ZpQaBqCjSe3jti3oN5cTjhDm"


def _photo_of_a_qr(text: str) -> QImage:
    buffer = io.BytesIO()
    qrcode.make(text, box_size=6, border=4).save(buffer, format="PNG")
    code = QImage.fromData(buffer.getvalue())
    frame = QImage(640, 480, QImage.Format.Format_RGB32)
    frame.fill(0xFFB0B0B0)  # grey wall around the notice
    from PySide6.QtGui import QPainter

    painter = QPainter(frame)
    painter.drawImage(170, 60, code.scaled(300, 300))
    painter.end()
    return frame


def test_decode_qr_from_a_frame():
    assert decode_qr(_photo_of_a_qr(URL)) == URL
    blank = QImage(320, 240, QImage.Format.Format_RGB32)
    blank.fill(0xFFFFFFFF)
    assert decode_qr(blank) is None


def test_scanner_emits_the_first_code_and_throttles(qtbot, monkeypatch):
    scanner = CameraScanner()
    clock = iter([10.0, 10.1, 10.5])
    monkeypatch.setattr(camera_scan.time, "monotonic", lambda: next(clock))
    frame = QVideoFrame(_photo_of_a_qr(URL))
    with qtbot.waitSignal(scanner.decoded) as got:
        scanner.on_frame(frame)
    assert got.args == [URL]
    with qtbot.assertNotEmitted(scanner.decoded):
        scanner.on_frame(frame)  # 0.1 s later: not decoded again
    with qtbot.waitSignal(scanner.decoded):
        scanner.on_frame(frame)
