"""DXF plans through ezdxf: model space and paper-space layouts as pages, layers, robust extent.

Each page is drawn once by ezdxf's drawing frontend into a Recorder (all layers on), and the
recording is flattened into a numpy "display list" (vertices, one bounding box, colour and layer per
primitive). Rendering a region then only culls that list with numpy and draws the survivors with
Pillow (``plans.vector_raster``): no Qt, no matplotlib, and no re-run of ezdxf on every pan (ezdxf's
own scene costs 20–76 ms a frame to redraw). Layer on/off is a mask over the same list.

The page is the plan's *real* extent: CAD files often carry a stray entity far away (a text at
1e9, a forgotten block origin), so the extent keeps the primitives whose centres fall within the
bulk of the drawing (percentiles, widened) instead of the plain bounding box.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from inspector_app.i18n import _, ngettext
from inspector_app.plans.document import CSS_DPI, Layer, PageInfo, PlanDocument, Region
from inspector_app.plans.errors import PlanError
from inspector_app.plans.vector_raster import DisplayList, DisplayListBuilder, draw_display_list

# A model space has no paper: it is given an A0 landscape sheet (1189 × 841 mm) at 96 dpi.
A0_PX = (round(1189 / 25.4 * CSS_DPI), round(841 / 25.4 * CSS_DPI))
MAX_DXF_BYTES = 256 * 1024 * 1024
BINARY_SENTINEL = b"AutoCAD Binary DXF\r\n\x1a\x00"
# Entities after expanding every block reference: the largest real floor here has ~150k.
MAX_EXPANDED_ENTITIES = 5_000_000
# Primitives whose centre lies beyond the quartile box (25th–75th percentile) of all centres, widened on each
# side by this multiple of that box's larger side, are strays left out of the extent (still drawn).
# The inner box is taken wide enough to hold a floor's bulk even when a text far away is drawn as
# many glyph primitives.
STRAY_MARGIN = 1.5

_INSUNITS = {0: "unitless", 1: "in", 2: "ft", 4: "mm", 5: "cm", 6: "m", 7: "km", 8: "µin", 9: "mil",
             10: "yd", 14: "dm"}
_MM_PER_UNIT = {"in": 25.4, "ft": 304.8, "mm": 1.0, "cm": 10.0, "m": 1000.0, "dm": 100.0}


@dataclass
class _Page:
    layout_name: str
    display: DisplayList | None = None
    extent: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0)  # x0, y0, x1, y1 in drawing units


class DxfPlanDocument(PlanDocument):
    """A DXF drawing. Page 0 is model space; further pages are paper-space layouts with content."""

    def __init__(self, path: Path) -> None:
        super().__init__(path=path, format="dxf")
        if path.stat().st_size > MAX_DXF_BYTES:
            raise PlanError(path, _("the DXF is larger than {mb} MB").format(mb=MAX_DXF_BYTES >> 20))
        self._doc = _read(path, self.warnings)
        try:
            check_block_expansion(path, self._doc)
        except RecursionError as exc:
            raise PlanError(path, _("the drawing nests its blocks too deeply to draw safely")) from exc
        self._layer_state: dict[str, Layer] = {}
        for layer in self._doc.layers:
            name = layer.dxf.name
            self._layer_state[name.lower()] = Layer(
                name=name, visible=bool(layer.is_on() and not layer.is_frozen()),
                color=_aci_hex(layer.color),
            )
        self._pages: list[_Page] = [_Page("Model")]
        for name in self._doc.layouts.names_in_taborder():
            if name == "Model":
                continue
            layout = self._doc.layouts.get(name)
            # A paper space always holds its own main viewport; only count real content.
            if sum(1 for e in layout if e.dxftype() != "VIEWPORT") + sum(
                    1 for e in layout.query("VIEWPORT") if e.dxf.get("id", 1) != 1) > 0:
                self._pages.append(_Page(name))
        units_code = int(self._doc.header.get("$INSUNITS", 0) or 0)
        self._units = _INSUNITS.get(units_code, "unitless")
        for index, page in enumerate(self._pages):
            self._record(page)
            self.pages.append(self._page_info(index, page))
        self._count_layer_use()

    # --- recording -----------------------------------------------------------------------------
    def _record(self, page: _Page) -> None:
        from ezdxf.addons.drawing import Frontend, RenderContext
        from ezdxf.addons.drawing.config import BackgroundPolicy, ColorPolicy, Configuration
        from ezdxf.addons.drawing.recorder import Recorder

        layout = self._doc.layouts.get(page.layout_name)
        ctx = RenderContext(self._doc)

        def all_layers_on(layers):
            # Record everything once; visibility is applied when drawing, so toggles are instant.
            for props in layers:
                props.is_visible = True

        ctx.set_layer_properties_override(all_layers_on)
        recorder = Recorder()
        config = Configuration(background_policy=BackgroundPolicy.WHITE, color_policy=ColorPolicy.COLOR)
        frontend = Frontend(ctx, recorder, config=config)
        try:
            frontend.draw_layout(layout, finalize=True)
        except Exception as exc:
            raise PlanError(self.path, _("ezdxf cannot draw layout {name}: {error}").format(
                name=page.layout_name, error=exc)) from exc
        builder = DisplayListBuilder()
        player = recorder.player()
        for record, props in player.recordings():
            builder.add_record(record, props)
        display = builder.build()
        if display.count == 0:
            if page.layout_name == "Model":
                raise PlanError(self.path, _("the drawing's model space is empty"))
            self.warnings.append(_("layout {name} is empty").format(name=page.layout_name))
        page.display = display
        page.extent = robust_extent(display.bbox) if display.count else (0.0, 0.0, 1.0, 1.0)

    def _page_info(self, index: int, page: _Page) -> PageInfo:
        x0, y0, x1, y1 = page.extent
        w, h = max(x1 - x0, 1e-9), max(y1 - y0, 1e-9)
        if index == 0:
            units = self._units
            px_per_unit = min(A0_PX[0] / w, A0_PX[1] / h) if w >= h else min(A0_PX[1] / w, A0_PX[0] / h)
            label = _("Model space")
        else:
            # ezdxf draws paper space in paper units, which AutoCAD keeps in millimetres or inches.
            layout = self._doc.layouts.get(page.layout_name)
            units = "in" if int(layout.dxf.get("plot_paper_units", 1)) == 0 else "mm"
            px_per_unit = CSS_DPI / (1.0 if units == "in" else 25.4)
            label = page.layout_name
        return PageInfo(
            width=w, height=h, units=units,
            width_px=max(1, round(w * px_per_unit)), height_px=max(1, round(h * px_per_unit)),
            label=label, scale=1.0 / px_per_unit,
        )

    def _count_layer_use(self) -> None:
        for page in self._pages:
            if page.display is None:
                continue
            names, counts = np.unique(page.display.layer_ids, return_counts=True)
            for layer_id, count in zip(names.tolist(), counts.tolist(), strict=True):
                name = page.display.layer_names[layer_id]
                state = self._layer_state.setdefault(name.lower(), Layer(name=name))
                state.entity_count += int(count)

    # --- layers --------------------------------------------------------------------------------
    def layers(self, page: int = 0) -> list[Layer]:
        return sorted(self._layer_state.values(), key=lambda layer: layer.name.lower())

    def set_layer_visible(self, name: str, visible: bool) -> None:
        state = self._layer_state.get(name.lower())
        if state is None:
            super().set_layer_visible(name, visible)
            return
        with self._lock:
            state.visible = visible

    def extent(self, page: int = 0) -> tuple[float, float, float, float]:
        """The page's extent in drawing units (x0, y0, x1, y1), strays excluded."""
        self.page(page)
        return self._pages[page].extent

    # --- rendering -----------------------------------------------------------------------------
    def _render(self, page: int, region: Region, width: int, height: int) -> Image.Image:
        data = self._pages[page]
        assert data.display is not None
        x0, y0, x1, y1 = data.extent
        ew, eh = x1 - x0, y1 - y0
        # Normalised page y runs down; drawing y runs up.
        world = (x0 + region.x0 * ew, y1 - region.y1 * eh, x0 + region.x1 * ew, y1 - region.y0 * eh)
        with self._lock:
            hidden = {name.lower() for name, st in ((s.name, s) for s in self._layer_state.values())
                      if not st.visible}
        return draw_display_list(data.display, world, width, height, hidden_layers=hidden)


