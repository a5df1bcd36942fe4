"""Photos of hazards: a cleaned copy is stored (orientation applied, GPS and other location data
removed), so a notice or a shared ledger never leaks where an inspector's phone was.

Huge photos are accepted (phones take 50 MP) but decoded under Pillow's bomb guard, and a copy
larger than needed for any printout is scaled down once, at import.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from inspector_app.core.errors import InspectorError
from inspector_app.core.store import FileStore
from inspector_app.i18n import _

MAX_STORED_EDGE = 4096  # ample for an A4 print at 300 dpi
MAX_SOURCE_PIXELS = 200_000_000
GPS_IFD = 0x8825


@dataclass(frozen=True)
class StoredPhoto:
    file_hash: str
    filename: str
    mime: str
    width: int
    height: int


def clean_photo_bytes(path: Path) -> tuple[bytes, int, int]:
    """Read a photo, apply its EXIF orientation, drop GPS, and return JPEG bytes and the size."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InspectorError(_("Cannot read the photo {path}: {problem}").format(path=path, problem=exc)) from exc
    if not data:
        raise InspectorError(_("The photo {path} is empty (0 bytes).").format(path=path))
    previous_limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_SOURCE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (MAX_STORED_EDGE, MAX_STORED_EDGE))
            exif = image.getexif()
            upright = ImageOps.exif_transpose(image)
            upright.load()
    except Image.DecompressionBombError as exc:
        raise InspectorError(
            _("The photo {path} is too large to open safely ({problem}).").format(path=path, problem=exc)
        ) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InspectorError(
            _("The file {path} is not a photo the program can read ({problem}).").format(path=path, problem=exc)
        ) from exc
    finally:
        Image.MAX_IMAGE_PIXELS = previous_limit
    if upright.mode not in ("RGB", "L"):
        upright = upright.convert("RGB")
    upright.thumbnail((MAX_STORED_EDGE, MAX_STORED_EDGE), Image.Resampling.LANCZOS)
    # Keep the camera facts people rely on (time taken, camera) but not the location.
    exif.pop(GPS_IFD, None)
    exif.pop(0x0112, None)  # orientation: the pixels are upright now
    out = io.BytesIO()
    upright.save(out, format="JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue(), upright.width, upright.height


def store_photo(store: FileStore, path: Path) -> StoredPhoto:
    data, width, height = clean_photo_bytes(path)
    digest = store.put(data, ".jpg")
    return StoredPhoto(digest, path.name, "image/jpeg", width, height)
