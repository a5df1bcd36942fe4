"""Write the hostile-and-odd file corpus (tests/data/hostile/) and its MANIFEST.tsv, from code.

    .venv/bin/python scripts/make_hostile_corpus.py [OUT_DIR]

Every file is made here, byte for byte, so the corpus can be redistributed (CC0) and bombs live in
the repository only as the few bytes that declare them. Each case reproduces a kind of file found in
the public test suites of the libraries that read these formats (resvg, QtSvg, Pillow, PDFium,
ezdxf, PyYAML, libexpat); the manifest names the suite each case is modelled on and what the
program is expected to do: ``ok`` (opens), ``refuse`` (a one-line message naming the file), or
``any`` (either, but within its budget). Columns: file, plan, photo, modelled on, note.
"""

from __future__ import annotations

import gzip
import io
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "tests" / "data" / "hostile"
SVG_HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'

RESVG = "github.com/linebender/resvg tests/ (Apache-2.0 OR MIT)"
QTSVG = "code.qt.io/qt/qtsvg tests/auto (LGPL-3.0 / GPL)"
EXPAT = "github.com/libexpat/libexpat tests/ (MIT)"
PILLOW = "github.com/python-pillow/Pillow Tests/images (MIT-CMU)"
PDFIUM = "pdfium.googlesource.com testing/resources (BSD-3-Clause)"
EZDXF = "github.com/mozman/ezdxf tests/ (MIT)"
PYYAML = "github.com/yaml/pyyaml tests/data (MIT)"
HEIF = "github.com/bigcat88/pillow_heif tests/images (BSD-3-Clause)"


def svg(body: str, size: str = 'width="200" height="100" viewBox="0 0 200 100"', head: str = "") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}{SVG_HEAD} {size}>\n{body}\n</svg>\n'.encode()


def use_exponential() -> bytes:
    # Ten levels, each using the level below ten times: 10^10 rectangles.
    defs = ['<rect id="l0" width="1" height="1"/>']
    for level in range(1, 11):
        uses = "".join(f'<use xlink:href="#l{level - 1}" x="{i}"/>' for i in range(10))
        defs.append(f'<g id="l{level}">{uses}</g>')
    return svg("<defs>" + "".join(defs) + '</defs><use xlink:href="#l10"/>')


def pattern_chain() -> bytes:
    # "Billion laughs" for patterns: every pattern tile is filled ten times with the next pattern.
    defs = ['<pattern id="p9" width="2" height="2" patternUnits="userSpaceOnUse">'
            '<rect width="1" height="1" fill="red"/></pattern>']
    for level in range(8, -1, -1):
        rects = "".join(f'<rect x="{i}" width="1" height="1" fill="url(#p{level + 1})"/>' for i in range(10))
        defs.append(f'<pattern id="p{level}" width="10" height="2" patternUnits="userSpaceOnUse">{rects}</pattern>')
    return svg("<defs>" + "".join(defs) + '</defs><rect width="200" height="100" fill="url(#p0)"/>')


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol "lol">']
    for n in range(1, 10):
        refs = f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10
        entities.append(f'<!ENTITY lol{n} "{refs}">')
    head = "<!DOCTYPE svg [\n" + "\n".join(entities) + "\n]>\n"
    return svg("<text y='20'>&lol9;</text>", head=head)


def quadratic_blowup() -> bytes:
    value = "x" * 100_000
    head = f'<!DOCTYPE svg [<!ENTITY big "{value}">]>\n'
    return svg("<text y='20'>" + "&big;" * 20_000 + "</text>", head=head)


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def svgz_bomb() -> bytes:
    # 80 MB of whitespace inside a comment: ~80 KB compressed, more than the 64 MB any SVG may inflate to.
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as fh:
        fh.write(SVG_HEAD.encode() + b' width="10" height="10"><!--')
        chunk = b" " * (1 << 20)
        for _ in range(80):
            fh.write(chunk)
        fh.write(b"--></svg>")
    return out.getvalue()


def deep_nesting() -> bytes:
    return svg("<g>" * 5000 + '<rect width="10" height="10"/>' + "</g>" * 5000)