def robust_extent(bbox: np.ndarray) -> tuple[float, float, float, float]:
    """Extent of the primitives that belong to the drawing's bulk (see module docstring).

    ``bbox`` is an (n, 4) array of x0, y0, x1, y1 per primitive.
    """
    finite = np.all(np.isfinite(bbox), axis=1)
    boxes = bbox[finite]
    if len(boxes) == 0:
        return (0.0, 0.0, 1.0, 1.0)
    if len(boxes) >= 20:
        cx = (boxes[:, 0] + boxes[:, 2]) / 2
        cy = (boxes[:, 1] + boxes[:, 3]) / 2
        lo_x, hi_x = np.percentile(cx, [25, 75])
        lo_y, hi_y = np.percentile(cy, [25, 75])
        reach = STRAY_MARGIN * max(hi_x - lo_x, hi_y - lo_y, 1e-9)
        keep = (cx >= lo_x - reach) & (cx <= hi_x + reach) & (cy >= lo_y - reach) & (cy <= hi_y + reach)
        # A primitive as big as the whole drawing (a frame, a huge hatch) is kept only if its centre is.
        boxes = boxes[keep]
    x0, y0 = float(boxes[:, 0].min()), float(boxes[:, 1].min())
    x1, y1 = float(boxes[:, 2].max()), float(boxes[:, 3].max())
    # A little margin so lines on the edge are not cut in half.
    pad = max(x1 - x0, y1 - y0) * 0.01 or 1.0
    return (x0 - pad, y0 - pad, x1 + pad, y1 + pad)


