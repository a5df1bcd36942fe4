"""HTML of the responsible unit's report page (web/public/report.py): the hazard as the inspector
recorded it, with the before-photos so the same spot can be photographed again, what the unit sent
so far and what the inspector answered, and three forms (report the fix, ask for more time,
dispute). No script: plain forms that work in WeChat's browser and any other; the one stylesheet
is allowed by its hash. Every value from the ledger or the visitor is escaped."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from html import escape

from inspector_app.core.unit_reports import DISPUTE, EXTENSION, MAX_PHOTOS, REPORT
from inspector_app.core.workflow import status_label
from inspector_app.i18n import _, ngettext, use_language
from inspector_app.web.public import pages
from inspector_app.web.public.status import PublicStatus

STYLE = pages.STYLE + """
form{margin:0}label{display:block;margin:10px 0 4px;color:#444;font-weight:500}
input[type=text],input[type=tel],input[type=date],textarea{width:100%;font:inherit;padding:10px;border:1px solid #bbb;
border-radius:8px;background:#fff}textarea{min-height:96px}
input[type=file]{width:100%;padding:10px 0}
button{margin-top:14px;width:100%;font:inherit;font-weight:600;padding:12px;border:0;border-radius:8px;
background:#1565c0;color:#fff}
.photos{display:flex;flex-wrap:wrap;gap:8px}.photos img{width:48%;border-radius:8px;border:1px solid #ddd}
.note{color:#555;font-size:14px}.error{background:#ffebee;color:#b71c1c;border-radius:8px;padding:10px 12px}
.sent{background:#e8f5e9;color:#1b5e20;border-radius:8px;padding:10px 12px}
details summary{font-weight:600;cursor:pointer;padding:4px 0}
.answer{border-left:4px solid #b71c1c;padding-left:10px}
""".replace("\n", "")
STYLE_HASH = "sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
# The form posts to this server only; photos come from it only.
CSP = (f"default-src 'none'; style-src '{STYLE_HASH}'; img-src 'self'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


@dataclass(frozen=True)
class SentEntry:
    """A line of what happened since the notice, as the unit should see it."""

    when: dt.date
    text: str
    note: str = ""
    answer: bool = False  # the inspector's (a refusal reason is shown in red)


@dataclass
class ReportView:
    facts: PublicStatus
    description: str
    before_photos: list[str]  # photo addresses under the link
    entries: list[SentEntry] = field(default_factory=list)
    can_report: bool = True


@dataclass(frozen=True)
class Filled:
    """What the visitor typed, kept when a form is refused, so nothing has to be typed twice."""

    kind: str = ""
    text: str = ""
    name: str = ""
    role: str = ""
    phone: str = ""
    wanted: str = ""


def report_page(view: ReportView, language: str, path: str, *, error: str = "", sent: str = "",
                filled: Filled | None = None) -> bytes:
    with use_language(language):
        facts = view.facts
        filled = filled or Filled()
        category = facts.category_zh if language.startswith("zh") else facts.category_en
        place = " / ".join(p for p in (facts.site, facts.building, facts.floor, facts.room) if p)
        rows = [(_("Hazard number"), escape(facts.number)), (_("Location"), escape(place)),
                (_("Category"), escape(category))]
        if view.description:
            rows.append((_("Description"), escape(view.description)))
        if facts.deadline:
            deadline = escape(facts.deadline.isoformat())
            if facts.overdue_days:
                deadline = f'<span class="overdue">{deadline} · ' + escape(ngettext(
                    "overdue by {days} day", "overdue by {days} days", facts.overdue_days).format(
                    days=facts.overdue_days)) + "</span>"
            rows.append((_("Deadline"), deadline))
        rows.append((_("Status"), escape(status_label(facts.status))))
        table = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
        parts = [f'<section class="card"><h1>{escape(_("Rectification report for the responsible unit"))}</h1>'
                 f'<p class="note">{escape(_("This page is private to your unit: whoever has the slip with its QR "
                                             "code can report here. Do not post the slip."))}</p></section>']
        if sent:
            parts.append(f'<p class="sent">{escape(sent)}</p>')
        if error:
            parts.append(f'<p class="error">{escape(error)}</p>')
        parts.append(f'<section class="card"><h1>{escape(_("The hazard"))}</h1><dl>{table}</dl></section>')
        if view.before_photos:
            images = "".join(f'<img src="{escape(src)}" alt="{escape(_("Photo by the inspector"))}">'
                             for src in view.before_photos)
            parts.append(f'<section class="card"><h1>{escape(_("The inspector's photos"))}</h1>'
                         f'<p class="note">{escape(_("Take your after-photos from the same spot."))}</p>'
                         f'<div class="photos">{images}</div></section>')
        if view.entries:
            lines = "".join(
                f'<li{" class=answer" if e.answer else ""}>{escape(e.when.isoformat())} · {escape(e.text)}'
                + (f"<br>{escape(e.note)}" if e.note else "") + "</li>" for e in view.entries)
            parts.append(f'<section class="card"><h1>{escape(_("What happened since"))}</h1><ol>{lines}</ol>'
                         "</section>")
        if view.can_report:
            parts.append(_forms(filled))
        else:
            parts.append(f'<section class="card"><p>{escape(_("The rectification was reported and waits for the "
                                                               "inspector's re-inspection. You will see the "
                                                               "result here."))}</p></section>')
        title = _("Report the rectification of hazard {number}").format(number=facts.number)
        return pages.render_page(language, title, "".join(parts), path, STYLE,
                                 _("Fire-Risk Inspector · rectification report"))


def _who(filled: Filled) -> str:
    return (f'<label for="name-{{k}}">{escape(_("Your name"))}</label>'
            f'<input type="text" id="name-{{k}}" name="name" maxlength="40" required value="{escape(filled.name)}">'
            f'<label for="role-{{k}}">{escape(_("Your unit and role (e.g. logistics office, head)"))}</label>'
            f'<input type="text" id="role-{{k}}" name="role" maxlength="40" value="{escape(filled.role)}">'
            f'<label for="phone-{{k}}">{escape(_("Phone number (optional, only the inspector sees it)"))}</label>'
            f'<input type="tel" id="phone-{{k}}" name="phone" maxlength="20" value="{escape(filled.phone)}">')


def _forms(filled: Filled) -> str:
    def text_of(kind: str) -> str:
        return escape(filled.text) if filled.kind == kind else ""

    who = _who(filled)
    report = (f'<section class="card"><h1>{escape(_("Report the rectification"))}</h1>'
              '<form method="post" enctype="multipart/form-data">'
              f'<input type="hidden" name="kind" value="{REPORT}">'
              f'<label for="text-r">{escape(_("What was done"))}</label>'
              f'<textarea id="text-r" name="text" maxlength="2000" required>{text_of(REPORT)}</textarea>'
              f'<label for="photos-r">{escape(ngettext("After-photos (up to {count})", "After-photos (up to {count})", MAX_PHOTOS).format(count=MAX_PHOTOS))}</label>'  # noqa: E501
              '<input type="file" id="photos-r" name="photos" accept="image/*" multiple required>'
              + who.replace("{k}", "r") +
              f'<button type="submit">{escape(_("Send the report"))}</button></form></section>')
    extension = (f'<section class="card"><details{" open" if filled.kind == EXTENSION else ""}>'
                 f'<summary>{escape(_("Ask for more time (extension)"))}</summary>'
                 '<form method="post" enctype="multipart/form-data">'
                 f'<input type="hidden" name="kind" value="{EXTENSION}">'
                 f'<label for="text-e">{escape(_("Why more time is needed"))}</label>'
                 f'<textarea id="text-e" name="text" maxlength="2000" required>{text_of(EXTENSION)}</textarea>'
                 f'<label for="wanted-e">{escape(_("New deadline you ask for"))}</label>'
                 f'<input type="date" id="wanted-e" name="wanted" value="{escape(filled.wanted)}">'
                 + who.replace("{k}", "e") +
                 f'<button type="submit">{escape(_("Send the request"))}</button></form></details></section>')
    dispute = (f'<section class="card"><details{" open" if filled.kind == DISPUTE else ""}>'
               f'<summary>{escape(_("Dispute this hazard"))}</summary>'
               '<form method="post" enctype="multipart/form-data">'
               f'<input type="hidden" name="kind" value="{DISPUTE}">'
               f'<label for="text-d">{escape(_("Why you disagree"))}</label>'
               f'<textarea id="text-d" name="text" maxlength="2000" required>{text_of(DISPUTE)}</textarea>'
               + who.replace("{k}", "d") +
               f'<button type="submit">{escape(_("Send the dispute"))}</button></form></details></section>')
    return report + extension + dispute


def link_not_found_page(language: str) -> bytes:
    """One answer for a link that ended (the hazard closed, a newer notice), one never issued and one
    mistyped: nobody may probe which links exist."""
    with use_language(language):
        body = (f'<section class="card"><h1>{escape(_("This link is not in use"))}</h1>'
                f"<p>{escape(_('Nothing can be reported through this link. The hazard may be closed, or a newer '
                               'notice gave your unit a new slip: use the QR code on the newest slip.'))}</p>"
                f"<p>{escape(_('For questions, ask the unit that issued the notice.'))}</p></section>")
        return pages.render_page(language, _("Link not in use"), body, None, STYLE,
                                 _("Fire-Risk Inspector · rectification report"))
