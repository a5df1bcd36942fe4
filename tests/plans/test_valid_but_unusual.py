"""Valid files that were refused (issue 22, item 21): a phone's HEIC (or AVIF) photo of a plan, a
greyscale TIFF with premultiplied ("associated") alpha, an SVG written in UTF-32, UTF-16 or GBK. Each
is made here, small and real, by the library that writes such files, then opened and drawn as the
program does (in-process and in the sandbox)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pillow_heif
import pytest
from PIL import Image, ImageDraw

from inspector_app import plans
from inspector_app.plans import sandbox

RED = (200, 0, 0)


def a_plan() -> Image.Image:
    """320×240, white, a red room top left (20..120, 20..100) and a black wall line."""
    image = Image.new("RGB", (320, 240), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 120, 100), fill=RED)
    draw.line((0, 200, 319, 200), fill="black", width=4)
    return image


def assert_drawn_like_the_plan(path: Path) -> None:
    with plans.open(path) as doc:
        assert (doc.page(0).width_px, doc.page(0).height_px) == (320, 240)
        image = np.asarray(doc.render_page(0, 320).convert("RGB"), dtype=int)
    assert np.abs(image[60, 70] - RED).max() < 25  # the room
    assert image[150, 250].min() > 230  # the white around it
    assert image[200, 160].max() < 60  # the wall
    assert sandbox.describe(path).value["pages"][0].width_px == 320  # and in the sandbox's child


def test_a_phones_heic_photo_of_a_plan_opens(tmp_path):
    path = tmp_path / "IMG_0412.HEIC"
    pillow_heif.from_pillow(a_plan()).save(path, quality=95)
    assert path.read_bytes()[4:12] == b"ftypheic"
    assert_drawn_like_the_plan(path)


def test_an_avif_photo_of_a_plan_opens(tmp_path):
    path = tmp_path / "plan.avif"
    a_plan().save(path, quality=95)
    assert_drawn_like_the_plan(path)


def test_a_video_is_refused_as_such(tmp_path):
    path = tmp_path / "walkthrough.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(64))
    with pytest.raises(plans.PlanError, match="video"):
        plans.open(path)


def test_a_grey_tiff_with_associated_alpha_opens_flattened_on_white(tmp_path):
    """Pillow reads ExtraSamples = 1 (premultiplied alpha) as mode "La", which it converts to nothing."""
    path = tmp_path / "scan.tif"
    grey = a_plan().convert("L")
    alpha = Image.new("L", grey.size, 255)
    alpha.paste(0, (200, 120, 320, 180))  # a transparent corner: paper shows through
    Image.merge("LA", (grey, alpha)).save(path)
    data = path.read_bytes()
    unassociated = bytes.fromhex("5201 0300 01000000 0200")  # ExtraSamples: 1 value, 2 = unassociated
    assert data.count(unassociated) == 1
    path.write_bytes(data.replace(unassociated, bytes.fromhex("5201 0300 01000000 0100")))
    with Image.open(path) as check:
        assert check.mode == "La"
    with plans.open(path) as doc:
        image = np.asarray(doc.render_page(0, 320).convert("RGB"), dtype=int)
    assert abs(image[60, 70][0] - grey.getpixel((70, 60))) < 6  # the room, in grey
    assert image[150, 250].min() > 245 and image[200, 100].max() < 60


SVG = ('<?xml version="1.0" encoding="{encoding}"?>\n'
       '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="240" viewBox="0 0 320 240">'
       '<rect width="320" height="240" fill="white"/><rect x="20" y="20" width="100" height="80" fill="#c80000"/>'
       '<line x1="0" y1="200" x2="320" y2="200" stroke="black" stroke-width="4"/>'
       '<text x="150" y="60" font-size="12">教学楼 一层</text></svg>')


@pytest.mark.parametrize("encoding, codec", [
    ("UTF-32", "utf-32"),  # with a byte-order mark
    ("UTF-32BE", "utf-32-be"),  # without one
    ("UTF-16", "utf-16"),
    ("GBK", "gbk"),  # Chinese CAD software writes this
])
def test_an_svg_in_another_encoding_than_utf8_opens(tmp_path, encoding, codec):
    path = tmp_path / f"plan-{codec}.svg"
    path.write_bytes(SVG.format(encoding=encoding).encode(codec))
    assert_drawn_like_the_plan(path)


def test_a_utf16_svg_is_screened_like_a_utf8_one(tmp_path):
    """The entity checks read bytes: in UTF-16 they found no "<!ENTITY" and let the file through."""
    path = tmp_path / "reads-a-file.svg"
    text = ('<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
            '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&secret;</text></svg>')
    path.write_bytes(text.encode("utf-16"))
    with pytest.raises(plans.PlanError, match="refused for safety"):
        plans.open(path)
