"""PDF plans through pypdfium2, every PDFium call serialised by one process-wide lock.

PDFium is not thread-safe even across separate documents (measured: see ENVIRONMENT-NOTES), so
all documents share ``PDFIUM_LOCK``; the canvas renders from one worker thread and the CLI from the
main thread, and neither can ever overlap another PDFium call. Sizes are PDF points (1/72 in).
"""

from __future__ import annotations

import threading
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from inspector_app.i18n import _
from inspector_app.plans.document import CSS_DPI, PageInfo, PlanDocument, Region
from inspector_app.plans.errors import PlanError

PDFIUM_LOCK = threading.RLock()

# Larger than any paper (PDF's own limit is 200 in = 14400 pt); guards against absurd MediaBoxes.
MAX_PAGE_POINTS = 14400 * 4

_LOAD_ERRORS = {
    pdfium_c.FPDF_ERR_PASSWORD: "password",
    pdfium_c.FPDF_ERR_FORMAT: "format",
    pdfium_c.FPDF_ERR_FILE: "file",
    pdfium_c.FPDF_ERR_SECURITY: "security",
}


class PdfPlanDocument(PlanDocument):
    """A PDF drawing; each PDF page is a plan page."""

    def __init__(self, path: Path) -> None:
        super().__init__(path=path, format="pdf")
        self._pdf_index: list[int] = []  # the PDF's page number of each plan page (bad pages left out)
        with PDFIUM_LOCK:
            try:
                self._pdf: pdfium.PdfDocument | None = pdfium.PdfDocument(str(path))
            except pdfium.PdfiumError as exc:
                raise PlanError(path, _load_problem(exc)) from exc
            try:
                count = len(self._pdf)
                if count == 0:
                    raise PlanError(path, _("the PDF has no pages"))
                impossible: list[str] = []
                for index in range(count):
                    # The size comes from the page dictionary; loading the page would parse all its
                    # content (150 ms for a 156k-path drawing) only to parse it again to render.
                    try:
                        w, h = self._pdf.get_page_size(index)
                    except pdfium.PdfiumError as exc:
                        raise PlanError(path, _("the PDF's list of pages is damaged (page {n})").format(
                            n=index + 1)) from exc
                    if not (0 < w <= MAX_PAGE_POINTS and 0 < h <= MAX_PAGE_POINTS):
                        # One bad page (pdf.js's boundingBox_invalid.pdf: a MediaBox of 0 0 0 0) must
                        # not hide the good ones: it is left out and said so; none good is refused.
                        impossible.append(_("page {n} has an impossible size ({w}×{h} pt)").format(
                            n=index + 1, w=round(w), h=round(h)))
                        continue
                    self._pdf_index.append(index)
                    self.pages.append(PageInfo(
                        width=w, height=h, units="pt",
                        width_px=max(1, round(w * CSS_DPI / 72.0)),
                        height_px=max(1, round(h * CSS_DPI / 72.0)),
                        label=_("Page {n}").format(n=index + 1),
                        scale=72.0 / CSS_DPI,
                    ))
                if not self.pages:
                    raise PlanError(path, impossible[0])
                self.warnings.extend(_("{problem}: it is left out").format(problem=problem)
                                     for problem in impossible)
            except Exception:
                self._pdf.close()
                self._pdf = None
                raise

    def _render(self, page: int, region: Region, width: int, height: int) -> Image.Image:
        info = self.pages[page]
        scale = width / (region.width * info.width)
        crop = (
            region.x0 * info.width,
            (1.0 - region.y1) * info.height,  # PDF's y axis points up: bottom crop first
            (1.0 - region.x1) * info.width,
            region.y0 * info.height,
        )
        with PDFIUM_LOCK:
            if self._pdf is None:
                raise PlanError(self.path, _("the document is closed"))
            pdf_page = self._pdf[self._pdf_index[page]]
            try:
                bitmap = pdf_page.render(scale=scale, crop=crop, rev_byteorder=True,
                                         may_draw_forms=False)
                image = bitmap.to_pil()
                bitmap.close()
            finally:
                pdf_page.close()
        # PDFium rounds each crop edge up, so the result can be a pixel or two off: trim, don't rescale.
        if image.width >= width and image.height >= height:
            image = image.crop((0, 0, width, height))
        return image.convert("RGB") if image.mode != "RGB" else image

    def close(self) -> None:
        with PDFIUM_LOCK:
            if self._pdf is not None:
                self._pdf.close()
                self._pdf = None


def _load_problem(exc: pdfium.PdfiumError) -> str:
    kind = _LOAD_ERRORS.get(getattr(exc, "err_code", None) or -1)
    if kind == "password":
        return _("the PDF is encrypted with a password; save an unprotected copy first")
    if kind == "security":
        return _("the PDF uses an unsupported security handler")
    if kind == "file":
        return _("the PDF cannot be read from disk")
    return _("the PDF is damaged or truncated")
