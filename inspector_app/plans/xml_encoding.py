"""The encoding an XML file (an SVG plan) is written in, told as the XML specification says (its
byte-order mark, else how its first "<" is encoded, else its declaration), and its text as UTF-8.

Every SVG is handed on as UTF-8: Python's XML parser reads only UTF-8, UTF-16 and Latin-1, QtSvg is
surest with UTF-8, and the safety checks of svg_screen look at bytes. A UTF-32 file (valid XML, which
some Windows tools write) was refused; a UTF-16 one slipped past the entity checks, which search for
the ASCII bytes ``<!ENTITY``; a GBK one (Chinese CAD exports) could not be parsed.
"""

from __future__ import annotations

import codecs
import re

# Byte-order marks, longest first (UTF-32-LE's begins with UTF-16-LE's).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
# How "<" (and "<?") start a file without a mark (XML 1.0, appendix F).
_FIRST_BYTES = ((b"<\x00\x00\x00", "utf-32-le"), (b"\x00\x00\x00<", "utf-32-be"), (b"<\x00?\x00", "utf-16-le"),
                (b"\x00<\x00?", "utf-16-be"))
_DECLARED = re.compile(rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
_DECLARATION_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?\s)encoding\s*=\s*["'][^"']*["']""")
_UTF8_NAMES = {"utf-8", "utf8", "us-ascii", "ascii"}


def detect(head: bytes) -> tuple[str, int]:
    """The encoding of an XML file from its first bytes, and the length of its byte-order mark."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding, len(bom)
    for first, encoding in _FIRST_BYTES:
        if head.startswith(first):
            return encoding, 0
    declared = _DECLARED.match(head[:1024])
    if declared is not None:
        name = declared.group(1).decode("ascii").lower()
        try:
            return codecs.lookup(name).name, 0
        except LookupError:
            return name, 0  # unknown: decoding it says so
    return "utf-8", 0


def decode_head(head: bytes) -> str:
    """As much of the first bytes as decodes, for sniffing (a multi-byte character may be cut)."""
    encoding, skip = detect(head)
    try:
        return head[skip:].decode(encoding, errors="ignore")
    except LookupError:
        return head.decode("latin-1")


def to_utf8(data: bytes) -> bytes:
    """The document as UTF-8 with its declaration saying so; UnicodeError or LookupError if its bytes
    are not the encoding it names. A UTF-8 document is returned as it is."""
    encoding, skip = detect(data[:1024])
    if codecs.lookup(encoding).name in _UTF8_NAMES and not skip:
        return data
    text = data[skip:].decode(encoding)
    return _DECLARATION_ENCODING.sub(r'\1encoding="UTF-8"', text, count=1).encode("utf-8")
