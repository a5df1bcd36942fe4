"""Raster plans (PNG, JPEG, TIFF, BMP, WebP, GIF; a phone's HEIC or AVIF photo of a plan): lazy decode,
a reduced pyramid, EXIF orientation.

A 10000×7000 plan is decoded once, never on every pan, and never to open it: its size and EXIF
orientation come from the header (for a PNG, from the chunk headers, since Pillow decodes a whole PNG
to look for an eXIf chunk). The full-resolution image is kept (in a mode Pillow can scale without
converting the whole image first; a transparent one already laid on white paper) together with 1/4
and 1/16 copies, and each render crops and scales from the smallest level that still has enough
pixels. JPEG views that are at least 2× coarser than the image come from a DCT-scaled "draft" decode
(3-5× faster than a full decode), so the first coarse paint does not wait for the full image. Images
that claim more than MAX_SOURCE_PIXELS are refused from their header, before any pixel is decoded,
so a decompression bomb cannot exhaust memory.
"""

from __future__ import annotations

import re
import struct
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin, UnidentifiedImageError

from inspector_app.i18n import _
from inspector_app.plans.document import CSS_DPI, PageInfo, PlanDocument, Region
from inspector_app.plans.errors import PlanError

# 150 MP covers an A0 scan at 300 dpi (~14000×9900); kept as 4 bytes a pixel that is ~600 MB, the
# most one plan may take. Anything claiming more is refused before decoding.
MAX_SOURCE_PIXELS = 150_000_000
# Below this many pixels an image is decoded at open time, which also proves the file is intact.
EAGER_DECODE_PIXELS = 16_000_000
# Decoded pages kept in memory at once (multi-page TIFF); each may be hundreds of MB.
MAX_DECODED_PAGES = 2
# Reduced copies are made only for images whose long side exceeds this.
PYRAMID_MIN_SIDE = 2048

_TRANSPOSED_ORIENTATIONS = {5, 6, 7, 8}


@dataclass
class _Level:
    factor: float  # source pixels per level pixel
    image: Image.Image


@dataclass
class _Pyramid:
    levels: list[_Level] = field(default_factory=list)  # finest first
    complete: bool = False  # False while only a JPEG draft is known


