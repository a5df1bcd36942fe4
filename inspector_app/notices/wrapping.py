"""Line breaking that keeps Latin words whole, in Chinese and English documents alike.

reportlab's CJK wrapping cuts between any two characters; for a Latin word it only looks back half a
line for a space, so a narrow cell printed "General Affair" and "s Office". Here a line may break
beside any CJK character (kana and full-width forms count as CJK), after a space, and after a hyphen
inside a word ("re-|inspection"), never inside a Latin word or a number ("LL1-0001", "2026-10-27")
unless that word alone is wider than the line. A character that may not start a line (，。）and ASCII
,.;:!?) stays with what is before it, hanging into the margin if it must, and one that may not end a
line (（《) goes with what follows, as in Chinese typesetting (reportlab's kinsoku tables, completed).

English documents wrap the same way (reportlab's own English wrapping cuts a Chinese name, or
"Office，编号", anywhere). ``unbreakable_words`` gives the words a table column must be wide enough for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from reportlab.lib.textsplit import ALL_CANNOT_END, ALL_CANNOT_START
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.paragraph import FragLine, Paragraph, ParaLines
from reportlab.rl_config import _FUZZ

# reportlab's kinsoku tables lack the full-width comma, semicolon, colon, question and exclamation marks
# and the Chinese book-title and quotation marks; lines must not start (or end) with those either.
CANNOT_START = ALL_CANNOT_START + "，；：？！、。）》〉」』】〕〗…’”％‰℃·"
CANNOT_END = ALL_CANNOT_END + "（《〈「『【〔〖‘“"
_LATIN_WORD = re.compile(r"[^\s\u2e80-\U0010ffff]+")


def is_wide(ch: str) -> bool:
    """A CJK character (or kana, or a full-width form): a line may break on either side of it."""
    return bool(ch) and ord(ch[0]) >= 0x2E80


def may_break_after(chars: Sequence[str], index: int) -> bool:
    """May a line end after ``chars[index]``, the next starting with ``chars[index + 1]``?"""
    before, after = chars[index], chars[index + 1]
    if not before or not after:  # a line-break marker: it ends the line itself
        return False
    if before in CANNOT_END or after in CANNOT_START:
        return False
    if before.isspace():
        return not after.isspace()  # after the last of several spaces
    if after.isspace():
        return False
    if is_wide(before) or is_wide(after):
        return True
    return before == "-" and index > 0 and chars[index - 1].isalpha() and after.isalpha()


def unbreakable_words(text: str) -> list[str]:
    """The Latin words (and numbers) of a text, each split at its own inner hyphens: the pieces a
    table column must be wide enough for, so that no word is cut inside."""
    return [piece for word in _LATIN_WORD.findall(text) for piece in re.split(r"(?<=[A-Za-z]-)(?=[A-Za-z])", word)]


_widths: dict[tuple[str, float], dict[str, float]] = {}  # (font, size) -> character -> width


def _characters(frags: Sequence[Any]) -> tuple[list[str], list[Any], list[float]]:
    """Every character of the fragments with the fragment it belongs to and its width; a fragment
    without text (a line break) is one empty character, so that its line knows its font size."""
    chars: list[str] = []
    owners: list[Any] = []
    widths: list[float] = []
    for frag in frags:
        text = getattr(frag, "text", "")
        text = text.decode("utf8") if isinstance(text, bytes) else text
        if not text:
            chars.append("")
            owners.append(frag)
            widths.append(0.0)
            continue
        table = _widths.setdefault((frag.fontName, frag.fontSize), {})
        for ch in text:
            width = table.get(ch)
            if width is None:
                width = table[ch] = stringWidth(ch, frag.fontName, frag.fontSize)
            chars.append(ch)
            owners.append(frag)
            widths.append(width)
    return chars, owners, widths


def _line(chars: list[str], owners: list[Any], start: int, end: int, max_width: float, width: float,
          hard: bool) -> Any:
    """One laid-out line, as reportlab's CJK wrapping makes it: a fragment per run of one fragment."""
    words = []
    size = ascent = descent = 0.0
    i = start
    while i < end:
        frag, j = owners[i], i
        while j < end and owners[j] is frag:
            j += 1
        up, down = getAscentDescent(frag.fontName, frag.fontSize)
        size, ascent, descent = max(size, frag.fontSize), max(ascent, up), min(descent, down)
        word = frag.clone()
        word.text = "".join(chars[i:j])
        words.append(word)
        i = j
    return FragLine(kind=1, extraSpace=max_width - width, wordCount=1, words=words, fontSize=size, ascent=ascent,
                    descent=descent, maxWidth=max_width, currentWidth=width, lineBreak=hard)


def split_lines(frags: Sequence[Any], max_widths: Sequence[float]) -> ParaLines:
    """Break the fragments' text into lines no wider than ``max_widths`` (the last one repeats)."""
    chars, owners, widths = _characters(frags)
    lines: list[Any] = []
    i, n = 0, len(chars)
    while i < n:
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
        while i < n and chars[i].isspace():  # a line never starts with the space it broke at
            i += 1
        start, used, resume, hard = i, 0.0, None, False
        while i < n:
            if not chars[i] and hasattr(owners[i], "lineBreak"):
                i, hard = i + 1, True  # the marker stays on its line: it carries the font size
                break
            used += widths[i]
            if used > max_width + _FUZZ and i > start:
                if chars[i] and chars[i] in CANNOT_START and not chars[i].isspace():
                    i += 1  # hangs into the margin rather than start a line
                elif resume is not None:
                    i = resume
                break  # else: one word wider than the line is cut here
            if i + 1 < n and may_break_after(chars, i):
                resume = i + 1
            i += 1
        end = i
        while end > start and chars[end - 1].isspace():
            end -= 1
        lines.append(_line(chars, owners, start, end, max_width, sum(widths[start:end]), hard))
    return ParaLines(kind=1, lines=lines)


class WordParagraph(Paragraph):
    """A Paragraph whose CJK wrapping (``wordWrap="CJK"``) keeps Latin words whole."""

    def breakLinesCJK(self, maxWidths: Any) -> Any:  # reportlab calls it by this name
        if hasattr(self, "blPara") and getattr(self, "_splitpara", False):
            return self.blPara  # the second half of a split paragraph: its lines are known
        if not self.frags or any(hasattr(f, "cbDefn") for f in self.frags):
            return super().breakLinesCJK(maxWidths)  # inline images: reportlab's own wrapping
        return split_lines(self.frags, list(maxWidths) if isinstance(maxWidths, (list, tuple)) else [maxWidths])
