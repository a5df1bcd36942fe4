"""The Chinese font travels with the program (issue 22, item 7): with no system font to be found, a
notice is still made, embeds the shipped WenQuanYi Micro Hei subset (and no other font), and its Chinese
extracts as text; with system fonts present, the shipped one is still the one used, so a notice looks
the same on every machine. Run in a fresh interpreter: a process registers its font once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from fontTools.ttLib import TTFont

from inspector_app.notices import fonts
from inspector_app.paths import resource_dir

SHIPPED = resource_dir() / "fonts" / "wqy-microhei-subset.ttf"

NO_SYSTEM_FONTS = """
import json, sys
from inspector_app.notices import fonts
fonts.SYSTEM_FOLDERS = ()  # and WINDIR points at an empty folder: no system font can be found
from inspector_app.cli import main
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.queries import list_hazards
from inspector_app.core.notice_register import today
db, out = sys.argv[1], sys.argv[2]
assert main(["--db", db, "--lang", "zh", "demo"]) == 0
ledger = open_database(sqlite_url(db))
with ledger.session() as session:
    number = next(r.number for r in list_hazards(session, status="open") if r.deadline >= today())
ledger.dispose()
assert main(["--db", db, "notice", number, "--out", out]) == 0
print(json.dumps({"number": number, "font": str(fonts.cjk_font().path),
                  "looked_at": [str(p) for p in fonts.candidate_paths() if p.is_file()]}))
"""


def pdffonts(pdf: Path) -> list[str]:
    listing = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout
    return listing.splitlines()[2:]


def test_the_shipped_font_is_truetype_with_the_characters_notices_need():
    font = TTFont(SHIPPED)
    assert "glyf" in font and "CFF " not in font  # reportlab embeds TrueType outlines only
    cmap = font.getBestCmap()
    needed = ("火灾隐患整改通知书〔〕第号：，。（）《》、；台账检索码回执签收人吕梁市教育局离石区第一中学"
              "堃喆0123456789AZaz-/¥℃")  # 堃 and 喆: in names, in GBK but not in GB2312
    assert [ch for ch in needed if ord(ch) not in cmap] == []
    assert font["name"].getDebugName(6) == "WenQuanYiMicroHei-Subset"
    assert SHIPPED.stat().st_size < 4_000_000


def test_with_no_system_font_a_notice_embeds_the_shipped_one(tmp_path):
    empty = tmp_path / "windows"
    (empty / "Fonts").mkdir(parents=True)
    env = {**os.environ, "WINDIR": str(empty), "INSPECTOR_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop(fonts.ENV_VARIABLE, None)
    out = tmp_path / "notice.pdf"
    done = subprocess.run([sys.executable, "-c", NO_SYSTEM_FONTS, str(tmp_path / "l.sqlite"), str(out)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert Path(found["font"]) == SHIPPED and found["looked_at"] == [str(SHIPPED)]
    rows = pdffonts(out)
    assert rows and all("WenQuanYiMicroHei-Subset" in row and " yes yes " in row for row in rows), rows
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
    assert "火灾隐患整改通知书" in text and "整改期限" in text and found["number"] in text


def test_the_shipped_font_wins_over_the_systems(monkeypatch):
    """Whatever this machine has (Debian's WenQuanYi here), the program prints with its own."""
    overridden = os.environ.get(fonts.ENV_VARIABLE)  # a developer's own choice of font for this process
    monkeypatch.delenv(fonts.ENV_VARIABLE, raising=False)
    assert fonts.candidate_paths()[0] == SHIPPED
    if not overridden:
        assert fonts.cjk_font().path == SHIPPED
