"""Safety checks on an SVG's XML before any renderer sees it: no Qt, cheap, and run on every open.

SVG renderers (QtSvg included) expand what a file asks for without a bound of their own, so files
built to never finish are recognised here from their structure:

* entity bombs and outside references: a DOCTYPE may declare short internal entities (Illustrator
  writes a few for namespaces), but no external ones, none that refers to another entity, and not
  so many uses that the text grows past ``MAX_ENTITY_EXPANSION`` characters;
* ``<use>``, pattern, marker, mask, clip-path and filter references: each element costs one plus
  what it refers to, counted once per reference with memoisation, so ``<use>`` nested a few levels
  deep with several copies each (exponential) or patterns that refer to patterns are refused from
  their count, and a reference back to an element's own ancestor (self-recursive ``<use>``) is
  refused as a loop;
* nesting deeper than ``MAX_DEPTH`` (a renderer that recurses per level would overflow its stack);
* ``.svgz``: gzip is inflated in bounded steps and refused past ``MAX_SVG_BYTES``;
* UTF-16, UTF-32 or GBK text is made UTF-8 first (plans/xml_encoding.py), so the byte-level checks
  here see what the parser will.

What is merely unsafe to follow but harmless to drop (XInclude elements, images and ``<use>`` that
point outside the file) is removed by :func:`strip_outside_references` with a warning.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

from inspector_app.i18n import _, ngettext
from inspector_app.plans import xml_encoding
from inspector_app.plans.errors import PlanError

MAX_SVG_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 200
MAX_ELEMENTS_DRAWN = 2_000_000  # elements after every reference is expanded
MAX_ENTITY_EXPANSION = 4 * 1024 * 1024  # characters entity references may add to the text
MAX_ENTITIES = 200
GZIP_MAGIC = b"\x1f\x8b"

XINCLUDE_NS = "http://www.w3.org/2001/XInclude"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_URL_REF = re.compile(r"url\(\s*['\"]?#([^)'\"\s]+)['\"]?\s*\)")
_ENTITY_DECL = re.compile(rb"<!ENTITY\s+(%\s*)?([^\s>]+)\s+(SYSTEM|PUBLIC|\"[^\"]*\"|'[^']*')", re.S)


def read_svg_bytes(path: Path) -> bytes:
    """The SVG's XML as UTF-8 (whatever encoding it was written in), inflated if gzip-compressed
    (.svgz), never more than MAX_SVG_BYTES: the checks below and every reader see UTF-8."""
    try:
        with path.open("rb") as fh:
            head = fh.read(2)
            if head != GZIP_MAGIC:
                fh.seek(0)
                data = fh.read(MAX_SVG_BYTES + 1)
                if len(data) > MAX_SVG_BYTES:
                    raise PlanError(path, _("the SVG is larger than {mb} MB").format(mb=MAX_SVG_BYTES >> 20))
            else:
                fh.seek(0)
                data = _inflate(path, fh.read(MAX_SVG_BYTES + 1))
    except OSError as exc:
        raise PlanError(path, _("cannot read the file: {error}").format(error=exc.strerror or exc)) from exc
    try:
        return xml_encoding.to_utf8(data)
    except (UnicodeError, LookupError) as exc:
        raise PlanError(path, _("the SVG is not text in the encoding it names ({encoding})").format(
            encoding=xml_encoding.detect(data[:1024])[0])) from exc


def _inflate(path: Path, packed: bytes) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = bytearray()
    data = packed
    try:
        while data:
            # Bounded steps: a 100 KB bomb that would inflate to gigabytes stops at the limit.
            out += inflater.decompress(data, MAX_SVG_BYTES + 1 - len(out))
            if len(out) > MAX_SVG_BYTES:
                raise PlanError(path, _("the compressed SVG inflates to more than {mb} MB "
                                        "(a compression bomb)").format(mb=MAX_SVG_BYTES >> 20))
            data = inflater.unconsumed_tail
            if inflater.eof:
                break
    except zlib.error as exc:
        raise PlanError(path, _("the compressed SVG (.svgz) is damaged: {error}").format(error=exc)) from exc
    if not inflater.eof:
        raise PlanError(path, _("the compressed SVG (.svgz) is truncated"))
    return bytes(out)


def check_entities(path: Path, data: bytes) -> None:
    """Refuse external entities, entities built from entities, and entity text that grows too much."""
    if b"<!ENTITY" not in data[:1024 * 1024] and b"<!entity" not in data[:1024 * 1024]:
        return
    end = data.find(b"]>")
    subset = data[: end if end > 0 else len(data)]
    declared: dict[str, int] = {}
    for match in _ENTITY_DECL.finditer(subset):
        parameter, name, value = match.group(1), match.group(2).decode("utf-8", "replace"), match.group(3)
        if parameter or value in (b"SYSTEM", b"PUBLIC"):
            raise PlanError(path, _("the SVG declares an entity that reads another file or address "
                                    "({name}); it is refused for safety").format(name=name))
        if b"&" in value or b"%" in value:
            raise PlanError(path, _("the SVG declares entities built from other entities ({name}): "
                                    "an entity bomb").format(name=name))
        declared[name] = len(value)
    if len(declared) > MAX_ENTITIES or len(re.findall(rb"<!ENTITY", subset)) != len(declared):
        raise PlanError(path, _("the SVG's entity declarations cannot be checked safely"))
    body = data[end + 2:] if end > 0 else b""
    grown = 0
    for name, length in declared.items():
        grown += body.count(b"&" + name.encode() + b";") * length
    if grown > MAX_ENTITY_EXPANSION:
        raise PlanError(path, _("the SVG's entities would grow its text by {mb} MB: an entity bomb").format(
            mb=grown >> 20))


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _references(element: ET.Element) -> list[str]:
    """Ids an element draws again: its use/pattern href and every url(#id) in attributes or style."""
    found: list[str] = []
    for key, value in element.attrib.items():
        if key in (XLINK_HREF, "href") and value.startswith("#"):
            found.append(value[1:])
        elif "url(" in value:
            found.extend(_URL_REF.findall(value))
    return found


def check_structure(path: Path, root: ET.Element) -> int:
    """Refuse deep nesting, reference loops and reference expansion bombs; return elements drawn."""
    by_id: dict[str, ET.Element] = {}
    depth_of: dict[int, int] = {id(root): 1}
    stack = [root]
    count = 0
    while stack:
        element = stack.pop()
        count += 1
        depth = depth_of[id(element)]
        if depth > MAX_DEPTH:
            raise PlanError(path, _("the SVG nests elements more than {n} deep").format(n=MAX_DEPTH))
        ident = element.get("id")
        if ident:
            by_id.setdefault(ident, element)
        for child in element:
            depth_of[id(child)] = depth + 1
            stack.append(child)
    cost: dict[int, int] = {}
    in_progress: set[int] = set()

    def element_cost(element: ET.Element) -> int:
        key = id(element)
        if key in cost:
            return cost[key]
        if key in in_progress:
            raise PlanError(path, _("the SVG refers to itself in a loop (element “{id}”): "
                                    "it would never finish drawing").format(id=element.get("id", "?")))
        in_progress.add(key)
        # Iterative over children would be nicer, but the depth is already bounded by MAX_DEPTH.
        total = 1
        for ref in _references(element):
            target = by_id.get(ref)
            if target is not None:
                total += element_cost(target)
        for child in element:
            total += element_cost(child)
            if total > MAX_ELEMENTS_DRAWN:
                break
        in_progress.discard(key)
        if total > MAX_ELEMENTS_DRAWN:
            raise PlanError(path, _("the SVG repeats its elements through references more than {n} times "
                                    "(<use> or patterns nested within each other): it would never finish "
                                    "drawing").format(n=f"{MAX_ELEMENTS_DRAWN:,}"))
        cost[key] = total
        return total

    try:
        return element_cost(root)
    except RecursionError as exc:
        raise PlanError(path, _("the SVG chains its references too deeply to draw safely")) from exc


def strip_outside_references(root: ET.Element, warnings: list[str]) -> bool:
    """Remove XInclude elements and images or uses that point outside the file; True if any was removed."""
    removed = {"xinclude": 0, "outside": 0}
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag.startswith("{" + XINCLUDE_NS + "}"):
                parent.remove(child)
                removed["xinclude"] += 1
                continue
            if _local(tag) in ("image", "use", "feImage", "script", "foreignObject"):
                href = child.get(XLINK_HREF) or child.get("href") or ""
                if _local(tag) in ("script", "foreignObject") or (href and not href.startswith(("#", "data:"))):
                    parent.remove(child)
                    removed["outside"] += 1
    if removed["xinclude"]:
        warnings.append(ngettext("{n} XInclude element was ignored", "{n} XInclude elements were ignored",
                                 removed["xinclude"]).format(n=removed["xinclude"]))
    if removed["outside"]:
        warnings.append(ngettext("{n} reference to a file or address outside the SVG was ignored",
                                 "{n} references to files or addresses outside the SVG were ignored",
                                 removed["outside"]).format(n=removed["outside"]))
    return any(removed.values())


def parse_screened(path: Path, data: bytes, warnings: list[str]) -> tuple[ET.Element, bool]:
    """Parse an SVG after the entity check, then check its structure; (root, changed by stripping)."""
    check_entities(path, data)
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise PlanError(path, _("the SVG is damaged or truncated: {error}").format(error=exc)) from exc
    except RecursionError as exc:
        raise PlanError(path, _("the SVG nests elements more than {n} deep").format(n=MAX_DEPTH)) from exc
    if _local(root.tag) != "svg":
        raise PlanError(path, _("the file is XML but its top element is <{tag}>, not <svg>").format(
            tag=_local(root.tag) or "?"))
    changed = strip_outside_references(root, warnings)
    check_structure(path, root)
    return root, changed
