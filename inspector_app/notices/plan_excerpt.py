"""The piece of a floor plan around a hazard's pin, as printed on a notice.

Rendering goes through inspector_app.plans (every plan format, PDFium behind its process-wide lock).
A plan file is first proved once in a budgeted child process (``plans.sandbox.ensure_safe``), so a
hostile plan attached to a floor makes the notice fail with a message instead of hanging the batch.
Opened plan documents are kept in a small cache, because a batch of notices usually falls on a few
floors and decoding a big plan again for each notice would cost more than the rest of the page.
The pin itself is not burnt into the image: the notice draws it as vector graphics on top, where
it stays sharp; this module says where in the excerpt it falls.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from inspector_app import plans
from inspector_app.plans import sandbox

# How much of the page's longer side the excerpt shows: enough to see the room and the corridor.
DEFAULT_SPAN = 0.45
_CACHE_SIZE = 6
_cache: OrderedDict[Path, plans.PlanDocument] = OrderedDict()
_cache_lock = threading.Lock()


@dataclass(frozen=True)
class Excerpt:
    image: Image.Image
    pin_x: float  # where the pin falls in the excerpt, 0..1 from the left
    pin_y: float  # 0..1 from the top


def _document(path: Path) -> plans.PlanDocument:
    with _cache_lock:
        doc = _cache.pop(path, None)
        if doc is None:
            sandbox.ensure_safe(path)  # proved once in a child within budget, then opened here
            doc = plans.open(path)
        _cache[path] = doc
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)[1].close()
        return doc


def clear_cache() -> None:
    with _cache_lock:
        while _cache:
            _cache.popitem()[1].close()


def plan_excerpt(path: Path, page: int, x: float, y: float, width_px: int, height_px: int,
                 span: float = DEFAULT_SPAN) -> Excerpt:
    """Render the region around the pin (x, y normalised) into width × height pixels.

    The region has the output's aspect ratio in page units and is shifted to stay inside the page,
    so a pin near a wall is drawn off-centre rather than beside a grey border. Raises PlanError.
    """
    doc = _document(Path(path))
    info = doc.page(page)
    out_aspect = width_px / height_px
    # Region size in normalised units: the page's longer side is `span` long in the excerpt.
    page_w, page_h = float(info.width_px), float(info.height_px)
    region_w_px = span * max(page_w, page_h)
    region_h_px = region_w_px / out_aspect
    if region_h_px > page_h:
        region_h_px = page_h
        region_w_px = region_h_px * out_aspect
    rw, rh = min(1.0, region_w_px / page_w), min(1.0, region_h_px / page_h)
    x0 = min(max(x - rw / 2, 0.0), 1.0 - rw)
    y0 = min(max(y - rh / 2, 0.0), 1.0 - rh)
    image = doc.render_region(page, (x0, y0, x0 + rw, y0 + rh), width_px, height_px)
    if image.mode != "RGB":
        image = image.convert("RGB")
    return Excerpt(image, (x - x0) / rw, (y - y0) / rh)
