"""The bureau overview's HTML (web/bureau): the sign-in form and the overview, server-rendered, one inline
style allowed by its hash and nothing from outside (no script, no font, no image file), readable on a
phone (tables scroll sideways inside their card) and on a desk."""

from __future__ import annotations

import base64
import hashlib
from html import escape

from inspector_app.core.overview import OrganisationOverview, Overview, SchoolLine
from inspector_app.core.supervision_rules import level_label
from inspector_app.i18n import _, use_language

STYLE = """
*{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",
"Noto Sans CJK SC",sans-serif;color:#1f1f1f;background:#f3f3f3}
main{max-width:1100px;margin:0 auto;padding:12px}
header{display:flex;flex-wrap:wrap;align-items:center;gap:8px;justify-content:space-between;margin-bottom:8px}
h1{font-size:20px;margin:0}h2{font-size:17px;margin:0 0 8px}h3{font-size:15px;margin:12px 0 6px;color:#444}
.who{color:#555;font-size:14px}
.card{background:#fff;border-radius:10px;padding:14px;margin-bottom:12px;box-shadow:0 1px 3px #0002}
.figures{display:flex;flex-wrap:wrap;gap:8px;margin-bottom:8px}
.figure{flex:1 1 90px;background:#f7f7f7;border-radius:8px;padding:8px 10px}
.figure b{display:block;font-size:24px}.figure span{color:#555;font-size:13px}
.late b{color:#c62828}.sup b{color:#e65100}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;min-width:560px}
th,td{padding:6px 8px;border-bottom:1px solid #e5e5e5;text-align:right;white-space:nowrap}
th:first-child,td:first-child{text-align:left;white-space:normal}
th{font-size:13px;color:#555;font-weight:600}tr.total td{font-weight:700;border-top:2px solid #999}
ul{margin:0;padding-left:20px}li{margin:3px 0}a{color:#1565c0}
.lvl2{color:#e65100;font-weight:700;white-space:nowrap}
.lvl3{color:#fff;background:#c62828;padding:0 .35em;border-radius:3px;white-space:nowrap}
form.inline{display:inline}button{font:inherit;padding:6px 14px;border-radius:6px;border:1px solid #999;
background:#fff}button.primary{background:#1565c0;color:#fff;border-color:#1565c0}
input{font:inherit;width:100%;padding:8px;border:1px solid #999;border-radius:6px;margin:6px 0 12px}
.error{color:#c62828}.lang{font-size:14px}footer{color:#777;font-size:13px;text-align:center;margin-top:12px}
svg{vertical-align:middle}.d{white-space:nowrap}
""".replace("\n", "")
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CSP = (f"default-src 'none'; style-src '{STYLE_HASH}'; img-src 'self'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


def _page(language: str, title: str, body: str) -> bytes:
    lang = "zh-CN" if language.startswith("zh") else "en"
    other, label = ("en", "English") if language.startswith("zh") else ("zh", "中文")
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<meta name="referrer" content="no-referrer"><title>{escape(title)}</title><style>{STYLE}</style>'
            f'</head><body><main>{body}<footer><a class="lang" href="?lang={other}">{label}</a> · '
            f"{escape(_('Fire-Risk Inspector · bureau overview'))}</footer></main></body></html>").encode()


def sign_in_page(language: str, failed: bool = False) -> bytes:
    with use_language(language):
        error = f'<p class="error">{escape(_("That token is unknown, revoked or not an administrator's."))}</p>' \
            if failed else ""
        body = (f'<section class="card"><h1>{escape(_("Bureau overview"))}</h1>'
                f"<p>{escape(_('Sign in with your administrator token.'))}</p>{error}"
                f'<form method="post" action="login"><label for="token">{escape(_("Token"))}</label>'
                '<input id="token" name="token" type="password" autocomplete="off" required>'
                f'<button class="primary" type="submit">{escape(_("Sign in"))}</button></form></section>')
        return _page(language, _("Bureau overview"), body)