def utf16_svg() -> bytes:
    text = ('<?xml version="1.0" encoding="UTF-16"?>\n' + SVG_HEAD +
            ' width="200" height="100"><rect width="150" height="80" fill="#036"/><text y="95">一楼 走廊</text></svg>')
    return b"\xff\xfe" + text.encode("utf-16-le")


def illustrator_entities() -> bytes:
    head = ('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n'
            '<!ENTITY ns_extend "http://ns.adobe.com/Extensibility/1.0/">\n'
            '<!ENTITY ns_graphs "http://ns.adobe.com/Graphs/1.0/">\n'
            '<!ENTITY st0 "fill:none;stroke:#000000;stroke-width:2">\n]>\n')
    return svg('<g xmlns:x="&ns_extend;" xmlns:graph="&ns_graphs;"><rect style="&st0;" x="10" y="10" '
               'width="180" height="80"/></g>', head=head)


def png_bytes(image: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", **params)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_declared(width: int, height: int) -> bytes:
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", zlib.compress(b"\0" * 4096)) + png_chunk(b"IEND", b"")


def ztxt_bomb() -> bytes:
    good = png_bytes(Image.new("RGB", (32, 32), "white"))
    bomb = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"A" * (64 << 20), 9))
    return good[:33] + bomb + good[33:]


