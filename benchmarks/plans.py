"""Plan speed: open + first (coarse) paint and full detail of big plans, frame times of the canvas
with many pins, and pin hit-testing; each beside the bare library doing the same work.

    .venv/bin/python benchmarks/plans.py [--runs 5] [--raster-only]

Budgets (issue 3): coarse paint of a 10000×7000 raster < 300 ms, full detail < 1.5 s; A0 PDF first
paint < 0.5 s; median frame < 16 ms at 4× and 100% with 10k pins, < 40 ms at fit with 50k pins;
hit-testing a pin < 1 ms; ratio to the bare library ≤ 1.3 (issue 23: a raster's first paint ≤ 1.1).
Medians of several runs, ours and the bare library in turn; no asserts.

The 9500×6714 RGBA PNG (issue 23; 2 runs of 5, load average 5, CPU time, against Pillow's open,
convert and resize): main 2070-2132 ms, ratio 1.58-1.62 (the PNG decoded twice, once by getexif();
the whole image premultiplied); now 1196-1205 ms, ratio 0.90-0.91 (decoded once; laid on white in
one pass; the first paint scales a 1/4 copy).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image, ImageDraw
from timing import median_ms  # benchmarks/timing.py, beside this script

from inspector_app import plans

FLOORPLANS = Path(__file__).resolve().parents[2] / "shared" / "floorplans"
BASE_EDGE = 2048


def make_big_raster(path: Path) -> None:
    image = Image.new("RGB", (10000, 7000), "white")
    draw = ImageDraw.Draw(image)
    rng = random.Random(3)
    for _ in range(4000):
        x, y = rng.randrange(10000), rng.randrange(7000)
        draw.line([x, y, x + rng.randrange(-400, 400), y], fill="black", width=4)
        draw.line([x, y, x, y + rng.randrange(-400, 400)], fill="black", width=4)
    image.save(path, quality=90)


def make_a0_pdf(path: Path, segments: int = 30_000) -> None:
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    width, height = 1189 * mm, 841 * mm
    pdf = canvas.Canvas(str(path), pagesize=(width, height))
    rng = random.Random(5)
    pdf.setLineWidth(0.3)
    for _ in range(segments):
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        pdf.line(x, y, x + rng.uniform(-60, 60), y + rng.uniform(-60, 60))
    pdf.showPage()
    pdf.save()


def coarse_size(doc: plans.PlanDocument) -> tuple[int, int]:
    page = doc.page(0)
    scale = min(1.0, BASE_EDGE / max(page.width_px, page.height_px))
    return max(1, round(page.width_px * scale)), max(1, round(page.height_px * scale))


def bench_open_and_paint(name: str, path: Path, bare: Callable[[], object], runs: int) -> None:
    """Wall and CPU medians of ours and the bare library, run in turn (so a busy moment of a shared
    machine falls on both); the CPU ratio is the steadier figure there."""
    def ours() -> None:
        with plans.open(path) as doc:
            doc.render_region(0, None, *coarse_size(doc))

    times: dict[str, list[tuple[float, float]]] = {"ours": [], "bare": []}
    for _ in range(runs):
        for label, work in (("ours", ours), ("bare", bare)):
            wall, cpu = time.perf_counter(), time.process_time()
            work()
            times[label].append(((time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000))
    ours_ms, bare_ms = (statistics.median(t[0] for t in times[k]) for k in ("ours", "bare"))
    ours_cpu, bare_cpu = (statistics.median(t[1] for t in times[k]) for k in ("ours", "bare"))
    print(f"{name:44} {ours_ms:8.0f} ms   bare {bare_ms:8.0f} ms   ratio {ours_ms / bare_ms:5.2f}   "
          f"CPU {ours_cpu:6.0f} / {bare_cpu:6.0f} ms   ratio {ours_cpu / bare_cpu:5.2f}")


def bare_pillow(path: Path, size: tuple[int, int]) -> Callable[[], object]:
    def run() -> object:
        with Image.open(path) as image:
            image.draft("RGB", size)
            return image.convert("RGB").resize(size, Image.Resampling.BILINEAR)

    return run


def bare_pdfium(path: Path, width: int) -> Callable[[], object]:
    import pypdfium2 as pdfium

    def run() -> object:
        document = pdfium.PdfDocument(str(path))
        page = document[0]
        scale = width / page.get_width()
        image = page.render(scale=scale).to_pil()
        page.close()
        document.close()
        return image

    return run


def bench_canvas(runs: int) -> None:
    import numpy as np
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from inspector_app.ui.canvas.pins import Pin, PinSet
    from inspector_app.ui.canvas.plan_view import PlanView

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        plan = Path(tmp) / "plan.png"
        Image.new("RGB", (6000, 4000), "white").save(plan)
        view = PlanView()
        view.resize(1920, 1080)
        view.show()
        app.processEvents()
        view.set_document(plans.open(plan), first_paint_now=True)  # frames include the plan itself
        frame = QImage(view.viewport().size(), QImage.Format.Format_RGB32)
        statuses = ["open", "in_progress", "awaiting_reinspection", "closed"]
        for count in (1_000, 10_000, 50_000):
            rng = np.random.default_rng(count)
            xs, ys = rng.random(count), rng.random(count)
            view.set_pins(PinSet([Pin(str(i), float(xs[i]), float(ys[i]), statuses[i % 4], "x.y", "general", "bolt",
                                      f"S-{i:05d}") for i in range(count)]))
            for label, zoom in (("fit", 1.0), ("4x", 4.0), ("100%", None)):
                view.fit()
                if zoom is None:
                    view.actual_size()
                elif zoom != 1.0:
                    view.zoom_by(zoom)
                app.processEvents()

                def paint() -> None:
                    painter = QPainter(frame)
                    view.render(painter)
                    painter.end()

                ms = median_ms(paint, runs)
                budget = 40 if (count == 50_000 and label == "fit") else 16
                print(f"frame {count:6d} pins at {label:5}: {ms:7.1f} ms (budget {budget} ms)")
            point = QPointF(xs[0] * view.page_width, ys[0] * view.page_height)
            ms = median_ms(lambda p=point: view.pin_layer.pins_near(p, view.scale_factor()), runs * 20)
            print(f"hit-test among {count:6d} pins: {ms:7.3f} ms (budget 1 ms)")
        view.close_document()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--raster-only", action="store_true", help="only the shared 9500x6714 PNG")
    args = parser.parse_args()
    runs = args.runs
    print("open + first (coarse) paint, against the bare library doing the same decode/render")
    largest = FLOORPLANS / "raster" / "mlstruct_f23ccf42.png"
    with plans.open(largest) as doc:
        size = coarse_size(doc)
    bench_open_and_paint("largest shared raster (9500x6714 PNG)", largest, bare_pillow(largest, size), runs)
    if args.raster_only:
        return
    densest = FLOORPLANS / "pdf" / "nvc_A2RFloorplan.pdf"
    with plans.open(densest) as doc:
        size = coarse_size(doc)
    bench_open_and_paint("densest shared PDF (156k paths)", densest, bare_pdfium(densest, size[0]), runs)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.jpg"
        make_big_raster(big)
        with plans.open(big) as doc:
            size = coarse_size(doc)
        bench_open_and_paint("generated 10000x7000 JPEG, coarse", big, bare_pillow(big, size), runs)

        def detail() -> None:
            with plans.open(big) as doc:
                doc.render_region(0, (0.4, 0.4, 0.6, 0.6), 1920, 1344)  # a 4x view at full resolution

        def bare_detail() -> None:
            with Image.open(big) as image:
                image.crop((4000, 2800, 6000, 4200)).resize((1920, 1344))

        ours, bare = median_ms(detail, runs), median_ms(bare_detail, runs)
        print(f"{'generated 10000x7000 JPEG, full detail':44} {ours:8.0f} ms   bare {bare:8.0f} ms   "
              f"ratio {ours / bare:5.2f}")
        a0 = Path(tmp) / "a0.pdf"
        make_a0_pdf(a0)
        with plans.open(a0) as doc:
            size = coarse_size(doc)
        bench_open_and_paint("generated A0 PDF, 30,000 segments", a0, bare_pdfium(a0, size[0]), runs)
    print()
    print("canvas frames (1920x1080 viewport, offscreen software rendering)")
    bench_canvas(runs)


if __name__ == "__main__":
    main()
