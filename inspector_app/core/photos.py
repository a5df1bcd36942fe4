"""Photos of hazards: a cleaned copy is stored (orientation applied, GPS and other location data
removed), so a notice or a shared ledger never leaks where an inspector's phone was.

Huge photos are accepted (phones take 50 MP) but a declared size past MAX_SOURCE_PIXELS is refused
from the header, before any pixel is decoded; a copy larger than needed is scaled down once, at
import, to ``max_edge`` pixels on its long side: the inspector's setting (core.settings
``photo_max_edge``), MAX_STORED_EDGE unless said otherwise. HEIC/HEIF (phones) is read through
pillow-heif and stored as JPEG like the rest. Every refusal is one sentence naming the file, never a
Python object's repr.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from inspector_app.core.errors import InspectorError
from inspector_app.core.store import FileStore
from inspector_app.i18n import _

# Pillow is imported where a photo is read, not at the top: the desktop program reaches this module at
# its start (through core.hazards) and reads no photo before its first paint.
if TYPE_CHECKING:
    from PIL import Image

MAX_STORED_EDGE = 4096  # ample for an A4 print at 300 dpi
MAX_SOURCE_PIXELS = 200_000_000  # 4× a 50 MP phone photo; checked from the header, before decoding
GPS_IFD = 0x8825
EXIF_POINTER_TAGS = {0x8769, GPS_IFD, 0xA005, 0x014A}  # Exif, GPS, interoperability, sub-IFDs


@dataclass(frozen=True)
class StoredPhoto:
    file_hash: str
    filename: str
    mime: str
    width: int
    height: int
    taken: str = ""  # the camera's EXIF time, kept only for a stranger's photo (see clean_photo_bytes)


def _register_heif() -> None:
    """Phones (iPhones first) save HEIC; pillow-heif teaches Pillow to read it. Optional at run time."""
    global _heif_ready
    if _heif_ready:
        return
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return
    register_heif_opener()
    _heif_ready = True


_heif_ready = False


def _decode(path: Path, data: bytes, max_edge: int) -> tuple[Image.Image, Image.Exif]:
    """Decode upright under our own size check; InspectorError (naming the file) for any bad photo."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    _register_heif()
    name = path.name
    with warnings.catch_warnings():
        # Pillow only warns between its limit and twice that; the explicit check below refuses.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        warnings.simplefilter("ignore", UserWarning)  # "Corrupt EXIF data": the pixels are still good
        try:
            image = Image.open(io.BytesIO(data))
        except Image.DecompressionBombError as exc:
            raise InspectorError(_too_large(name)) from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise InspectorError(_("The file {name} is not a photo the program can read (JPEG, PNG, HEIC, "
                                   "WebP, TIFF, BMP or GIF).").format(name=name)) from exc
        with image:
            width, height = image.size
            if width <= 0 or height <= 0 or width * height > MAX_SOURCE_PIXELS:
                raise InspectorError(_too_large(name, width, height))
            try:
                image.draft("RGB", (max_edge, max_edge))
                exif = image.getexif()
                upright = ImageOps.exif_transpose(image)
                upright.load()
            except MemoryError as exc:
                raise InspectorError(_too_large(name, width, height)) from exc
            except Exception as exc:  # Pillow's words for truncated data vary by format and version
                raise InspectorError(_("The photo {name} is damaged or truncated: its pixels cannot be "
                                       "read.").format(name=name)) from exc
    return upright, exif


def _too_large(name: str, width: int = 0, height: int = 0) -> str:
    if width and height:
        return _("The photo {name} claims {width}×{height} pixels, more than {limit} million: it is refused "
                 "as a possible decompression bomb.").format(name=name, width=width, height=height,
                                                              limit=MAX_SOURCE_PIXELS // 1_000_000)
    return _("The photo {name} is too large to open safely (a possible decompression bomb).").format(name=name)


def clean_photo_bytes(path: Path, max_edge: int = MAX_STORED_EDGE, *,
                      stranger: bool = False) -> tuple[bytes, int, int]:
    """Read a photo, apply its EXIF orientation, drop GPS, reduce it to ``max_edge`` pixels on its long
    side (a smaller photo keeps its size), and return JPEG bytes and the size. A ``stranger``'s photo
    (sent from a phone through a rectification link) keeps only the time it was taken: no camera,
    phone or software that could identify the person who sent it."""
    if max_edge < 1:
        raise ValueError(f"max_edge must be positive, not {max_edge}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InspectorError(_("Cannot read the photo {path}: {problem}").format(
            path=path, problem=exc.strerror or exc)) from exc
    if not data:
        raise InspectorError(_("The photo {path} is empty (0 bytes).").format(path=path))
    upright, exif = _decode(path, data, max_edge)
    from PIL import Image

    if upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    upright.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
    # Keep the camera facts people rely on (time taken, camera) but not the location.
    exif.pop(GPS_IFD, None)
    exif.pop(0x0112, None)  # orientation: the pixels are upright now
    if stranger:
        taken = photo_taken_text(exif)
        exif = Image.Exif()
        if taken:
            exif[EXIF_IFD] = {DATETIME_ORIGINAL: taken}
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=90, exif=_exif_bytes(exif))
    return out.getvalue(), upright.width, upright.height


def _exif_bytes(exif: Image.Exif) -> bytes:
    """The EXIF block to store: as read, or, when a tag holds a value of the wrong type (a phone's
    resolution written as text; Pillow's broken_exif_dpi.jpg), only the tags that can be written
    back: losing a bad tag is better than refusing a good photo. The sub-blocks (camera settings)
    are dropped then too: their pointers cannot be copied into a new block."""
    from PIL import Image

    try:
        return exif.tobytes()
    except (TypeError, ValueError, struct.error):
        pass
    kept = Image.Exif()
    for tag, value in exif.items():
        if tag in EXIF_POINTER_TAGS:
            continue
        alone = Image.Exif()
        alone[tag] = value
        try:
            alone.tobytes()
        except (TypeError, ValueError, struct.error):
            continue
        kept[tag] = value
    return kept.tobytes()


EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003


def photo_taken_text(exif: Image.Exif) -> str:
    """The EXIF time the photo says it was taken ("YYYY:MM:DD HH:MM:SS", the camera's own clock, no
    zone), or "" when it has none or one that is not a time."""
    try:
        value = exif.get_ifd(EXIF_IFD).get(DATETIME_ORIGINAL) or exif.get(0x0132)  # or DateTime
    except Exception:  # a damaged EXIF block is a photo without a time
        return ""
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else str(value or "")
    text = text.strip("\x00 ")
    return text if len(text) == 19 and text[4] == ":" and text[10] == " " else ""


def store_photo(store: FileStore, path: Path, max_edge: int = MAX_STORED_EDGE, *,
                stranger: bool = False) -> StoredPhoto:
    data, width, height = clean_photo_bytes(path, max_edge, stranger=stranger)
    digest = store.put(data, ".jpg")
    taken = ""
    if stranger:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as stored:
            taken = photo_taken_text(stored.getexif())
    return StoredPhoto(digest, path.name, "image/jpeg", width, height, taken)
