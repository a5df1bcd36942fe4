"""QtSvg against resvg (resvg-py) on the shared real SVG floor plans: time to draw each plan at a
screen width, and how much of the page each draws dark (QtSvg drew some CAD exports mostly black).

    .venv/bin/python benchmarks/svg_renderers.py [--width 2048] [--runs 3]

resvg-py is optional (not a dependency): the script says so and measures QtSvg alone without it.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

from timing import median_ms  # benchmarks/timing.py, beside this script

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image

from inspector_app import plans

SHARED_SVGS = Path(__file__).resolve().parents[1].parent / "shared" / "floorplans" / "svg"


def dark_share(image: Image.Image) -> float:
    grey = image.convert("L")
    histogram = grey.histogram()
    return sum(histogram[:128]) / (grey.width * grey.height)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=2048)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=SHARED_SVGS)
    args = parser.parse_args()
    try:
        import resvg_py
    except ImportError:
        resvg_py = None
        print("resvg-py is not installed: QtSvg only")
    print(f"{'file':32} {'QtSvg ms':>9} {'dark':>6} {'resvg ms':>9} {'dark':>6} {'ratio':>6}")
    for path in sorted(args.folder.glob("*.svg")):
        with plans.open(path) as doc:
            qt_image = doc.render_page(0, args.width)
            qt_ms = median_ms(lambda doc=doc: doc.render_page(0, args.width), args.runs)
        row = f"{path.name[:32]:32} {qt_ms:9.0f} {dark_share(qt_image):6.1%}"
        if resvg_py is not None:
            def draw(path=path):
                return resvg_py.svg_to_bytes(svg_path=str(path), width=args.width, background="#ffffff")
            try:
                png = draw()
                rs_ms = median_ms(draw, args.runs)
                rs_image = Image.open(io.BytesIO(bytes(png)))
                row += f" {rs_ms:9.0f} {dark_share(rs_image):6.1%} {rs_ms / qt_ms:6.2f}"
            except ValueError as exc:
                row += f"  resvg failed: {exc}"
        print(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())