def _is_binary(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(BINARY_SENTINEL)) == BINARY_SENTINEL


def _read(path: Path, warnings: list[str]):
    import ezdxf
    from ezdxf import recover

    try:
        if _is_binary(path):
            # recover reads only text DXF; ezdxf's normal reader knows the binary form (R12 and later).
            return ezdxf.readfile(str(path))
        doc, auditor = recover.readfile(str(path))
    except (OSError, ezdxf.DXFStructureError) as exc:
        raise PlanError(path, _("the DXF is damaged or truncated: {error}").format(error=exc)) from exc
    except Exception as exc:
        raise PlanError(path, _("ezdxf cannot read this DXF: {error}").format(error=exc)) from exc
    if auditor.has_errors:
        warnings.append(ngettext("{n} error was repaired while reading", "{n} errors were repaired while reading",
                                 len(auditor.errors)).format(n=len(auditor.errors)))
    return doc


def check_block_expansion(path: Path, doc) -> int:
    """Entities model space draws once every INSERT (and MINSERT grid) is expanded; refuse bombs and loops.

    A few kilobytes of blocks that insert blocks ten times each, or one MINSERT of 3000 × 3000 copies,
    would keep ezdxf drawing for hours; counted here from the block table, before anything is drawn.
    """
    cost: dict[str, int] = {}
    in_progress: set[str] = set()

    def entities_cost(entities, owner: str) -> int:
        total = 0
        for entity in entities:
            if entity.dxftype() != "INSERT":
                total += 1
            else:
                copies = max(1, int(entity.dxf.get("row_count", 1))) * max(1, int(entity.dxf.get("column_count", 1)))
                total += copies * block_cost(str(entity.dxf.name))
            if total > MAX_EXPANDED_ENTITIES:
                raise PlanError(path, _("the drawing repeats its blocks into more than {n} entities (blocks "
                                        "inserted within blocks); it would never finish drawing").format(
                                            n=f"{MAX_EXPANDED_ENTITIES:,}"))
        return total

    def block_cost(name: str) -> int:
        key = name.lower()
        if key in cost:
            return cost[key]
        if key in in_progress:
            raise PlanError(path, _("block {name} inserts itself (directly or through other blocks)").format(
                name=name))
        block = doc.blocks.get(name)
        if block is None:
            return 0
        in_progress.add(key)
        cost[key] = entities_cost(block, name)
        in_progress.discard(key)
        return cost[key]

    total = 0
    for layout in doc.layouts:
        total += entities_cost(layout, layout.name)
    return total


def _aci_hex(aci: int) -> str:
    from ezdxf.colors import aci2rgb

    try:
        r, g, b = aci2rgb(abs(int(aci)) or 7)
    except (IndexError, ValueError):
        return "#000000"
    return f"#{r:02x}{g:02x}{b:02x}"
