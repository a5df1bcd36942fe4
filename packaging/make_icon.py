"""Draw the program's icon (a red map pin with a white flame on a plan sheet) and write it as
packaging/icon.png (256 px, for Linux and the README) and packaging/icon.ico (16-256 px, for the
Windows executables and the installer). Both are committed; run this again only to change them.

    python packaging/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
SIZE = 1024  # drawn large, scaled down with antialiasing
ICO_SIZES = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]


def draw() -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    d = ImageDraw.Draw(image)
    # The plan sheet: a pale blue rounded square with a few walls.
    d.rounded_rectangle([64, 64, 960, 960], radius=120, fill="#e8f0f8", outline="#35506b", width=28)
    for wall in ([150, 330, 520, 330], [520, 160, 520, 520], [150, 700, 860, 700], [700, 700, 700, 880]):
        d.line(wall, fill="#7f93a8", width=26)
    # The pin: a circle over a triangle pointing down at the spot.
    cx, cy, r = 560, 430, 250
    d.polygon([(cx - 215, cy + 125), (cx + 215, cy + 125), (cx, cy + 500)], fill="#c62828")
    d.ellipse([cx - r, cy - r, cx + r, cy + r], fill="#c62828")
    # A white flame inside the pin's head.
    d.polygon([(cx, cy - 170), (cx + 110, cy + 10), (cx + 95, cy + 120), (cx - 95, cy + 120),
               (cx - 115, cy + 10), (cx - 45, cy - 60)], fill="white")
    d.ellipse([cx - 112, cy - 40, cx + 112, cy + 165], fill="white")
    d.ellipse([cx - 48, cy + 40, cx + 48, cy + 150], fill="#ff8f00")
    return image


def main() -> None:
    big = draw()
    big.resize((256, 256), Image.Resampling.LANCZOS).save(HERE / "icon.png", optimize=True)
    big.resize((256, 256), Image.Resampling.LANCZOS).save(HERE / "icon.ico", sizes=ICO_SIZES)


if __name__ == "__main__":
    main()
