"""The determination record of a major accident hazard (重大事故隐患判定记录) on A4: what was found, the
rule it was decided under (source, article and item, the text word for word, the rule file with its
edition and hash, and how complete that text is), the questions and their answers, the group decision
(date, everyone who took part, the conclusion), the expert review if one was held, signature lines
for the participants and the person in charge, the issuer's seal, and the hazard's status QR.

Drawn from HazardFacts (no database) in the language current at the call, to the notices' standard:
the program's font embedded, every page numbered "page N of M" with the record's number, which is
the hazard's number and the decision's ordinal (LL1-0041-ZD01): a reprint carries the same number,
and no notice number is taken.
"""

from __future__ import annotations

import datetime as dt
import io

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _
from inspector_app.notices import layout as L
from inspector_app.notices import official_pages
from inspector_app.notices.facts import HazardFacts, MajorFacts
from inspector_app.notices.qr import draw_qr, qr_matrix

LABEL_W = 30 * mm
QR_SIZE = 24 * mm
PAD = 1.5 * mm


def record_title() -> str:
    return _("Major Accident Hazard Determination Record")


def _names(names: tuple[str, ...]) -> str:
    return ("、" if L.is_chinese() else ", ").join(names)


def _answer(value: bool | None) -> str:
    return _("Yes") if value is True else _("No") if value is False else _("Not answered")


def _rows(f: HazardFacts, m: MajorFacts) -> list[tuple[str, str]]:
    chinese = L.is_chinese()
    rule_text = m.text if chinese else _("{gloss}\nOfficial text: {text}").format(gloss=m.gloss, text=m.text)
    source_line = _("Rule file {file}, edition {edition}, SHA-256 {digest}").format(
        file=m.file, edition=m.edition, digest=m.sha256[:16])
    if m.status:
        source_line += "\n" + m.status
    if m.experts or m.votes_for is not None or m.votes_against is not None:
        experts = _("{names}; for {votes_for}, against {votes_against}").format(
            names=_names(m.experts) or "—", votes_for="—" if m.votes_for is None else m.votes_for,
            votes_against="—" if m.votes_against is None else m.votes_against)
    else:
        experts = _("No expert review was held.")
    questions = "\n".join(f"{index}. {question}  {_answer(answer)}"
                          for index, (question, answer) in enumerate(m.answers, start=1)) or "—"
    return [
        (_("Inspected unit"), f.unit),
        (_("Hazard No."), f"{f.number}    " + _("Ledger lookup code {code}").format(code=f.short_code)),
        (_("Location"), f.place or "—"),
        (_("Category"), f.category),
        (_("Findings"), f.description or f.category),
        (_("Found on"), L.long_date(f.found_at)),
        (_("Basis"), f"{m.source}（{m.source_number}）{m.reference}" if chinese
         else f"{m.source} ({m.source_number}), {m.reference}"),
        (_("Text of the rule"), rule_text),
        (_("Rule as applied"), source_line),
        (_("Questions and answers"), questions),
        (_("Group decision"), _("{date}, by {count} people: {names}").format(
            date=L.long_date(m.decided_on) or "—", count=len(m.names), names=_names(m.names))),
        (_("Expert review"), experts),
        (_("Conclusion"), m.conclusion),
        (_("Determination"), _("A major accident hazard under {reference}; under listed supervision until it "
                               "is corrected (deadline {deadline}).").format(
            reference=m.reference, deadline=L.long_date(f.deadline) or "—")),
        (_("Recorded by"), f"{m.recorded_by}    {L.long_date(m.recorded_on)}"),
    ]


class _Signatures(Flowable):
    """A signature line for every participant, then the person in charge, the seal and the date; the
    hazard's status QR at the right, its number and what it is for under it."""

    def __init__(self, f: HazardFacts, names: tuple[str, ...], issued: dt.date) -> None:
        super().__init__()
        self.f, self.names, self.issued = f, names, issued
        self.per_row = 3
        self.width = L.BLOCK_W
        rows = (len(names) + self.per_row - 1) // self.per_row
        self.height = max(rows * 9 * mm + 28 * mm, QR_SIZE + 10 * mm)

    def draw(self) -> None:
        c = self.canv
        c.saveState()
        c.translate(-L.LEFT, self.height - L.PAGE_H)  # the layout helpers measure from the page top
        y = 5 * mm
        L.text(c, L.LEFT, y, _("Participants (signature):"))
        column = (L.BLOCK_W - QR_SIZE - 8 * mm) / self.per_row
        for index, name in enumerate(self.names):
            row, col = divmod(index, self.per_row)
            L.signature_line(c, L.LEFT + col * column, y + 8 * mm + row * 9 * mm, f"{name}:",
                             column - L.text_width(f"{name}:", 10.5) - 4 * mm)
        y += 8 * mm + (len(self.names) + self.per_row - 1) // self.per_row * 9 * mm + 3 * mm
        L.signature_line(c, L.LEFT, y, _("Person in charge (signature):"), 36 * mm)
        L.text(c, L.LEFT, y + 9 * mm, _("{issuer} (seal)").format(issuer=self.f.issuer))
        L.text(c, L.LEFT + 70 * mm, y + 9 * mm, L.long_date(self.issued))
        qr_x = L.RIGHT - QR_SIZE
        draw_qr(c, qr_matrix(self.f.url), qr_x, L.PAGE_H - QR_SIZE, QR_SIZE)
        L.text(c, qr_x + QR_SIZE / 2, QR_SIZE + 4 * mm, self.f.number, size=9, align="center")
        L.text(c, qr_x + QR_SIZE / 2, QR_SIZE + 8 * mm, _("Scan for the current status"), size=7.5, align="center")
        c.restoreState()


def determination_pdf(f: HazardFacts, issued: dt.date) -> bytes:
    """The record of the decision that made ``f`` a major hazard; InspectorError if it is not one."""
    m = f.major
    if m is None:
        raise InspectorError(_("Hazard {number} is not a confirmed major hazard: there is no determination to "
                               "record.").format(number=f.number))
    out = io.BytesIO()
    doc = official_pages.document(out, record_title())
    label, value = L.style(9, align=L.CENTER), L.style(9.5)
    table = Table([[L.para(k, label), L.para(v, value)] for k, v in _rows(f, m)],
                  colWidths=[LABEL_W, L.BLOCK_W - LABEL_W])
    table.setStyle(official_pages.ruled_table(((0, 0), (0, -1)), PAD))  # the label column shaded
    heading = official_pages.RedHeading(record_title(), _("No. {number}").format(number=m.record_number),
                                        title_top=12 * mm, number_top=3 * mm, english_size=17, number_size=10.5)
    story: list[Flowable] = [heading, table, Spacer(1, 4 * mm), _Signatures(f, m.names, issued)]
    furniture = official_pages.running_furniture(
        record_title(), m.record_number, lambda page, pages: f"{m.record_number}    {L.page_of(page, pages)}")
    doc.build(story, canvasmaker=L.numbered_canvas(furniture))
    return out.getvalue()

