"""The format-independent plan document interface: pages, sizes, layers and region rendering.

Every reader (raster, PDF, SVG, DXF) implements :class:`PlanDocument`; callers never look at the
format. Regions are given in normalised page coordinates (0..1, origin top-left, y down) so that a
pin stored as (x, y) on a page lands on the same spot whatever the resolution it is drawn at.
Renderers return Pillow images, so this layer stays usable without Qt and without a display.
"""

from __future__ import annotations

import abc
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from inspector_app.i18n import _
from inspector_app.plans.errors import PlanError

if TYPE_CHECKING:
    from PIL import Image  # the readers import Pillow; this interface is loaded at the program's start

# A rendered image larger than this is refused: it would be ~256 MB of RGBA and no screen needs it.
MAX_OUTPUT_PIXELS = 64_000_000

CSS_DPI = 96.0


@dataclass(frozen=True)
class Region:
    """A rectangle on a page in normalised coordinates (0..1), origin top-left."""

    x0: float = 0.0
    y0: float = 0.0
    x1: float = 1.0
    y1: float = 1.0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @classmethod
    def coerce(cls, value: Region | tuple[float, float, float, float] | None) -> Region:
        if value is None:
            return cls()
        if isinstance(value, Region):
            return value
        return cls(*value)


FULL_PAGE = Region()


@dataclass(frozen=True)
class PageInfo:
    """One page's size: in the file's own units and in pixels at 96 dpi.

    ``units`` is one of px, pt, mm, cm, m, in, ft, unitless. ``width_px``/``height_px`` are the
    natural raster size: image pixels for raster files, points converted at 96 dpi for PDF, CSS
    pixels for SVG, paper size for DXF paper-space layouts; a DXF model space has no paper, so it is
    given the size of an A0 sheet at 96 dpi (``scale`` then says how many drawing units one such
    pixel is).
    """

    width: float
    height: float
    units: str
    width_px: int
    height_px: int
    label: str = ""
    scale: float | None = None  # native units per pixel at 96 dpi, when the file knows it
    dpi: tuple[float, float] | None = None  # raster files that record their scan resolution

    @property
    def aspect(self) -> float:
        return self.width_px / self.height_px if self.height_px else 1.0

    def to_dict(self) -> dict[str, object]:
        return {
            "label": self.label,
            "width": round(self.width, 4),
            "height": round(self.height, 4),
            "units": self.units,
            "width_px": self.width_px,
            "height_px": self.height_px,
            "scale": self.scale,
            "dpi": list(self.dpi) if self.dpi else None,
        }


@dataclass
class Layer:
    """A named layer (DXF) that can be shown or hidden."""

    name: str
    visible: bool = True
    color: str = "#000000"
    entity_count: int = 0


@dataclass
class PlanDocument(abc.ABC):
    """An opened plan. Subclasses are safe to render from one worker thread while the GUI reads sizes."""

    path: Path
    format: str
    pages: list[PageInfo] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Guards lazily built caches inside subclasses; PDFium has its own process-wide lock.
        self._lock = threading.RLock()

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def page(self, index: int) -> PageInfo:
        if not 0 <= index < len(self.pages):
            raise PlanError(
                self.path,
                _("page {page} does not exist (the plan has {count})").format(
                    page=index + 1, count=len(self.pages)
                ),
            )
        return self.pages[index]

    # Layers: only DXF has them; the default is "no layers" and setting one is an error.
    def layers(self, page: int = 0) -> list[Layer]:
        return []

    def set_layer_visible(self, name: str, visible: bool) -> None:
        raise PlanError(self.path, _("this plan has no layer named {name}").format(name=name))

    def render_region(
        self,
        page: int,
        region: Region | tuple[float, float, float, float] | None,
        width: int,
        height: int,
    ) -> Image.Image:
        """Render ``region`` of ``page`` into an RGB image of exactly width × height pixels."""
        self.page(page)
        reg = Region.coerce(region)
        if width <= 0 or height <= 0:
            raise PlanError(self.path, _("the output size must be positive"))
        if width * height > MAX_OUTPUT_PIXELS:
            raise PlanError(
                self.path,
                _("an output of {w}×{h} pixels is too large").format(w=width, h=height),
            )
        if not (reg.width > 0 and reg.height > 0):
            raise PlanError(self.path, _("the region to render is empty"))
        try:
            image = self._render(page, reg, width, height)
        except PlanError:
            raise
        except MemoryError as exc:
            raise PlanError(self.path, _("not enough memory to render this plan")) from exc
        except Exception as exc:  # a reader library failing mid-file is a bad file, not a crash
            raise PlanError(self.path, _("cannot render: {error}").format(error=exc)) from exc
        if image.size != (width, height):
            from PIL import Image

            image = image.resize((width, height), Image.Resampling.BILINEAR)
        return image

    def render_page(self, page: int, width: int) -> Image.Image:
        """The whole page at ``width`` pixels, height from the page's aspect ratio."""
        info = self.page(page)
        height = max(1, round(width / info.aspect))
        return self.render_region(page, FULL_PAGE, width, height)

    @abc.abstractmethod
    def _render(self, page: int, region: Region, width: int, height: int) -> Image.Image: ...

    def close(self) -> None:  # noqa: B027 - most readers hold nothing to release
        """Release file handles and caches; the document must not be used afterwards."""

    def __enter__(self) -> PlanDocument:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
