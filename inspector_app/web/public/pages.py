"""Server-rendered HTML of the status page: one small stylesheet (allowed by its hash in the CSP),
no scripts, no external assets, readable on a 360-px phone in WeChat's browser. Every value from
the ledger is escaped."""

from __future__ import annotations

import base64
import hashlib
from html import escape

from inspector_app.core.supervision_rules import level_label
from inspector_app.core.workflow import STATUS_COLOURS, status_label
from inspector_app.i18n import N_, _, ngettext, use_language
from inspector_app.web.public.status import PublicStatus, Superseded

STYLE = """
*{box-sizing:border-box}body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Microsoft YaHei",
"Noto Sans CJK SC",sans-serif;color:#1f1f1f;background:#f3f3f3}
main{max-width:560px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;padding:16px;margin-bottom:12px;box-shadow:0 1px 3px #0002}
.status{color:#fff;border-radius:12px;padding:18px 16px;margin-bottom:12px}
.status b{display:block;font-size:26px;line-height:1.2}
.status span{font-size:15px;opacity:.95}
h1{font-size:15px;font-weight:600;margin:0 0 4px;color:#555}
dl{margin:0;display:grid;grid-template-columns:max-content 1fr;gap:6px 12px}
dt{color:#666}dd{margin:0;font-weight:500;overflow-wrap:anywhere}
.overdue{color:#b71c1c;font-weight:700}.sv1{color:#1565c0}.sv2{color:#e65100;font-weight:700}
.sv3{color:#fff;background:#c62828;padding:0 .4em;border-radius:3px;font-weight:700}
ol{margin:0;padding-left:20px}li{margin:4px 0}
.lang{text-align:right;font-size:14px;margin:0 0 8px}.lang a{color:#1565c0;margin-left:12px}
footer{color:#777;font-size:13px;text-align:center;margin-top:16px}
""".replace("\n", "") + "".join(f".s-{status}{{background:{colour}}}" for status, colour in STATUS_COLOURS.items())
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CSP = (f"default-src 'none'; style-src '{STYLE_HASH}'; img-src 'self'; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")

EVENT_LABELS = {
    "created": N_("Hazard recorded"),
    "notice_issued": N_("Rectification notice issued"),
    "rectification_started": N_("Rectification started"),
    "rectification_reported": N_("Reported fixed, awaiting re-inspection"),
    "reinspection_passed": N_("Re-inspection passed, closed"),
    "reinspection_failed": N_("Re-inspection failed, back to rectification"),
    "fixed_on_spot": N_("Fixed on the spot, closed"),
}


def _page(language: str, title: str, body: str, switch_path: str | None) -> bytes:
    return render_page(language, title, body, switch_path, STYLE, _("Fire-Risk Inspector · hazard status"))


def render_page(language: str, title: str, body: str, switch_path: str | None, style: str, footer: str) -> bytes:
    """A whole page: ``style`` must be the one its Content-Security-Policy allows by hash."""
    lang_attr = "zh-CN" if language.startswith("zh") else "en"
    switch = ""
    if switch_path is not None:
        other, label = ("en", "English") if language.startswith("zh") else ("zh", "中文")
        switch = f'<p class="lang"><a href="{escape(switch_path)}?lang={other}">{label}</a></p>'
    html = (f'<!doctype html><html lang="{lang_attr}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<meta name="referrer" content="no-referrer"><title>{escape(title)}</title>'
            f"<style>{style}</style></head><body><main>{switch}{body}"
            f"<footer>{escape(footer)}</footer></main></body></html>")
    return html.encode("utf-8")


def status_page(view: PublicStatus, language: str, path: str) -> bytes:
    with use_language(language):
        if view.overdue_days:
            when = ngettext("Overdue by {days} day (deadline {date})", "Overdue by {days} days (deadline {date})",
                            view.overdue_days).format(days=view.overdue_days,
                                                                         date=view.deadline.isoformat()
                                                                         if view.deadline else "")
        elif view.deadline and view.status in ("open", "in_progress"):
            when = _("To be fixed by {date}").format(date=view.deadline.isoformat())
        else:
            when = ""
        category = view.category_zh if language.startswith("zh") else view.category_en
        place = " / ".join(p for p in (view.site, view.building, view.floor, view.room) if p)
        rows = [
            (_("Hazard number"), escape(view.number)),
            (_("Location"), escape(place)),
            (_("Category"), escape(category)),
            (_("Level"), escape(_("Major hazard") if view.severity == "major" else _("General hazard"))),
        ]
        if view.listed_supervision:  # a confirmed major hazard: said plainly until it is fixed
            rows[-1] = (_("Level"), '<span class="overdue">' + escape(
                _("Major accident hazard · under listed supervision until fixed")) + "</span>")
        if view.deadline:
            deadline = escape(view.deadline.isoformat())
            rows.append((_("Deadline"), f'<span class="overdue">{deadline}</span>' if view.overdue_days
                         else deadline))
        if view.supervision_level:
            rows.append((_("Supervision"), f'<span class="sv{view.supervision_level}">'
                         f"{escape(level_label(view.supervision_level))}</span>"))
        if view.fixed_on_spot:
            rows.append((_("Fixed on the spot"), escape(_("Yes"))))
        if view.responsible_person:
            rows.append((_("Responsible person"), escape(view.responsible_person)))
        rows.append((_("Last update"), escape(view.updated.isoformat())))
        facts = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
        history = "".join(f"<li>{escape(h.date.isoformat())} · {escape(_(EVENT_LABELS.get(h.kind, h.kind)))}</li>"
                          for h in view.history)
        body = (f'<section class="status s-{escape(view.status)}"><b>{escape(status_label(view.status))}</b>'
                f"<span>{escape(when)}</span></section>"
                f'<section class="card"><h1>{escape(_("The hazard"))}</h1><dl>{facts}</dl></section>'
                f'<section class="card"><h1>{escape(_("Rectification record"))}</h1><ol>{history}</ol></section>')
        return _page(language, _("Hazard {number}: {status}").format(number=view.number,
                                                                     status=status_label(view.status)), body, path)


def superseded_page(old: Superseded, language: str, path: str) -> bytes:
    with use_language(language):
        text = _("A newer notice was posted for hazard {number}. Scan the QR code on the newest notice.")
        body = (f'<section class="card"><h1>{escape(_("This notice was superseded"))}</h1>'
                f"<p>{escape(text.format(number=old.number))}</p></section>")
        return _page(language, _("Notice superseded"), body, path)


def not_found_page(language: str) -> bytes:
    """One answer for a mistyped code, an unknown one and a withdrawn notice (which must not be told
    apart: nobody may probe which codes exist), so it blames no one and says whom to ask."""
    with use_language(language):
        body = (f'<section class="card"><h1>{escape(_("No status to show for this code"))}</h1>'
                f"<p>{escape(_('There is no hazard status under this code. The notice may have been withdrawn, or '
                               'the code was not read in full: scan the QR code again.'))}</p>"
                f"<p>{escape(_('If you hold a posted notice, ask the unit that issued it, whose name and seal are '
                               'on the notice.'))}</p>"
                "</section>")
        return _page(language, _("No status for this code"), body, None)
