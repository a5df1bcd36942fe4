"""Find and register one embeddable TrueType CJK font for every PDF the program makes.

reportlab embeds and subsets TrueType outlines only (Noto CJK / Source Han are CFF and fail), so
the search looks for TrueType fonts that carry Chinese *and* Latin letters and digits. The program
carries one (resources/fonts/wqy-microhei-subset.ttf, WenQuanYi Micro Hei under Apache-2.0, see the
README there), looked at first, so a notice looks the same on every machine; the ones Windows has
(Microsoft YaHei, SimHei, SimSun) and Debian's WenQuanYi are only a fallback for a tree without it.
``INSPECTOR_CJK_FONT`` names a font file to use instead. Registering takes 120–200 ms, so it happens
once per process, on first use, under a lock.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _
from inspector_app.paths import resource_dir

FONT_NAME = "InspectorCJK"
ENV_VARIABLE = "INSPECTOR_CJK_FONT"
# File names in order of preference; a .ttc is read at its first face.
PREFERRED_FILES = ("msyh.ttc", "msyh.ttf", "simhei.ttf", "simsun.ttc", "wqy-microhei.ttc", "wqy-zenhei.ttc")
# Where Linux systems keep WenQuanYi (after the shipped font and the Windows fonts folder).
SYSTEM_FOLDERS = ("/usr/share/fonts/truetype/wqy", "/usr/share/fonts/wqy-microhei", "/usr/share/fonts/wqy-zenhei",
                  "/usr/local/share/fonts")


@dataclass(frozen=True)
class CjkFont:
    name: str
    path: Path


_lock = threading.Lock()
_registered: CjkFont | None = None


def candidate_paths() -> list[Path]:
    """Every file looked at, in order (the error message lists them when none is usable)."""
    found: list[Path] = []
    override = os.environ.get(ENV_VARIABLE)
    if override:
        found.append(Path(override))
    shipped = resource_dir() / "fonts"
    if shipped.is_dir():
        found.extend(sorted(p for p in shipped.iterdir() if p.suffix.lower() in (".ttf", ".ttc")))
    windows_fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
    found.extend(windows_fonts / name for name in PREFERRED_FILES[:4])
    for folder in SYSTEM_FOLDERS:
        found.extend(Path(folder) / name for name in PREFERRED_FILES[4:])
    return found


def cjk_font() -> CjkFont:
    """The registered CJK font (registered on the first call); InspectorError if there is none."""
    global _registered
    if _registered is not None:
        return _registered
    with _lock:
        if _registered is None:
            _registered = _register_first_usable(candidate_paths())
    return _registered


def _register_first_usable(paths: list[Path]) -> CjkFont:
    problems: list[str] = []
    for path in paths:
        if not path.is_file():
            continue
        try:
            font = TTFont(FONT_NAME, str(path), subfontIndex=0)
        except (TTFError, OSError, ValueError) as exc:  # CFF outlines, a damaged file...
            problems.append(f"{path}: {exc}")
            continue
        # A CJK-only font (Droid Sans Fallback) would print notice numbers and dates as blanks.
        if not all(ord(ch) in font.face.charToGlyph for ch in "火灾隐患A0〔"):
            problems.append(f"{path}: " + _("lacks Chinese or Latin characters"))
            continue
        pdfmetrics.registerFont(font)
        return CjkFont(FONT_NAME, path)
    searched = "\n  ".join(str(p) for p in paths)
    detail = ("\n" + "\n".join(problems)) if problems else ""
    raise InspectorError(_(
        "No Chinese TrueType font that can be embedded in a PDF was found. Install one (Windows has "
        "Microsoft YaHei; on Debian: apt install fonts-wqy-microhei) or set {variable} to a .ttf/.ttc file. "
        "Looked at:\n  {paths}").format(variable=ENV_VARIABLE, paths=searched) + detail)
