"""Tell a plan's format from its first bytes, never from its extension (files arrive misnamed)."""

from __future__ import annotations

import stat
from pathlib import Path

from inspector_app.i18n import _
from inspector_app.plans import xml_encoding
from inspector_app.plans.errors import PlanError

RASTER_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),  # BigTIFF
    (b"MM\x00+", "tiff"),
    (b"BM", "bmp"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)


def sniff_format(path: Path) -> str:
    """Return one of png, jpeg, tiff, bmp, webp, gif, heif, avif, pdf, svg, dxf; PlanError otherwise."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(path)
        if not stat.S_ISREG(info.st_mode):
            # A pipe or a device (/dev/zero) would block or never end: only ordinary files are read.
            raise PlanError(path, _("this is not an ordinary file (a pipe or a device)"))
        size = info.st_size
        with path.open("rb") as fh:
            head = fh.read(4096)
    except FileNotFoundError as exc:
        raise PlanError(path, _("the file does not exist")) from exc
    except IsADirectoryError as exc:
        raise PlanError(path, _("this is a folder, not a plan file")) from exc
    except OSError as exc:
        raise PlanError(path, _("cannot read the file: {error}").format(error=exc.strerror)) from exc
    if size == 0:
        raise PlanError(path, _("the file is empty (0 bytes)"))
    for magic, fmt in RASTER_MAGIC:
        if head.startswith(magic):
            return fmt
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp":  # an ISO media file: a phone's HEIC or AVIF photo of a plan, or a video
        return _sniff_iso_media(path, head)
    # PDF allows junk before the header (within the first 1024 bytes).
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"\x1f\x8b"):
        return _sniff_gzip(path, head)
    text = _decode_head(head)
    stripped = text.lstrip("\ufeff \t\r\n")
    if "<svg" in text[:4096] and (stripped.startswith("<") or stripped.startswith("<?xml")):
        return "svg"
    # A long DOCTYPE (entity declarations) can push <svg> past the first 4 KB.
    if stripped.startswith(("<?xml", "<!DOCTYPE")) and "<!DOCTYPE svg" in text:
        return "svg"
    if _looks_like_dxf(stripped):
        return "dxf"
    if head.startswith(b"AutoCAD Binary DXF"):
        return "dxf"
    if head.startswith(b"AC10"):
        raise PlanError(path, _("this is an AutoCAD DWG drawing; export it as DXF or PDF first"))
    raise PlanError(path, _("not a plan format this program can read (PNG, JPEG, TIFF, BMP, WebP, "
                            "GIF, HEIC, AVIF, PDF, SVG or DXF)"))


HEIF_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1",
                         b"msf1", b"mif2"})
AVIF_BRANDS = frozenset({b"avif", b"avis"})


def _sniff_iso_media(path: Path, head: bytes) -> str:
    """HEIF (HEIC) or AVIF by the brands of the file's first box; anything else (a video) is refused."""
    size = int.from_bytes(head[:4], "big")
    box = head[8:min(max(size, 16), len(head))]
    brands = {box[i:i + 4] for i in range(0, len(box) - 3, 4) if i != 4}  # major, then compatible (skip version)
    if brands & AVIF_BRANDS:
        return "avif"
    if brands & HEIF_BRANDS:
        return "heif"
    raise PlanError(path, _("this is a video or another media file, not an image of a plan"))


def _sniff_gzip(path: Path, head: bytes) -> str:
    """A gzip file is a plan only as a compressed SVG (.svgz); inflate just its first few KB to tell."""
    import zlib

    try:
        start = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 4096)
    except zlib.error as exc:
        raise PlanError(path, _("the compressed file is damaged: {error}").format(error=exc)) from exc
    text = _decode_head(start)
    if "<svg" in text:
        return "svg"
    raise PlanError(path, _("this is a gzip-compressed file, but not a compressed SVG (.svgz)"))


def _decode_head(head: bytes) -> str:
    """The first bytes as text, in the encoding an XML file says it is in (UTF-8, -16, -32, GBK...)."""
    return xml_encoding.decode_head(head)


def _looks_like_dxf(text: str) -> bool:
    # An ASCII DXF starts with group code 0 and SECTION (possibly after 999 comments).
    lines = [line.strip() for line in text.splitlines()[:12]]
    return any(lines[i] == "0" and lines[i + 1] == "SECTION" for i in range(len(lines) - 1))
