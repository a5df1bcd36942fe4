"""Writes pdf/derived_from_shipped_plans.pdf: the one PDF in tests/data/floorplans, because none of the
real PDF plans in ../shared/floorplans may be redistributed (see SOURCES.txt).

Two pages of US Letter landscape (792 × 612 pt), each a shipped plan of another kind as a PDF of a
plan usually comes: the ha-floorplan house as vector paths (printed from a drawing program), the
MLSTRUCT residential floor as an embedded image (a scan). Each page says under the drawing which file
it is, where it comes from and that it was converted here (Apache-2.0 §4(b)).

Run once from the repository root, when the shipped plans change:
    QT_QPA_PLATFORM=offscreen python tests/data/floorplans/derive_pdf.py
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "pdf" / "derived_from_shipped_plans.pdf"
MARGIN, CAPTION = 36.0, 18.0  # points
RASTER_WIDTH = 2000  # pixels the MLSTRUCT page is scaled to (the original is 9500 wide)

PAGES = (
    ("svg/hafp_home.svg", "ExperienceLovelace/ha-floorplan, Apache-2.0"),
    ("raster/mlstruct_f23ccf42.png", "MLSTRUCT/MLSTRUCT-FP, MIT, (c) 2023 MLSTRUCT"),
)


def fitted(width: float, height: float, box):
    """The largest rectangle of the drawing's proportions centred in ``box``."""
    from PySide6.QtCore import QRectF

    scale = min(box.width() / width, box.height() / height)
    w, h = width * scale, height * scale
    return QRectF(box.x() + (box.width() - w) / 2, box.y() + (box.height() - h) / 2, w, h)


def main() -> int:
    from PySide6.QtCore import QByteArray, QMarginsF, QRectF, Qt
    from PySide6.QtGui import QFont, QGuiApplication, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication(sys.argv[:1])
    writer = QPdfWriter(str(OUT))
    writer.setResolution(72)  # one unit a point
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.Letter), QPageLayout.Orientation.Landscape,
                                     QMarginsF(0, 0, 0, 0)))
    writer.setTitle("Two shipped test plans converted to PDF (tests/data/floorplans/derive_pdf.py)")
    writer.setCreator("Fire-Risk Inspector tests")
    page = QRectF(0, 0, 792, 612)
    drawing_box = page.adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN - CAPTION)
    caption_box = QRectF(MARGIN, page.height() - MARGIN - CAPTION, page.width() - 2 * MARGIN, CAPTION)
    painter = QPainter(writer)
    painter.setFont(QFont("DejaVu Sans", 8))
    for number, (name, origin) in enumerate(PAGES):
        if number:
            writer.newPage()
        source = HERE / name
        if source.suffix == ".png":
            scaled = QImage(str(source)).scaledToWidth(RASTER_WIDTH, Qt.TransformationMode.SmoothTransformation)
            image = QImage(scaled.size(), QImage.Format.Format_RGB888)  # on white paper, as a scan is
            image.fill(Qt.GlobalColor.white)
            on_paper = QPainter(image)
            on_paper.drawImage(0, 0, scaled)
            on_paper.end()
            painter.drawImage(fitted(image.width(), image.height(), drawing_box), image)
        else:
            renderer = QSvgRenderer(QByteArray(source.read_bytes()))
            view = renderer.viewBoxF()
            renderer.render(painter, fitted(view.width(), view.height(), drawing_box))
        painter.drawText(caption_box, Qt.AlignmentFlag.AlignCenter,
                         f"{name} ({origin}); converted to PDF for Fire-Risk Inspector's tests")
    painter.end()
    print(f"{OUT}: {OUT.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
