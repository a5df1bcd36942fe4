"""Make resources/fonts/wqy-microhei-subset.ttf, the Chinese font every PDF of the program embeds,
from Debian's WenQuanYi Micro Hei (package fonts-wqy-microhei, Apache-2.0 or GPL-3+ with a font
exception; the program takes it under Apache-2.0). See resources/fonts/README.md.

    python scripts/make_cjk_font.py [--source /usr/share/fonts/truetype/wqy/wqy-microhei.ttc]

What is kept (about 3 MB, from 5 MB holding two faces and 49,531 glyphs): the first face ("Micro
Hei", proportional Latin), TrueType outlines (glyf: reportlab embeds nothing else), and the
characters of
  - ASCII, Latin-1, Latin Extended-A, general punctuation, CJK symbols and punctuation, full-width forms;
  - every character GBK can encode (all 20,902 Han characters of the URO the font draws, so a rare
    name character of a school or a person still prints, and Greek, Cyrillic, box drawing);
  - every character of the program's own texts (the .po catalogues, forms/*.yaml).
It runs ``pyftsubset`` (fontTools) with the options below, then marks the file as changed (Apache-2.0
section 4(b)): the PostScript name becomes WenQuanYiMicroHei-Subset, the version string says so. The
timestamps of the source are kept, so the same source gives the same file, byte for byte.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
OUT = ROOT / "resources" / "fonts" / "wqy-microhei-subset.ttf"
POSTSCRIPT_NAME = "WenQuanYiMicroHei-Subset"
RANGES = ((0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF))
PYFTSUBSET_OPTIONS = ["--font-number=0", "--layout-features=", "--name-IDs=*", "--name-languages=*",
                      "--name-legacy", "--no-hinting", "--notdef-outline"]


def gbk_characters() -> set[int]:
    found = set()
    for code in range(0x80, 0x10000):
        try:
            chr(code).encode("gbk")
        except UnicodeEncodeError:
            continue
        found.add(code)
    return found


def program_characters() -> set[int]:
    """Every character of the translations and the forms: what the program itself prints."""
    texts = [p.read_text("utf-8") for p in sorted((ROOT / "resources" / "locale").rglob("*.po"))]
    texts += [p.read_text("utf-8") for p in sorted((ROOT / "forms").rglob("*.yaml"))]
    return {ord(ch) for text in texts for ch in text if ord(ch) >= 0x20 and not ch.isspace()} | {0x20}


def wanted(font: TTFont) -> tuple[list[int], list[int]]:
    """The code points to keep (those the font draws), and the program's own ones it cannot draw."""
    cmap = font.getBestCmap()
    chosen = {c for low, high in RANGES for c in range(low, high + 1)} | gbk_characters() | program_characters()
    missing = sorted(c for c in program_characters() if c not in cmap and chr(c).isprintable())
    return sorted(c for c in chosen if c in cmap), missing


def mark_as_changed(path: Path) -> None:
    font = TTFont(path, recalcTimestamp=False)
    names = font["name"]
    for record in names.names:
        if record.nameID == 6:
            record.string = POSTSCRIPT_NAME
        elif record.nameID == 5:
            text = record.toUnicode()
            if "subset" not in text:
                record.string = text + "; subset for Fire-Risk Inspector (scripts/make_cjk_font.py)"
    font.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    face = TTCollection(str(args.source)).fonts[0] if args.source.suffix.lower() == ".ttc" else TTFont(args.source)
    codes, missing = wanted(face)
    if missing:
        print("The font cannot draw these characters of the program's texts:",
              " ".join(f"U+{c:04X}" for c in missing), file=sys.stderr)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        unicodes = Path(scratch) / "unicodes.txt"
        unicodes.write_text("\n".join(f"U+{c:04X}" for c in codes) + "\n", encoding="ascii")
        command = [str(args.source), f"--unicodes-file={unicodes}", f"--output-file={args.out}",
                   *PYFTSUBSET_OPTIONS]
        print("pyftsubset " + " ".join(re.sub(re.escape(scratch), "$TMP", a) for a in command))
        subset.main(command)
    mark_as_changed(args.out)
    print(f"{args.out}: {len(codes)} characters, {args.out.stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
