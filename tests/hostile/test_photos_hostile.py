"""Phone photos in HEIC are stored upright without GPS, like JPEGs; bombs, truncated files and
photos that are not photos are refused by name before anything is stored."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image

from inspector_app.cli import main
from inspector_app.core.photos import GPS_IFD, clean_photo_bytes
from tests.hostile.conftest import CORPUS, PUBLIC


def _heic_phone_photo(path):
    """Pixels stored landscape with a red stripe on the left, EXIF orientation 6 (turn clockwise), GPS."""
    from pillow_heif import register_heif_opener

    register_heif_opener()
    image = Image.new("RGB", (400, 200), "white")
    image.paste((255, 0, 0), (0, 0, 100, 200))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2], gps[3], gps[4] = "N", (37.0, 31.0, 0.0), "E", (111.0, 8.0, 0.0)
    image.save(path, format="HEIF", exif=exif.tobytes(), quality=90)
    return path


def test_heic_is_stored_upright_as_jpeg_without_gps(tmp_path):
    source = _heic_phone_photo(tmp_path / "IMG_0001.HEIC")
    with Image.open(source) as original:
        assert original.format == "HEIF" and original.getexif().get_ifd(GPS_IFD), "the test photo must carry GPS"
    data, width, height = clean_photo_bytes(source)
    with Image.open(io.BytesIO(data)) as stored:
        assert stored.format == "JPEG" and stored.size == (200, 400) == (width, height)
        exif = stored.getexif()
        assert not exif.get_ifd(GPS_IFD) and exif.get(0x0112) in (None, 1)
        assert exif.get(0x010F) == "PhoneMaker"
        top, bottom = stored.getpixel((100, 20)), stored.getpixel((100, 380))
    assert top[0] > 200 and top[1] < 80  # the stripe that was on the left is at the top
    assert bottom[1] > 200


def _hazard_count(capsys, db):
    assert main(["--db", db, "hazard", "list"]) == 0
    return len(json.loads(capsys.readouterr().out))


@pytest.mark.parametrize(("name", "words"), [
    ("jpeg_bomb.jpg", "decompression bomb"),
    ("png_huge_declared.png", "decompression bomb"),
    ("jpeg_truncated.jpg", "damaged or truncated"),
    ("text_named_jpeg.jpg", "not a photo"),
])
def test_bad_photo_refused_by_name_and_nothing_stored(name, words, db, floor, catalogue, capsys, tmp_path):
    db_path = str(tmp_path / "ledger.sqlite")
    before_files = sorted(p for p in db.store.root.rglob("*") if p.is_file()) if db.store.root.exists() else []
    before = _hazard_count(capsys, db_path)
    category = next(iter(catalogue.categories))
    code = main(["--lang", "en", "--db", db_path, "hazard", "add", "--floor", str(floor), "--x", "0.5",
                 "--y", "0.5", "--category", category, "--photo", str(CORPUS / name)])
    err = capsys.readouterr().err
    assert code == 1
    assert name in err and words in err and err.count("\n") == 1
    assert " object at 0x" not in err and "Traceback" not in err
    assert _hazard_count(capsys, db_path) == before
    after_files = sorted(p for p in db.store.root.rglob("*") if p.is_file()) if db.store.root.exists() else []
    assert after_files == before_files


def test_a_photo_with_a_bad_exif_tag_is_stored_with_the_tags_that_can_be_written(tmp_path):
    """Pillow's broken_exif_dpi.jpg (tests/data/hostile/public) holds its resolution as text: the photo
    used to fail with a TypeError when its EXIF was written back."""
    source = PUBLIC / "pillow_broken_exif_dpi.jpg"
    with Image.open(source) as original:
        assert isinstance(original.getexif()[0x011A], str), "the test photo must carry the bad tag"
    data, width, height = clean_photo_bytes(source)
    with Image.open(io.BytesIO(data)) as stored:
        exif = stored.getexif()
        assert stored.format == "JPEG" and stored.size == (width, height)
        assert exif.get(0x0110) == "NIKON D800" and 0x011A not in exif
