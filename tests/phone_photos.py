"""Photos as a phone makes them, for the tests of what responsible units send: a JPEG with the camera's
make and model, a GPS position and the time it was taken (which the inspector is shown beside the
time the photo was received)."""

from __future__ import annotations

import io

from PIL import Image

from inspector_app.core.photos import DATETIME_ORIGINAL, EXIF_IFD, GPS_IFD


def phone_photo(taken: str = "2026:12:01 09:30:00") -> bytes:
    """``taken`` as EXIF writes it ("YYYY:MM:DD HH:MM:SS", the camera's local time)."""
    image = Image.new("RGB", (640, 480), (120, 160, 90))
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "PhoneMaker", "Model X"
    exif[EXIF_IFD] = {DATETIME_ORIGINAL: taken}
    exif[GPS_IFD] = {1: "N", 2: (37.0, 30.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()
