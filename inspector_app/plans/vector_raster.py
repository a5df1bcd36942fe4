"""A flat, numpy-backed display list of 2-D primitives and its Pillow rasteriser (used by DXF).

Primitives are polylines, filled polygons and points in drawing units (y up). Culling a region is a
vectorised bounding-box test; only the survivors reach Pillow's ImageDraw. Pillow does not
antialias, so small outputs are drawn at twice the size and halved with a box filter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw

KIND_LINE = 0  # open or closed polyline
KIND_FILL = 1  # filled polygon
KIND_POINT = 2

# Drawn at 2× and halved when the output is at most this many pixels (antialiasing).
SUPERSAMPLE_MAX_PIXELS = 6_000_000
# Pillow draws with C ints; coordinates this far outside the image are clamped.
COORD_LIMIT = 2.0e6
_FLATTEN_SEGMENTS = 8


@dataclass
class DisplayList:
    vertices: np.ndarray  # (m, 2) float64
    starts: np.ndarray  # (n+1,) int64: primitive i is vertices[starts[i]:starts[i+1]]
    kinds: np.ndarray  # (n,) uint8
    colors: np.ndarray  # (n,) int32 index into palette
    layer_ids: np.ndarray  # (n,) int32 index into layer_names
    widths: np.ndarray  # (n,) float32 lineweight in mm
    bbox: np.ndarray  # (n, 4) float64 x0, y0, x1, y1
    palette: list[tuple[int, int, int]]
    layer_names: list[str]

    @property
    def count(self) -> int:
        return len(self.kinds)


@dataclass
class DisplayListBuilder:
    """Collects ezdxf Recorder records into a DisplayList."""

    flatten_distance: float = 0.0  # 0: ezdxf's own curve subdivision only
    _chunks: list[np.ndarray] = field(default_factory=list)
    _kinds: list[int] = field(default_factory=list)
    _colors: list[int] = field(default_factory=list)
    _layers: list[int] = field(default_factory=list)
    _widths: list[float] = field(default_factory=list)
    _palette: dict[tuple[int, int, int], int] = field(default_factory=dict)
    _layer_index: dict[str, int] = field(default_factory=dict)

    def add_record(self, record: object, props: object) -> None:
        from ezdxf.addons.drawing.recorder import (
            FilledPathsRecord,
            PathRecord,
            PointsRecord,
            SolidLinesRecord,
        )

        color = self._color(getattr(props, "color", "#000000"))
        layer = self._layer(str(getattr(props, "layer", "0")))
        width = float(getattr(props, "lineweight", 0.25) or 0.25)
        if isinstance(record, PointsRecord):
            pts = record.points.np_vertices()
            kind = KIND_POINT if len(pts) == 1 else KIND_LINE if len(pts) == 2 else KIND_FILL
            self._add(pts, kind, color, layer, width)
        elif isinstance(record, SolidLinesRecord):
            pts = record.lines.np_vertices()
            for i in range(0, len(pts) - 1, 2):
                self._add(pts[i:i + 2], KIND_LINE, color, layer, width)
        elif isinstance(record, PathRecord):
            for sub in record.path.sub_paths():
                self._add(_flatten(sub), KIND_LINE, color, layer, width)
        elif isinstance(record, FilledPathsRecord):
            for path in record.paths:
                for sub in path.sub_paths():
                    self._add(_flatten(sub), KIND_FILL, color, layer, width)
        # ImageRecord (raster images inside a DXF) is not drawn: plans rarely embed them.

    def _add(self, pts: np.ndarray, kind: int, color: int, layer: int, width: float) -> None:
        if len(pts) == 0:
            return
        self._chunks.append(np.asarray(pts, dtype=np.float64)[:, :2])
        self._kinds.append(kind)
        self._colors.append(color)
        self._layers.append(layer)
        self._widths.append(width)

    def _color(self, value: str) -> int:
        text = value.lstrip("#")
        try:
            rgb = (int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16))
        except ValueError:
            rgb = (0, 0, 0)
        # Near-white strokes vanish on the white page: draw them light grey instead.
        if min(rgb) > 235:
            rgb = (200, 200, 200)
        return self._palette.setdefault(rgb, len(self._palette))

    def _layer(self, name: str) -> int:
        return self._layer_index.setdefault(name, len(self._layer_index))

    def build(self) -> DisplayList:
        n = len(self._chunks)
        if n:
            vertices = np.concatenate(self._chunks)
            lengths = np.fromiter((len(c) for c in self._chunks), dtype=np.int64, count=n)
        else:
            vertices = np.zeros((0, 2))
            lengths = np.zeros(0, dtype=np.int64)
        starts = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        bbox = np.empty((n, 4))
        if n:
            bbox[:, 0] = np.minimum.reduceat(vertices[:, 0], starts[:-1])
            bbox[:, 1] = np.minimum.reduceat(vertices[:, 1], starts[:-1])
            bbox[:, 2] = np.maximum.reduceat(vertices[:, 0], starts[:-1])
            bbox[:, 3] = np.maximum.reduceat(vertices[:, 1], starts[:-1])
        return DisplayList(
            vertices=vertices, starts=starts,
            kinds=np.asarray(self._kinds, dtype=np.uint8),
            colors=np.asarray(self._colors, dtype=np.int32),
            layer_ids=np.asarray(self._layers, dtype=np.int32),
            widths=np.asarray(self._widths, dtype=np.float32),
            bbox=bbox,
            palette=list(self._palette),
            layer_names=list(self._layer_index),
        )


def _flatten(path: object) -> np.ndarray:
    # The flattening tolerance must be positive: ezdxf subdivides curves until the error is below it,
    # so 0 never ends. A fraction of the path's own size keeps arcs smooth at any zoom we render.
    controls = np.array([(v.x, v.y) for v in path.control_vertices()], dtype=np.float64)  # type: ignore[attr-defined]
    span = float(np.ptp(controls, axis=0).max()) if len(controls) else 0.0
    distance = max(span * 1e-3, 1e-9)
    verts = list(path.flattening(distance, segments=_FLATTEN_SEGMENTS))  # type: ignore[attr-defined]
    return np.array([(v.x, v.y) for v in verts], dtype=np.float64) if verts else np.zeros((0, 2))


def draw_display_list(
    display: DisplayList,
    world: tuple[float, float, float, float],
    width: int,
    height: int,
    hidden_layers: set[str] | frozenset[str] = frozenset(),
) -> Image.Image:
    """Draw the primitives inside ``world`` (x0, y0, x1, y1, y up) onto a white width × height RGB image."""
    ss = 2 if width * height <= SUPERSAMPLE_MAX_PIXELS else 1
    out_w, out_h = width * ss, height * ss
    image = Image.new("RGB", (out_w, out_h), "white")
    if display.count == 0:
        return image
    wx0, wy0, wx1, wy1 = world
    sx = out_w / (wx1 - wx0)
    sy = out_h / (wy1 - wy0)
    box = display.bbox
    visible = (box[:, 2] >= wx0) & (box[:, 0] <= wx1) & (box[:, 3] >= wy0) & (box[:, 1] <= wy1)
    if hidden_layers:
        hidden_ids = [i for i, name in enumerate(display.layer_names) if name.lower() in hidden_layers]
        if hidden_ids:
            visible &= ~np.isin(display.layer_ids, hidden_ids)
    # Sub-pixel primitives at this scale are drawn as one dot, which keeps a fit-to-window view of a
    # dense drawing fast without losing its texture.
    indices = np.flatnonzero(visible)
    if len(indices) == 0:
        return image
    starts = display.starts
    first, last = starts[indices], starts[indices + 1]
    # Transform only the vertices of visible primitives, in one vectorised pass.
    take = np.concatenate([np.arange(a, b) for a, b in zip(first.tolist(), last.tolist(), strict=True)])
    pts = display.vertices[take]
    px = np.empty_like(pts)
    px[:, 0] = np.clip((pts[:, 0] - wx0) * sx, -COORD_LIMIT, COORD_LIMIT)
    px[:, 1] = np.clip((wy1 - pts[:, 1]) * sy, -COORD_LIMIT, COORD_LIMIT)
    flat = px.ravel().tolist()
    offsets = np.concatenate([[0], np.cumsum(last - first)]).tolist()
    draw = ImageDraw.Draw(image)
    palette = display.palette
    kinds = display.kinds[indices].tolist()
    colors = display.colors[indices].tolist()
    widths = display.widths[indices].tolist()
    # Filled areas first so that lines stay visible on top of hatches and solids.
    order = sorted(range(len(kinds)), key=lambda k: kinds[k] != KIND_FILL)
    for k in order:
        a, b = offsets[k] * 2, offsets[k + 1] * 2
        coords = flat[a:b]
        fill = palette[colors[k]]
        kind = kinds[k]
        if kind == KIND_FILL and b - a >= 6:
            draw.polygon(coords, fill=fill)
        elif kind == KIND_POINT or b - a < 4:
            draw.point(coords[:2], fill=fill)
        else:
            line_w = ss * (2 if widths[k] >= 0.5 else 1)
            draw.line(coords, fill=fill, width=line_w)
    if ss > 1:
        image = image.reduce(ss)
    return image