class RasterDocument(PlanDocument):
    """A raster plan; pages are TIFF pages (other formats have one page, animations show frame 1)."""

    def __init__(self, path: Path, fmt: str) -> None:
        super().__init__(path=path, format=fmt)
        self._orientations: list[int] = []
        self._pyramids: OrderedDict[int, _Pyramid] = OrderedDict()
        self._read_header()
        if self.pages[0].width_px * self.pages[0].height_px <= EAGER_DECODE_PIXELS:
            self._pyramid(0, need_full=True)
        else:
            self._check_intact()

    # --- opening -------------------------------------------------------------------------------
    def _open_image(self) -> Image.Image:
        if self.format == "heif":
            _register_heif()
        try:
            with warnings.catch_warnings():
                # Our own limit below replaces Pillow's bomb warning, which would only be printed.
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                warnings.simplefilter("ignore", UserWarning)  # "Corrupt EXIF data": the pixels still show
                return Image.open(self.path)
        except Image.DecompressionBombError as exc:
            # Pillow's own sentence is English and long; keep only the size it found.
            found = re.search(r"\((\d+) pixels\)", str(exc))
            detail = f"{int(found.group(1)) / 1e6:,.0f} M" if found else "?"
            raise PlanError(self.path, _too_large_message(detail)) from exc
        except UnidentifiedImageError as exc:
            raise PlanError(self.path, _("the {format} image is damaged: no reader recognises it").format(
                format=self.format.upper())) from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise PlanError(self.path, _("not a readable image: {error}").format(error=exc)) from exc

    def _read_header(self) -> None:
        with self._open_image() as im:
            try:
                # Counting a TIFF's pages reads every page's header; Pillow's crash-2020-10-test.tif has
                # one without a size, which Pillow reports as a TypeError ("Missing dimensions").
                frames = getattr(im, "n_frames", 1) if self.format == "tiff" else 1
            except (EOFError, OSError, TypeError, ValueError) as exc:
                raise PlanError(self.path, _("the TIFF pages are damaged")) from exc
            for index in range(frames):
                try:
                    im.seek(index)
                except (EOFError, OSError, TypeError, ValueError) as exc:
                    raise PlanError(self.path, _("the TIFF pages are damaged")) from exc
                w, h = im.size
                if w <= 0 or h <= 0:
                    raise PlanError(self.path, _("the image has no pixels"))
                if w * h > MAX_SOURCE_PIXELS:
                    raise PlanError(self.path, _too_large_message(f"{w}×{h}"))
                orientation = _orientation(im, self.path)
                if orientation in _TRANSPOSED_ORIENTATIONS:
                    w, h = h, w
                self._orientations.append(orientation)
                dpi = _dpi(im)
                self.pages.append(
                    PageInfo(
                        width=float(w), height=float(h), units="px", width_px=w, height_px=h,
                        label=_("Page {n}").format(n=index + 1), dpi=dpi,
                        scale=(CSS_DPI / dpi[0]) if dpi else None,
                    )
                )

    def _check_intact(self) -> None:
        """Cheap checks for a big image whose pixels are decoded later: catch truncated files now."""
        if self.format == "png":
            try:
                with self._open_image() as im:
                    im.verify()  # walks every chunk and checks its CRC without inflating pixels
            except PlanError:
                raise
            except Exception as exc:
                raise PlanError(self.path, _("the PNG is damaged or truncated: {error}").format(
                    error=exc)) from exc
        elif self.format == "jpeg":
            with self.path.open("rb") as fh:
                fh.seek(max(0, self.path.stat().st_size - 64))
                if b"\xff\xd9" not in fh.read():
                    raise PlanError(self.path, _("the JPEG is truncated (no end marker)"))

    # --- decoding ------------------------------------------------------------------------------
    def _pyramid(self, page: int, need_full: bool, needed: float = 8.0) -> _Pyramid:
        with self._lock:
            pyramid = self._pyramids.get(page)
            if pyramid is not None:
                self._pyramids.move_to_end(page)
                if pyramid.complete or (not need_full and pyramid.levels[0].factor <= max(needed, 1.0)):
                    return pyramid
            if not need_full and self.format == "jpeg":
                pyramid = _Pyramid(levels=[self._jpeg_draft(needed)])
            else:
                pyramid = _Pyramid(levels=self._decode_full(page), complete=True)
            self._pyramids[page] = pyramid
            while len(self._pyramids) > MAX_DECODED_PAGES:
                self._pyramids.popitem(last=False)
            return pyramid

    def _jpeg_draft(self, needed: float) -> _Level:
        """Decode at the coarsest DCT scale (1/2, 1/4, 1/8) that still has ``needed`` detail."""
        info = self.pages[0]
        with self._open_image() as im:
            scale = max(1.0, min(8.0, needed))
            im.draft("RGB", (max(1, int(im.width / scale)), max(1, int(im.height / scale))))
            image = self._normalise(self._load(im), self._orientations[0])
        return _Level(factor=info.width_px / image.width, image=image)

    def _load(self, im: Image.Image) -> Image.Image:
        try:
            im.load()
        except MemoryError as exc:
            raise PlanError(self.path, _("not enough memory to decode this image")) from exc
        except Exception as exc:
            raise PlanError(self.path, _("the image is damaged or truncated: {error}").format(
                error=exc)) from exc
        return im

    def _decode_full(self, page: int) -> list[_Level]:
        with self._open_image() as im:
            if page:
                im.seek(page)
            full = self._normalise(self._load(im), self._orientations[page])
        levels = [_Level(1.0, full)]
        # 1/4 and 1/16 copies: a fit-to-window view of a huge plan then scales ~4 MP, not 70 MP.
        current = full
        while max(current.size) > PYRAMID_MIN_SIDE:
            current = current.reduce(4)
            levels.append(_Level(levels[-1].factor * 4, current))
        return levels

    def _normalise(self, im: Image.Image, orientation: int) -> Image.Image:
        """Bring any decoded mode to L, RGB or (a grey TIFF's premultiplied alpha) RGBa, and apply
        EXIF orientation.

        Not RGBA: Pillow converts a whole RGBA image to premultiplied before every resize, which made
        each tile of a 9500×6714 plan cost 0.8 s. Every render ends on white paper (_flatten), and
        laying an image on white commutes with scaling (both are weighted sums), so an RGBA plan is
        laid on white once, here, in one pass cheaper than premultiplying it (0.27 s against 0.38 s
        for that plan), and every level and tile after it is plain RGB.
        """
        mode = im.mode
        if mode == "P":
            im = _palette_on_white(im)
        elif mode in ("PA",):
            im = im.convert("RGBA")
        elif mode == "1":
            im = im.convert("L")
        elif mode.startswith("I;16") or mode in ("I", "F"):
            im = _high_depth_to_l(im)
        elif mode in ("CMYK", "YCbCr", "LAB", "HSV", "RGBX"):
            im = im.convert("RGB")
        elif mode == "LA":
            im = im.convert("RGBA")
        elif mode == "La":  # grey, premultiplied alpha (a TIFF's "associated" alpha): Pillow converts it to nothing
            grey, alpha = im.split()
            im = Image.merge("RGBa", (grey, grey, grey, alpha))
        if im.mode == "RGBA":
            im = _on_white(im)
        elif im.mode not in ("L", "RGB", "RGBa"):
            try:
                im = im.convert("RGB")
            except ValueError as exc:  # a mode Pillow reads but cannot convert: said, not crashed on
                raise PlanError(self.path, _("the image's colour mode {mode} cannot be shown").format(
                    mode=mode)) from exc
        if orientation > 1:
            im = _apply_orientation(im, orientation)
        return im

    # --- rendering -----------------------------------------------------------------------------
    def _render(self, page: int, region: Region, width: int, height: int) -> Image.Image:
        info = self.pages[page]
        needed = region.width * info.width_px / width  # source pixels per output pixel
        # A JPEG draft serves any view that is at least 2x coarser than the image; closer views
        # (and every other format) use the full decode and its reduced copies.
        pyramid = self._pyramid(page, need_full=needed < 2 or self.format != "jpeg", needed=needed)
        level = pyramid.levels[0]
        for candidate in pyramid.levels:
            if candidate.factor <= max(needed, 1.0):
                level = candidate
        lw, lh = level.image.size
        box = (region.x0 * lw, region.y0 * lh, region.x1 * lw, region.y1 * lh)
        out = level.image.resize((width, height), Image.Resampling.BILINEAR, box=box)
        return _flatten(out)

    def is_fully_decoded(self, page: int = 0) -> bool:
        pyramid = self._pyramids.get(page)
        return bool(pyramid and pyramid.complete)

    def close(self) -> None:
        with self._lock:
            self._pyramids.clear()