def sparkline(points: list[tuple[int, int]], width: int = 96, height: int = 26) -> str:
    """Open (grey) and overdue (red) over the weeks, as an inline SVG (no file, no script)."""
    top = max([1, *(max(p) for p in points)])
    step = width / max(1, len(points) - 1)

    def path(values: list[int]) -> str:
        return " ".join(f"{i * step:.1f},{height - 2 - v / top * (height - 4):.1f}" for i, v in enumerate(values))

    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img">'
            f'<polyline fill="none" stroke="#757575" stroke-width="1.6" points="{path([p[0] for p in points])}"/>'
            f'<polyline fill="none" stroke="#c62828" stroke-width="1.6" points="{path([p[1] for p in points])}"/>'
            "</svg>")


def _row(line: SchoolLine, css: str = "") -> str:
    figures = line.group.figures
    trend = " → ".join(str(open_) for open_, _late in line.trend)
    return (f'<tr class="{css}"><td>{escape(line.group.name)}</td><td data-k="open">{line.open}</td>'
            f'<td data-k="overdue">{figures.overdue}</td><td data-k="supervised">{line.supervised}</td>'
            f'<td data-k="major_open">{figures.major_open}</td><td data-k="total">{figures.total}</td>'
            f'<td title="{escape(trend)}">{sparkline(line.trend)}</td></tr>')


def _organisation(part: OrganisationOverview, overview: Overview) -> str:
    totals = part.totals
    cards = "".join(f'<div class="figure {css}"><b data-k="{key}">{value}</b><span>{escape(label)}</span></div>'
                    for key, value, label, css in (
                        ("open", totals.open, _("open"), ""),
                        ("overdue", totals.group.figures.overdue, _("overdue"), "late"),
                        ("supervised", totals.supervised, _("supervised"), "sup")))
    heads = (_("School"), _("Open"), _("Overdue"), _("Supervised"), _("Major open"), _("All"),
             _("{weeks} weeks").format(weeks=len(overview.weeks)))
    table = ("<div class=\"scroll\"><table><thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in heads)
             + "</tr></thead><tbody>" + "".join(_row(line) for line in part.schools)
             + _row(totals, "total").replace(f"<td>{escape(totals.group.name)}</td>", f"<td>{escape(_('Total'))}</td>")
             + "</tbody></table></div>")
    items = "".join(
        f'<li><a href="/h/{escape(h.token)}">{escape(h.number)}</a> {escape(h.school)} · '
        f'<span class="lvl{h.level}">{escape(level_label(h.level))}</span>'
        f"""{' · <span class="d">' + escape(h.deadline.isoformat()) + '</span>' if h.deadline else ''}</li>"""
        for h in part.supervised)
    supervised = (f"<h3>{escape(_('Hazards under supervision'))} ({len(part.supervised)})</h3>"
                  + (f"<ul>{items}</ul>" if items else f"<p>{escape(_('None.'))}</p>"))
    download = (f'<p><a href="rollup.xlsx?organisation={part.organisation.id}">'
                f"{escape(_('Download the roll-up (XLSX)'))}</a></p>")
    return (f'<section class="card" data-organisation="{part.organisation.id}"><h2>'
            f"{escape(part.organisation.name)}</h2><div class=\"figures\">{cards}</div>{table}{supervised}"
            f"{download}</section>")


def trend_note() -> str:
    return _("Trend: open (grey) and overdue (red) at the end of each week: {weeks}.")


def overview_page(overview: Overview, who: str, language: str) -> bytes:
    with use_language(language):
        weeks = ", ".join(day.isoformat() for day in overview.weeks)
        body = (f'<header><h1>{escape(_("Bureau overview"))}</h1><span class="who">'
                f"{escape(_('{name}, {date}').format(name=who, date=overview.today.isoformat()))} "
                f'<form class="inline" method="post" action="logout"><button type="submit">'
                f"{escape(_('Sign out'))}</button></form></span></header>"
                + "".join(_organisation(part, overview) for part in overview.organisations)
                + f'<p class="who">{escape(trend_note().format(weeks=weeks))}</p>')
        return _page(language, _("Bureau overview"), body)

