"""Pick the reader for a plan file by sniffing its content, and turn any failure into PlanError."""

from __future__ import annotations

from pathlib import Path

from inspector_app.i18n import _
from inspector_app.plans.document import PlanDocument
from inspector_app.plans.errors import PlanError
from inspector_app.plans.sniff import sniff_format

RASTER_FORMATS = frozenset({"png", "jpeg", "tiff", "bmp", "webp", "gif", "heif", "avif"})


def open_plan(path: str | Path) -> PlanDocument:
    """Open any supported plan; raises PlanError naming the file and the problem."""
    path = Path(path)
    fmt = sniff_format(path)
    try:
        if fmt in RASTER_FORMATS:
            from inspector_app.plans.raster import RasterDocument

            return RasterDocument(path, fmt)
        if fmt == "pdf":
            from inspector_app.plans.pdf import PdfPlanDocument

            return PdfPlanDocument(path)
        if fmt == "svg":
            from inspector_app.plans.svg import SvgPlanDocument

            return SvgPlanDocument(path)
        if fmt == "dxf":
            from inspector_app.plans.dxf import DxfPlanDocument

            return DxfPlanDocument(path)
    except PlanError:
        raise
    except MemoryError as exc:
        raise PlanError(path, _("not enough memory to open this plan")) from exc
    except Exception as exc:  # a reader library choking on a bad file must never crash the GUI
        raise PlanError(path, _("cannot open: {error}").format(error=exc)) from exc
    raise PlanError(path, _("unsupported format {format}").format(format=fmt))
