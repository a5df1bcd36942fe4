"""Every real plan in ../shared/floorplans opens and renders something that is not blank; every kind
of bad file is refused with a PlanError naming the file; pins keep their spot at any resolution."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from inspector_app import plans

KINDS = {"raster": "*.png", "pdf": "*.pdf", "svg": "*.svg", "dxf": "*.dxf"}


def real_plans() -> list[Path]:
    from tests.conftest import FLOORPLANS

    return sorted(p for kind, pattern in KINDS.items() for p in (FLOORPLANS / kind).glob(pattern))


def test_the_shared_plans_are_there():
    assert len(real_plans()) >= 16


@pytest.mark.parametrize("path", real_plans(), ids=lambda p: p.name)
def test_real_plan_opens_and_renders_a_drawing(path):
    with plans.open(path) as doc:
        assert doc.page_count >= 1
        page = doc.page(0)
        assert page.width_px > 0 and page.height_px > 0
        image = doc.render_page(0, 600)
    assert image.width == 600
    pixels = np.asarray(image.convert("RGB"), dtype=np.float32)
    # Something is drawn: not one flat colour (the faint cyan wall layer counts, so compare colours).
    assert pixels.std(axis=(0, 1)).max() > 1.0, f"{path.name} rendered blank"


def test_cad_svg_is_not_drawn_black(floorplans):
    """QtSvg draws clipPaths defined outside <defs> as black shapes over FloorPlanCAD exports."""
    with plans.open(floorplans / "svg" / "floorplancad_dataset01.svg") as doc:
        pixels = np.asarray(doc.render_page(0, 800).convert("L"), dtype=np.float32)
    assert np.median(pixels) > 200
    assert 0.005 < (pixels < 128).mean() < 0.4


def test_multi_page_pdf_and_dxf_layers(floorplans):
    with plans.open(floorplans / "pdf" / "asheville_floorplan.pdf") as doc:
        assert doc.page_count == 6
        assert doc.page(0).units == "pt"
    with plans.open(floorplans / "dxf" / "proxymix_HotelDieu_building.dxf") as doc:
        names = [layer.name for layer in doc.layers()]
        assert len(names) > 10
        before = np.asarray(doc.render_page(0, 500).convert("L"))
        for name in names:
            doc.set_layer_visible(name, False)
        hidden = np.asarray(doc.render_page(0, 500).convert("L"))
    assert (before < 200).mean() > 0.001
    assert (hidden < 200).mean() == 0.0


def test_dxf_extent_ignores_a_stray_entity_far_away(tmp_path):
    import ezdxf

    drawing = ezdxf.new()
    space = drawing.modelspace()
    for i in range(40):
        space.add_line((0, i * 10), (300, i * 10))
    space.add_text("stray", dxfattribs={"insert": (1e9, 1e9)})
    path = tmp_path / "stray.dxf"
    drawing.saveas(path)
    with plans.open(path) as doc:
        x0, y0, x1, y1 = doc.extent(0)
    assert x1 - x0 < 400 and y1 - y0 < 500


def test_region_render_matches_the_same_spot_of_the_full_page(floorplans):
    """A region rendered at 4× lands on the same pixels as that region of the full page."""
    with plans.open(floorplans / "raster" / "f2b_example2.png") as doc:
        full = np.asarray(doc.render_page(0, 800).convert("L"), dtype=np.float32)
        h = full.shape[0]
        region = (0.25, 0.25, 0.5, 0.5)
        zoomed = doc.render_region(0, region, 800, round(h))
    small = np.asarray(zoomed.convert("L").resize((200, round(h / 4))), dtype=np.float32)
    crop = full[round(h * 0.25):round(h * 0.25) + small.shape[0], 200:400]
    assert np.abs(small - crop).mean() < 25


def _png_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(
        b"IEND", b"")


def _encrypted_pdf(path: Path) -> None:
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(100, 700, "plan")
    pdf.save()


@pytest.mark.parametrize("kind", ["empty", "corrupt", "truncated_png", "truncated_pdf", "encrypted_pdf", "bomb",
                                  "wrong_extension_text", "folder", "missing", "dwg"])
def test_bad_files_are_refused_by_name(tmp_path, floorplans, kind):
    path = tmp_path / f"bad-{kind}.png"
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "corrupt":
        path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 100)
    elif kind == "truncated_png":
        data = (floorplans / "raster" / "f2b_example2.png").read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif kind == "truncated_pdf":
        path = tmp_path / "bad.pdf"
        data = (floorplans / "pdf" / "joelegner_floorplan.pdf").read_bytes()
        path.write_bytes(data[: len(data) // 4])
    elif kind == "encrypted_pdf":
        path = tmp_path / "locked.pdf"
        _encrypted_pdf(path)
    elif kind == "bomb":
        path.write_bytes(_png_claiming(100_000, 100_000))
    elif kind == "wrong_extension_text":
        path = tmp_path / "notes.pdf"
        path.write_text("meeting notes, not a plan", encoding="utf-8")
    elif kind == "folder":
        path = tmp_path / "folder.png"
        path.mkdir()
    elif kind == "dwg":
        path = tmp_path / "plan.dwg"
        path.write_bytes(b"AC1027" + b"\0" * 200)
    with pytest.raises(plans.PlanError) as refused, plans.open(path) as doc:
        doc.render_page(0, 400)
    assert path.name in str(refused.value)


def test_misnamed_file_opens_by_content(tmp_path, floorplans):
    misnamed = tmp_path / "plan.pdf"
    misnamed.write_bytes((floorplans / "raster" / "f2b_example2.png").read_bytes())
    with plans.open(misnamed) as doc:
        assert doc.format == "png"


def test_exif_orientation_of_a_phone_photo_is_honoured(tmp_path):
    image = Image.new("RGB", (300, 100), "white")
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "photo-of-evacuation-diagram.jpg"
    image.save(path, exif=exif.tobytes())
    with plans.open(path) as doc:
        assert (doc.page(0).width_px, doc.page(0).height_px) == (100, 300)


def _drawing(mode: str, size=(400, 300)) -> Image.Image:
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).rectangle([50, 50, 350, 250], outline="black", width=8)
    if mode == "I;16":
        return Image.fromarray(np.asarray(image.convert("L"), dtype=np.uint16) * 257)
    return image.convert(mode)


@pytest.mark.parametrize(("suffix", "mode", "save_args"), [
    (".tif", "CMYK", {}),
    (".tif", "I;16", {}),
    (".webp", "RGB", {}),
    (".gif", "P", {}),
    (".bmp", "RGB", {}),
    (".jpg", "L", {}),
])
def test_raster_formats_and_modes(tmp_path, suffix, mode, save_args):
    path = tmp_path / f"plan{suffix}"
    _drawing(mode).save(path, **save_args)
    with plans.open(path) as doc:
        image = doc.render_page(0, 200)
    pixels = np.asarray(image.convert("L"), dtype=np.float32)
    assert image.size == (200, 150)
    assert pixels[75, 27] < 100  # the left wall (x 50..58 of 400) at half size
    assert pixels[75, 100] > 200  # inside the room: paper


def test_multi_page_tiff_pages(tmp_path):
    path = tmp_path / "floors.tif"
    first, second = _drawing("RGB"), _drawing("RGB", size=(300, 600))
    first.save(path, save_all=True, append_images=[second])
    with plans.open(path) as doc:
        assert doc.page_count == 2
        assert (doc.page(1).width_px, doc.page(1).height_px) == (300, 600)
        assert doc.render_page(1, 150).size == (150, 300)
