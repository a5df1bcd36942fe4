"""A photo is stored upright with its GPS position removed; bad photos are refused by name."""

from __future__ import annotations

import pytest
from PIL import Image

from inspector_app.core.errors import InspectorError
from inspector_app.core.photos import GPS_IFD, clean_photo_bytes
from inspector_app.core.store import FileStore


def _phone_photo(path):
    """A 'portrait' phone photo: pixels stored landscape, EXIF orientation 6, GPS of the school."""
    image = Image.new("RGB", (400, 200), "white")
    image.paste((255, 0, 0), (0, 0, 100, 200))  # red stripe on the stored image's left edge
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (37.0, 31.0, 0.0), "E", (111.0, 8.0, 0.0)
    image.save(path, format="JPEG", exif=exif.tobytes(), quality=95)
    return path


def test_orientation_applied_and_gps_removed(tmp_path):
    source = _phone_photo(tmp_path / "phone.jpg")
    assert Image.open(source).getexif().get_ifd(GPS_IFD), "the test photo must carry GPS"
    data, width, height = clean_photo_bytes(source)
    stored = tmp_path / "stored.jpg"
    stored.write_bytes(data)
    with Image.open(stored) as image:
        assert image.size == (200, 400) == (width, height)
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert GPS_IFD not in exif
        assert exif.get(0x0112) in (None, 1)
        assert exif.get(0x010F) == "PhoneMaker"
        # The red stripe was on the left; after a clockwise turn it is at the top.
        top = image.getpixel((100, 20))
        bottom = image.getpixel((100, 380))
    assert top[0] > 200 and top[1] < 80
    assert bottom[1] > 200


def test_store_keeps_one_copy_per_content(tmp_path):
    store = FileStore(tmp_path / "files")
    first = store.put(b"same bytes", ".jpg")
    second = store.put(b"same bytes", ".jpg")
    assert first == second
    assert store.find(first) is not None
    assert len(list((tmp_path / "files").rglob("*.jpg"))) == 1


@pytest.mark.parametrize(("content", "message"), [(b"", "empty"), (b"not an image at all", "not a photo")])
def test_bad_photo_is_refused_by_name(tmp_path, content, message, english):
    path = tmp_path / "broken.jpg"
    path.write_bytes(content)
    with pytest.raises(InspectorError, match=message) as refused:
        clean_photo_bytes(path)
    assert "broken.jpg" in str(refused.value)


def test_missing_photo_is_refused_by_name(tmp_path, english):
    with pytest.raises(InspectorError, match=r"nothing\.jpg"):
        clean_photo_bytes(tmp_path / "nothing.jpg")