def _register_heif() -> None:
    """Phones save photos (of a plan on the wall, too) as HEIC; pillow-heif teaches Pillow to read it."""
    global _heif_ready
    if not _heif_ready:
        from pillow_heif import register_heif_opener

        register_heif_opener()
        _heif_ready = True


_heif_ready = False


def _too_large_message(detail: str) -> str:
    return _("the image is too large ({detail} pixels; the limit is {limit} million): "
             "possibly a decompression bomb").format(detail=detail, limit=MAX_SOURCE_PIXELS // 1_000_000)


def _orientation(im: Image.Image, path: Path) -> int:
    """The EXIF orientation (1-8; 1 when none, or broken), read without decoding a pixel.

    Pillow's PNG reader loads the whole image before it looks for EXIF (an eXIf chunk may follow
    the pixels): 64 MP decoded for a block PNGs seldom have. For a PNG the chunk is found from the
    chunk headers instead, and Pillow's generic reader (the header's info, ImageMagick's text chunk,
    XMP) does the rest; every other format has its EXIF in the header Pillow has already read."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Corrupt EXIF data": not worth a word
            if isinstance(im, PngImagePlugin.PngImageFile):
                if "exif" not in im.info and (found := _png_exif_chunk(path)) is not None:
                    im.info["exif"] = found
                exif = Image.Image.getexif(im)  # the generic reader, not PNG's (which decodes)
            else:
                exif = im.getexif()
            value = exif.get(0x0112, 1)
        return int(value) if 1 <= int(value) <= 8 else 1
    except Exception:  # a broken EXIF block must not make the plan unreadable
        return 1


PNG_SIGNATURE_BYTES = 8
MAX_EXIF_CHUNK = 1 << 20  # an eXIf chunk claiming more is broken (EXIF's own limit is 64 KB)


def _png_exif_chunk(path: Path) -> bytes | None:
    """The eXIf chunk's block (as Pillow keeps it: "Exif\\0\\0" first), wherever it sits, found by
    reading each chunk's 8-byte header and seeking past its data: nothing inflated, no CRC read
    (the intact check does that). None if there is none, or the file ends first."""
    with path.open("rb") as fh:
        fh.seek(PNG_SIGNATURE_BYTES)
        while len(head := fh.read(8)) == 8:
            length, kind = struct.unpack(">I4s", head)
            if kind == b"eXIf":
                return b"Exif\x00\x00" + fh.read(length) if length <= MAX_EXIF_CHUNK else None
            if kind == b"IEND":
                return None
            fh.seek(length + 4, 1)  # the data and its CRC
    return None


def _dpi(im: Image.Image) -> tuple[float, float] | None:
    dpi = im.info.get("dpi")
    try:
        if dpi and float(dpi[0]) > 1 and float(dpi[1]) > 1:
            return float(dpi[0]), float(dpi[1])
    except (TypeError, ValueError, IndexError):
        pass
    return None


def _apply_orientation(im: Image.Image, orientation: int) -> Image.Image:
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return im.transpose(method) if method is not None else im


def _palette_on_white(im: Image.Image) -> Image.Image:
    """P → RGB with the transparent palette entry painted white: one table lookup, no RGBA pass."""
    transparency = im.info.get("transparency")
    if isinstance(transparency, int):
        palette = im.getpalette() or []
        if 0 <= transparency * 3 + 2 < len(palette):
            palette[transparency * 3: transparency * 3 + 3] = [255, 255, 255]
            im = im.copy()
            im.putpalette(palette)
            im.info.pop("transparency", None)
    elif isinstance(transparency, bytes):
        return im.convert("RGBA")
    return im.convert("RGB")


def _high_depth_to_l(im: Image.Image) -> Image.Image:
    """16-bit or float greyscale → 8-bit, stretched to the used range (scans rarely use all 16 bits)."""
    arr = np.asarray(im, dtype=np.float32)
    lo, hi = float(np.min(arr)), float(np.max(arr))
    scale = 255.0 / (hi - lo) if hi > lo else 1.0
    return Image.fromarray(((arr - lo) * scale).clip(0, 255).astype(np.uint8), "L")


def _on_white(im: Image.Image) -> Image.Image:
    """RGBA laid on white paper → RGB, in one pass (Pillow blends each pixel by its alpha)."""
    paper = Image.new("RGB", im.size, "white")
    paper.paste(im, mask=im)
    return paper


def _flatten(im: Image.Image) -> Image.Image:
    """Premultiplied RGBa onto white → RGB; L and RGB pass through (as RGB)."""
    if im.mode == "RGBa":
        arr = np.asarray(im)
        alpha = arr[..., 3:4].astype(np.uint16)
        rgb = arr[..., :3].astype(np.uint16) + (255 - alpha)
        return Image.fromarray(np.minimum(rgb, 255).astype(np.uint8), "RGB")
    if im.mode != "RGB":
        return im.convert("RGB")
    return im