def plan_image(size: tuple[int, int] = (1200, 800), mode: str = "RGB") -> Image.Image:
    image = Image.new("RGB", size, "white")
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 100):
        draw.line([(x, 0), (x, size[1])], fill="black", width=3)
    draw.rectangle([size[0] // 8, size[1] // 8, size[0] // 2, size[1] // 2], outline="red", width=3)
    return image.convert(mode) if mode != "RGB" else image


def encoded(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **params)
    return out.getvalue()


def jpeg_declared(width: int, height: int) -> bytes:
    data = bytearray(encoded(Image.new("RGB", (16, 16), "grey"), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5:sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def jpeg_with_exif(orientation: int, gps: bool, garbage: bool = False) -> bytes:
    image = plan_image((600, 400))
    if garbage:
        data = bytearray(encoded(image, "JPEG", exif=b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\xff\xff" + b"\x13" * 40))
        return bytes(data)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    if gps:
        ifd = exif.get_ifd(0x8825)
        ifd[1], ifd[2], ifd[3], ifd[4] = "N", (37.0, 31.0, 0.0), "E", (111.0, 8.0, 0.0)
    return encoded(image, "JPEG", exif=exif.tobytes())


def tiff_multipage() -> bytes:
    pages = [plan_image((800, 600)), plan_image((600, 800))]
    return encoded(pages[0], "TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw")


def tiff_declared(width: int, height: int) -> bytes:
    data = bytearray(encoded(Image.new("L", (8, 8), 255), "TIFF"))
    # Rewrite the ImageWidth (256) and ImageLength (257) entries of the first IFD.
    ifd = struct.unpack("<I", data[4:8])[0]
    count = struct.unpack("<H", data[ifd:ifd + 2])[0]
    for index in range(count):
        entry = ifd + 2 + 12 * index
        tag, _kind = struct.unpack("<HH", data[entry:entry + 4])
        if tag in (256, 257):
            value = width if tag == 256 else height
            data[entry + 2:entry + 12] = struct.pack("<HII", 4, 1, value)
    return bytes(data)


def bmp_declared(width: int, height: int) -> bytes:
    data = bytearray(encoded(Image.new("RGB", (4, 4), "white"), "BMP"))
    data[18:26] = struct.pack("<ii", width, height)
    return bytes(data)


def gif_huge_screen() -> bytes:
    data = bytearray(encoded(Image.new("P", (1, 1)), "GIF"))
    data[6:10] = struct.pack("<HH", 65535, 65535)
    return bytes(data)


def gif_animated() -> bytes:
    frames = [plan_image((300, 200)).convert("P"), Image.new("P", (300, 200), 3)]
    return encoded(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)


def heic(orientation: int = 1, gps: bool = False) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    exif = Image.Exif()
    exif[0x0112] = orientation
    if gps:
        ifd = exif.get_ifd(0x8825)
        ifd[1], ifd[2] = "N", (37.0, 31.0, 0.0)
    image = plan_image((400, 200))
    return encoded(image, "HEIF", exif=exif.tobytes(), quality=80)


def pdf_document(objects: list[bytes], root: int = 1, junk: bytes = b"", break_xref: bool = False) -> bytes:
    """A PDF from numbered object bodies (1-based), with a correct (or deliberately wrong) xref."""
    out = bytearray(junk + b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out) - len(junk) + (7 if break_xref else 0))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out) - len(junk)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_page(media_box: str = "0 0 595 842", content: bytes = b"0 0 1 rg 100 100 200 300 re f",
             extra: str = "", compress: bool = False) -> bytes:
    stream = zlib.compress(content, 9) if compress else content
    flt = " /Filter /FlateDecode" if compress else ""
    return pdf_document([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [{media_box}] /Contents 4 0 R {extra}>>".encode(),
        f"<< /Length {len(stream)}{flt} >>\nstream\n".encode() + stream + b"\nendstream",
    ])


def pdf_encrypted() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    encryption = pdfencrypt.StandardEncryption("secret", ownerPassword="owner", strength=128)
    page = canvas.Canvas(out, encrypt=encryption)
    page.drawString(100, 700, "locked plan")
    page.save()
    return out.getvalue()


def dxf_document(build: Callable[[object], None], version: str = "R2000", binary: bool = False) -> bytes:
    import ezdxf

    doc = ezdxf.new(version)
    build(doc)
    stream = io.BytesIO() if binary else io.StringIO()
    doc.write(stream, fmt="bin" if binary else "asc")
    value = stream.getvalue()
    return value if isinstance(value, bytes) else value.encode("utf-8")


def dxf_rooms(doc) -> None:  # type: ignore[no-untyped-def]
    msp = doc.modelspace()
    doc.layers.add("WALLS", color=7)
    for x in range(0, 50_000, 5_000):
        msp.add_line((x, 0), (x, 20_000), dxfattribs={"layer": "WALLS"})
    msp.add_polyline2d([(0, 0), (50_000, 0), (50_000, 20_000), (0, 20_000)], close=True)


def dxf_minsert_bomb(doc) -> None:  # type: ignore[no-untyped-def]
    block = doc.blocks.new("DESK")
    for i in range(20):
        block.add_line((0, i), (10, i))
    insert = doc.modelspace().add_blockref("DESK", (0, 0))
    insert.dxf.update({"row_count": 3000, "column_count": 3000, "row_spacing": 20, "column_spacing": 20})


def dxf_nested_blocks(doc) -> None:  # type: ignore[no-untyped-def]
    # Each block inserts the one below ten times: 10^8 lines from a few kilobytes.
    doc.blocks.new("B0").add_line((0, 0), (1, 1))
    for level in range(1, 9):
        block = doc.blocks.new(f"B{level}")
        for i in range(10):
            block.add_blockref(f"B{level - 1}", (i * 2, 0))
    doc.modelspace().add_blockref("B8", (0, 0))


def dxf_self_insert(doc) -> None:  # type: ignore[no-untyped-def]
    block = doc.blocks.new("LOOP")
    block.add_line((0, 0), (1, 1))
    block.add_blockref("LOOP", (2, 0))
    doc.modelspace().add_blockref("LOOP", (0, 0))
    doc.modelspace().add_line((0, 0), (100, 100))


def dxf_far_stray(doc) -> None:  # type: ignore[no-untyped-def]
    dxf_rooms(doc)
    doc.modelspace().add_text("stray", dxfattribs={"insert": (1e12, 1e12)})


def dxf_dense_hatch(doc) -> None:  # type: ignore[no-untyped-def]
    hatch = doc.modelspace().add_hatch()
    hatch.set_pattern_fill("ANSI31", scale=1e-6)
    hatch.paths.add_polyline_path([(0, 0), (10_000, 0), (10_000, 10_000), (0, 10_000)], is_closed=True)
    doc.modelspace().add_line((0, 0), (10_000, 10_000))


def minimal_r12() -> bytes:
    # The smallest DXF AutoCAD R12 accepts: only an ENTITIES section, no HEADER, no TABLES.
    lines = ["0", "SECTION", "2", "ENTITIES", "0", "LINE", "8", "0", "10", "0.0", "20", "0.0", "30", "0.0",
             "11", "1000.0", "21", "500.0", "31", "0.0", "0", "ENDSEC", "0", "EOF"]
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def yaml_billion_laughs() -> bytes:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[index]
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("area_type: dormitory")
    lines.append("items: *i")
    return ("\n".join(lines) + "\n").encode()


# name -> (bytes, plan, photo, modelled on, note)
Case = tuple[Callable[[], bytes], str, str, str, str]


def cases() -> dict[str, Case]:
    rect = '<rect x="10" y="10" width="180" height="80" fill="#369"/>'
    return {
        # --- SVG that never finishes, or reaches outside ----------------------------------------
        "svg_use_exponential.svg": (use_exponential, "refuse", "refuse", RESVG, "<use> 10 levels x 10 copies"),
        "svg_use_self_recursive.svg": (lambda: svg('<g id="a"><use xlink:href="#a"/></g>'), "refuse", "refuse",
                                       RESVG, "a <use> inside the group it draws"),
        "svg_use_direct_self.svg": (lambda: svg('<use id="u" xlink:href="#u"/>' + rect), "refuse", "refuse",
                                    RESVG, "a <use> that draws itself"),
        "svg_use_mutual.svg": (lambda: svg('<g id="a"><use xlink:href="#b"/></g><g id="b"><use xlink:href="#a"/></g>'),
                               "refuse", "refuse", RESVG, "two groups drawing each other"),
        "svg_use_chain_long.svg": (lambda: svg("<defs>" + '<rect id="u0" width="1" height="1"/>' + "".join(
            f'<use id="u{i}" xlink:href="#u{i - 1}"/>' for i in range(1, 5000)) + '</defs><use xlink:href="#u4999"/>'),
            "refuse", "refuse", RESVG, "5000 uses chained one after another"),
        "svg_pattern_chain.svg": (pattern_chain, "refuse", "refuse", RESVG, "patterns filled with patterns, 10^9"),
        "svg_pattern_self.svg": (lambda: svg('<pattern id="p" width="10" height="10" patternUnits="userSpaceOnUse">'
                                             '<rect width="5" height="5" fill="url(#p)"/></pattern>'
                                             '<rect width="200" height="100" fill="url(#p)"/>'),
                                 "refuse", "refuse", RESVG, "a pattern whose tile is filled with itself"),
        "svg_filter_self.svg": (lambda: svg('<filter id="f"><feImage xlink:href="#r"/></filter>'
                                            '<rect id="r" width="100" height="100" filter="url(#f)"/>'),
                                "refuse", "refuse", RESVG, "feImage drawing the element it filters"),
        "svg_entities_billion_laughs.svg": (billion_laughs, "refuse", "refuse", EXPAT, "nested entities, 10^9 lol"),
        "svg_entities_quadratic.svg": (quadratic_blowup, "refuse", "refuse", EXPAT,
                                       "one 100 KB entity used 20,000 times"),
        "svg_entity_external_file.svg": (lambda: svg("<text y='20'>&x;</text>",
                                                     head='<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'),
                                         "refuse", "refuse", EXPAT, "external entity reading a local file"),
        "svg_entity_parameter.svg": (lambda: svg(rect, head='<!DOCTYPE svg [<!ENTITY % p SYSTEM '
                                                 '"http://127.0.0.1:9/evil.dtd"> %p;]>\n'),
                                     "refuse", "refuse", EXPAT, "parameter entity fetching a DTD"),
        "svg_xinclude_self.svg": (lambda: svg(rect + '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                              'href="svg_xinclude_self.svg"/>'),
                                  "ok", "refuse", QTSVG, "XInclude of itself: ignored, the rest shows"),
        "svg_image_dev_zero.svg": (lambda: svg(rect + '<image xlink:href="/dev/zero" width="50" height="50"/>'),
                                   "ok", "refuse", RESVG, "an image that reads forever: ignored"),
        "svg_image_remote.svg": (lambda: svg(rect + '<image href="http://127.0.0.1:9/x.png" width="50" height="50"/>'),
                                 "ok", "refuse", RESVG, "an image on the network: ignored"),
        "svg_script_and_foreign.svg": (lambda: svg(rect + '<script>while(true){}</script><foreignObject width="9" '
                                                   'height="9"><p xmlns="http://www.w3.org/1999/xhtml">x</p>'
                                                   '</foreignObject>'),
                                       "ok", "refuse", RESVG, "script and HTML content: ignored"),
        "svg_deep_nesting.svg": (deep_nesting, "refuse", "refuse", RESVG, "5000 nested groups"),
        "svgz_bomb.svgz": (svgz_bomb, "refuse", "refuse", RESVG, "80 KB that inflates to 80 MB"),
        "svgz_plan.svgz": (lambda: gzip_bytes(svg(rect)), "ok", "refuse", RESVG, "a valid compressed SVG"),
        "svgz_truncated.svgz": (lambda: gzip_bytes(svg(rect * 50))[:200], "refuse", "refuse", RESVG,
                                "a compressed SVG cut short"),
        "svg_truncated.svg": (lambda: svg(rect * 20)[:300], "refuse", "refuse", QTSVG, "cut mid-element"),
        "svg_no_size.svg": (lambda: svg(rect, size=""), "any", "refuse", RESVG, "no width, height or viewBox"),
        "svg_zero_size.svg": (lambda: svg(rect, size='width="0" height="0"'), "any", "refuse", RESVG,
                              "zero width and height"),
        "svg_negative_viewbox.svg": (lambda: svg(rect, size='viewBox="0 0 -200 -100"'), "refuse", "refuse", RESVG,
                                     "negative viewBox"),
        "svg_huge_canvas.svg": (lambda: svg(rect, size='width="1000000000" height="1000000000" viewBox="0 0 200 100"'),
                                "any", "refuse", RESVG, "a billion pixels square"),
        "svg_huge_blur.svg": (lambda: svg('<filter id="b"><feGaussianBlur stdDeviation="100000"/></filter>'
                                          '<rect width="200" height="100" filter="url(#b)"/>'),
                              "any", "refuse", RESVG, "a blur of radius 100,000"),
        "svg_dash_explosion.svg": (lambda: svg('<path d="M0 0 L1000000 1000000" stroke="black" '
                                               'stroke-dasharray="0.00001"/>'),
                                   "any", "refuse", QTSVG, "a line of 10^11 dashes"),
        "svg_pattern_tiny_tile.svg": (lambda: svg('<pattern id="t" width="0.0001" height="0.0001" '
                                                  'patternUnits="userSpaceOnUse"><rect width="0.00005" '
                                                  'height="0.00005"/></pattern><rect width="200" height="100" '
                                                  'fill="url(#t)"/>'),
                                      "any", "refuse", RESVG, "10^12 pattern tiles"),
        "svg_root_not_svg.svg": (lambda: b'<?xml version="1.0"?><html><body><svg/></body></html>', "refuse",
                                 "refuse", QTSVG, "XML whose top element is not <svg>"),
        # --- valid SVG oddities ---------------------------------------------------------------------
        "svg_utf16.svg": (utf16_svg, "ok", "refuse", QTSVG, "UTF-16 with a byte-order mark"),
        "svg_utf8_bom.svg": (lambda: b"\xef\xbb\xbf" + svg(rect), "ok", "refuse", QTSVG, "UTF-8 byte-order mark"),
        "svg_illustrator_entities.svg": (illustrator_entities, "ok", "refuse", RESVG,
                                         "Adobe Illustrator's short namespace entities"),
        "svg_units_mm.svg": (lambda: svg(rect, size='width="420mm" height="297mm" viewBox="0 0 200 100"'),
                             "ok", "refuse", RESVG, "an A3 sheet in millimetres"),
        "svg_defs_outside_defs.svg": (lambda: svg('<clipPath id="c"><rect width="100" height="100"/></clipPath>'
                                                  '<g clip-path="url(#c)">' + rect + '</g>'),
                                      "ok", "refuse", QTSVG, "clipPath outside <defs> (CAD exports)"),
        # --- raster ---------------------------------------------------------------------------------
        "png_huge_declared.png": (lambda: png_declared(100_000, 100_000), "refuse", "refuse", PILLOW,
                                  "IHDR claims 10^10 pixels"),
        "png_truncated.png": (lambda: (lambda d: d[:len(d) // 2])(png_bytes(Image.effect_noise((600, 400), 60))),
                               "refuse", "refuse", PILLOW, "cut short"),
        "png_bad_crc.png": (lambda: (lambda d: d[:29] + bytes([d[29] ^ 0xFF]) + d[30:])(png_bytes(plan_image())),
                            "any", "any", PILLOW, "IHDR checksum wrong"),
        "png_ztxt_bomb.png": (ztxt_bomb, "any", "any", PILLOW, "a text chunk that inflates to 64 MB"),
        "png_16bit_grey.png": (lambda: png_bytes(plan_image().convert("I;16")), "ok", "ok", PILLOW, "16-bit"),
        "png_interlaced.png": (lambda: _interlaced_png(), "ok", "ok", PILLOW, "Adam7 interlaced"),
        "png_palette_transparent.png": (lambda: png_bytes(plan_image().convert("P"), transparency=0), "ok", "ok",
                                        PILLOW, "palette with a transparent entry"),
        "png_animated.png": (lambda: encoded(plan_image((300, 200)), "PNG", save_all=True,
                                             append_images=[Image.new("RGB", (300, 200), "red")]),
                             "ok", "ok", PILLOW, "APNG, two frames"),
        "png_one_pixel.png": (lambda: png_bytes(Image.new("RGB", (1, 1), "white")), "ok", "ok", PILLOW, "1x1"),
        "jpeg_bomb.jpg": (lambda: jpeg_declared(65_000, 65_000), "refuse", "refuse", PILLOW,
                          "SOF claims 65000x65000"),
        "jpeg_truncated.jpg": (lambda: encoded(plan_image((2000, 1500)), "JPEG", quality=95)[:20_000], "refuse",
                               "refuse", PILLOW, "a photo cut short"),
        "jpeg_cmyk.jpg": (lambda: encoded(plan_image().convert("CMYK"), "JPEG"), "ok", "ok", PILLOW, "CMYK JPEG"),
        "jpeg_progressive.jpg": (lambda: encoded(plan_image(), "JPEG", progressive=True), "ok", "ok", PILLOW,
                                 "progressive"),
        "jpeg_rotated_gps.jpg": (lambda: jpeg_with_exif(6, gps=True), "ok", "ok", PILLOW,
                                 "EXIF orientation 6 and a GPS position"),
        "jpeg_broken_exif.jpg": (lambda: jpeg_with_exif(1, gps=False, garbage=True), "ok", "ok", PILLOW,
                                 "an EXIF block of garbage"),
        "jpeg_greyscale.jpg": (lambda: encoded(plan_image().convert("L"), "JPEG"), "ok", "ok", PILLOW, "greyscale"),
        "tiff_multipage.tif": (tiff_multipage, "ok", "ok", PILLOW, "two pages, LZW"),
        "tiff_16bit.tif": (lambda: encoded(plan_image((400, 300)).convert("I;16"), "TIFF", compression="tiff_lzw"),
                            "ok", "ok", PILLOW, "16-bit"),
        "tiff_huge_declared.tif": (lambda: tiff_declared(200_000, 200_000), "refuse", "refuse", PILLOW,
                                   "tags claim 4x10^10 pixels"),
        "bmp_huge_declared.bmp": (lambda: bmp_declared(60_000, 60_000), "refuse", "refuse", PILLOW,
                                  "header claims 60000x60000"),
        "bmp_top_down.bmp": (lambda: (lambda d: d[:22] + struct.pack("<i", -struct.unpack("<i", d[22:26])[0])
                                      + d[26:])(encoded(plan_image((150, 100)), "BMP")),
                             "ok", "ok", PILLOW, "negative height: rows stored top-down"),
        "gif_huge_screen.gif": (gif_huge_screen, "refuse", "refuse", PILLOW, "logical screen 65535x65535"),
        "gif_animated.gif": (gif_animated, "ok", "ok", PILLOW, "two frames"),
        "webp_lossless.webp": (lambda: encoded(plan_image(), "WEBP", lossless=True), "ok", "ok", PILLOW,
                               "lossless WebP"),
        "heic_photo.heic": (lambda: heic(), "ok", "ok", HEIF, "a phone's HEIC photo (of a plan, too)"),
        "heic_rotated_gps.heic": (lambda: heic(6, gps=True), "ok", "ok", HEIF, "HEIC with orientation and GPS"),
        "heic_truncated.heic": (lambda: heic()[:400], "refuse", "refuse", HEIF, "HEIC cut short"),
        # --- PDF ------------------------------------------------------------------------------------
        "pdf_truncated.pdf": (lambda: pdf_page()[:150], "any", "refuse", PDFIUM, "cut before its xref"),
        "pdf_encrypted.pdf": (pdf_encrypted, "refuse", "refuse", PDFIUM, "needs a password to open"),
        "pdf_huge_mediabox.pdf": (lambda: pdf_page("0 0 1000000000 1000000000"), "refuse", "refuse", PDFIUM,
                                  "a page 350 km wide"),
        "pdf_zero_pages.pdf": (lambda: pdf_document([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                     b"<< /Type /Pages /Kids [] /Count 0 >>"]),
                               "refuse", "refuse", PDFIUM, "a page tree with no pages"),
        "pdf_recursive_pages.pdf": (lambda: pdf_document([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                          b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]),
                                    "refuse", "refuse", PDFIUM, "a page tree that contains itself"),
        "pdf_rotated.pdf": (lambda: pdf_page(extra="/Rotate 90 "), "ok", "refuse", PDFIUM, "/Rotate 90"),
        "pdf_junk_before_header.pdf": (lambda: b"MAILER-JUNK " * 40 + pdf_page(), "ok", "refuse", PDFIUM,
                                        "bytes before %PDF-"),
        "pdf_broken_xref.pdf": (lambda: pdf_document([b"<< /Type /Catalog /Pages 2 0 R >>",
                                                      b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                                      b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"],
                                                     break_xref=True),
                                "ok", "refuse", PDFIUM, "every xref offset wrong: rebuilt by the reader"),
        "pdf_flate_bomb.pdf": (lambda: pdf_page(content=b"0 0 1 rg\n" + b" " * (200 << 20) + b"1 1 5 5 re f",
                                                compress=True),
                               "any", "refuse", PDFIUM, "a content stream that inflates to 200 MB"),
        "pdf_many_paths.pdf": (lambda: pdf_page(content=b"0 0 0 RG 0.1 w\n" + b"".join(
            f"{i % 595} {i % 842} m {(i * 7) % 595} {(i * 3) % 842} l S\n".encode() for i in range(30_000)),
            compress=True), "any", "refuse", PDFIUM, "30,000 strokes on one page"),
        # --- DXF ------------------------------------------------------------------------------------
        "dxf_binary_r12.dxf": (lambda: dxf_document(dxf_rooms, "R12", binary=True), "ok", "refuse", EZDXF,
                               "binary DXF, R12 (AutoCAD Binary DXF sentinel)"),
        "dxf_binary_r2000.dxf": (lambda: dxf_document(dxf_rooms, "R2000", binary=True), "ok", "refuse", EZDXF,
                                 "binary DXF, R2000"),
        "dxf_r12_entities_only.dxf": (minimal_r12, "ok", "refuse", EZDXF, "only an ENTITIES section"),
        "dxf_truncated.dxf": (lambda: dxf_document(dxf_rooms)[:3000], "any", "refuse", EZDXF, "cut short"),
        "dxf_minsert_bomb.dxf": (lambda: dxf_document(dxf_minsert_bomb), "refuse", "refuse", EZDXF,
                                 "one MINSERT of 3000x3000 copies"),
        "dxf_nested_blocks.dxf": (lambda: dxf_document(dxf_nested_blocks), "refuse", "refuse", EZDXF,
                                  "blocks inserting blocks, 10^8 lines"),
        "dxf_block_self_insert.dxf": (lambda: dxf_document(dxf_self_insert), "refuse", "refuse", EZDXF,
                                      "a block that inserts itself"),
        "dxf_far_stray_text.dxf": (lambda: dxf_document(dxf_far_stray), "ok", "refuse", EZDXF,
                                   "a text at 10^12, far from the plan"),
        "dxf_dense_hatch.dxf": (lambda: dxf_document(dxf_dense_hatch), "any", "refuse", EZDXF,
                                "a hatch pattern scaled to 10^-6"),
        "dxf_empty_model.dxf": (lambda: dxf_document(lambda doc: None), "refuse", "refuse", EZDXF,
                                "nothing in model space"),
        "dwg_drawing.dwg": (lambda: b"AC1032\x00\x00\x00\x00\x00\x00" + bytes(200), "refuse", "refuse", EZDXF,
                            "a DWG, not a DXF"),
        # --- not plans at all -----------------------------------------------------------------------
        "empty_file.png": (lambda: b"", "refuse", "refuse", PILLOW, "0 bytes"),
        "random_bytes.bin": (lambda: bytes((i * 7919 + 13) % 251 for i in range(4096)), "refuse", "refuse",
                             PILLOW, "no format at all"),
        "text_named_jpeg.jpg": (lambda: "这不是照片\n".encode(), "refuse", "refuse", PILLOW,
                                "text with a photo's name"),
        "html_page.svg": (lambda: b"<!DOCTYPE html><html><body>not a plan</body></html>", "refuse", "refuse",
                          QTSVG, "HTML named .svg"),
        "zip_archive.pdf": (lambda: _zip_bytes(), "refuse", "refuse", PDFIUM, "a ZIP named .pdf"),
        # --- forms (YAML) -------------------------------------------------------------------------
        "forms_billion_laughs.yaml": (yaml_billion_laughs, "refuse", "refuse", PYYAML, "aliases of aliases, 9^9"),
        "forms_python_object.yaml": (lambda: b"area_type: !!python/object/apply:os.system ['echo pwned']\n",
                                     "refuse", "refuse", PYYAML, "a tag that would run a command"),
        "forms_deep_nesting.yaml": (lambda: b"area_type: dormitory\nitems: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
                                    "refuse", "refuse", PYYAML, "20,000 nested lists"),
        "forms_not_utf8.yaml": (lambda: "area_type: 宿舍\n".encode("gb18030"), "refuse", "refuse", PYYAML,
                                "GB18030 text, not UTF-8"),
        "forms_tab_indent.yaml": (lambda: b"area_type: dormitory\nitems:\n\t- a\n", "refuse", "refuse", PYYAML,
                                  "a tab where YAML wants spaces"),
    }


def _interlaced_png() -> bytes:
    # Pillow writes no interlaced PNG; Qt does, but this script stays Qt-free: build one with zlib.
    image = plan_image((64, 48))
    raw = image.tobytes()
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    data = bytearray()
    for x0, y0, dx, dy in passes:
        for y in range(y0, 48, dy):
            row = bytearray([0])
            for x in range(x0, 64, dx):
                row += raw[(y * 64 + x) * 3:(y * 64 + x) * 3 + 3]
            if len(row) > 1:
                data += row
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 48, 8, 2, 0, 0, 1))
    return b"\x89PNG\r\n\x1a\n" + header + png_chunk(b"IDAT", zlib.compress(bytes(data))) + png_chunk(b"IEND", b"")


def _zip_bytes() -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("plan.txt", "not a plan")
    return out.getvalue()


def write_corpus(out: Path) -> list[str]:
    out.mkdir(parents=True, exist_ok=True)
    rows = ["file\tplan\tphoto\tmodelled_on\tnote"]
    for name, (make, plan, photo, origin, note) in cases().items():
        (out / name).write_bytes(make())
        rows.append(f"{name}\t{plan}\t{photo}\t{origin}\t{note}")
    manifest = ("# Hostile and odd files, all made by scripts/make_hostile_corpus.py (CC0: free to copy).\n"
                "# Each reproduces a kind of case from the public test suite named in modelled_on; no file\n"
                "# was copied from it. plan/photo: ok = opens, refuse = one-line message, any = either.\n")
    (out / "MANIFEST.tsv").write_text(manifest + "\n".join(rows) + "\n", encoding="utf-8")
    return list(cases())


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    names = write_corpus(out)
    print(f"{len(names)} files written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
