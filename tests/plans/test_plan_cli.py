"""`inspector-app plan info | render | import | nudge` on real plans and on bad files."""

from __future__ import annotations

import json

import pytest
from PIL import Image

from inspector_app.cli import main
from tests.floorplan_files import shared, shipped

SHIPPED_PDF, SHARED_PDF = "pdf/derived_from_shipped_plans.pdf", "pdf/asheville_floorplan.pdf"  # both US Letter


def _run(capsys, *args):
    code = main(["--lang", "en", *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("plan", "pages"), [shipped(SHIPPED_PDF, 2), *shared(SHARED_PDF, 6)])
def test_info_of_a_multi_page_pdf(capsys, plan, pages):
    code, out, _err = _run(capsys, "plan", "info", str(plan))
    assert code == 0
    info = json.loads(out)
    assert info["format"] == "pdf" and len(info["pages"]) == pages
    first = info["pages"][0]
    assert (first["width"], first["height"], first["units"]) == (792.0, 612.0, "pt")
    assert (first["width_px"], first["height_px"]) == (1056, 816)  # 96 dpi


@pytest.mark.parametrize(("plan", "layers"), [shipped("dxf/threedxf_api-cw750-details.dxf", 22),
                                               *shared("dxf/proxymix_MediaLab_building.dxf", 13)])
def test_info_lists_dxf_layers(capsys, plan, layers):
    code, out, _err = _run(capsys, "plan", "info", str(plan))
    assert code == 0 and len(json.loads(out)["layers"]) >= layers


@pytest.mark.parametrize("plan", [shipped(SHIPPED_PDF), *shared(SHARED_PDF)])
def test_render_writes_a_png_of_the_asked_width(capsys, plan, tmp_path):
    out_png = tmp_path / "page2.png"
    code, _out, err = _run(capsys, "plan", "render", str(plan), "--page", "2", "--width", "640", "--out", str(out_png))
    assert code == 0, err
    with Image.open(out_png) as image:
        assert image.width == 640 and image.height == round(640 * 612 / 792)


@pytest.mark.parametrize("content", [b"", b"%PDF-1.7 truncated"])
def test_bad_file_is_one_line_naming_it(capsys, tmp_path, content):
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(content)
    code, _out, err = _run(capsys, "plan", "info", str(bad))
    assert code == 1
    assert "broken.pdf" in err and "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize("plan", [shipped("raster/mlstruct_f23ccf42.png"), *shared("raster/f2b_example2.png")])
def test_import_a_new_version_and_nudge_pins(capsys, tmp_path, plan):
    db = str(tmp_path / "l.sqlite")
    assert _run(capsys, "--db", db, "demo")[0] == 0
    hazard = json.loads(_run(capsys, "--db", db, "hazard", "list", "--status", "open")[1])[0]
    code, out, err = _run(capsys, "--db", db, "plan", "import", "--floor", hazard["floor_id"], str(plan))
    assert code == 0, err
    assert json.loads(out)["version"] == 2  # the demo drew version 1
    code, out, err = _run(capsys, "--db", db, "plan", "nudge", "--floor", hazard["floor_id"], "--dx", "0.01")
    assert code == 0, err
    moved = json.loads(_run(capsys, "--db", db, "hazard", "show", hazard["id"])[1])
    assert moved["x"] == pytest.approx(hazard["x"] + 0.01)
    assert moved["y"] == hazard["y"]
    assert _run(capsys, "--db", db, "audit", "verify")[0] == 0
