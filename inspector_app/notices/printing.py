"""What the CLI and the desktop program call to print: notices (issued and recorded in the register),
QR label sheets and the PDF ledger, each written to a file. One function per document, each taking
the database, the hazards and a progress callback (return False to cancel), so long batches can run
in a background thread with a progress dialog.

A document speaks its organisation's language (``language=None``), whatever the UI or the process
locale: a notice is an official paper of the bureau, not of the laptop that printed it. A language
given by the caller (``--lang`` on a print command) overrides it for that run. No notice orders the
past: a hazard whose deadline is before the issue date is refused unless a new deadline is given,
and that deadline is recorded in the hazard's history before the notice is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import notice_register, rectification_links
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.forms import Catalogue
from inspector_app.core.hazards import update_hazard
from inspector_app.core.models import Hazard
from inspector_app.core.organisation import (
    FALLBACK_BASE_URL,
    choose_organisation,
    effective_settings,
    settings_for_hazards,
)
from inspector_app.core.workflow import FINAL_STATES
from inspector_app.exports.ledger_table import ledger_lines, review_statement
from inspector_app.i18n import DEFAULT_LANGUAGE, _, use_language
from inspector_app.notices import plan_excerpt
from inspector_app.notices.determination_pdf import determination_pdf
from inspector_app.notices.facts import HazardFacts, gather
from inspector_app.notices.labels import labels_pdf
from inspector_app.notices.ledger_pdf import ledger_pdf
from inspector_app.notices.notice_pdf import Progress, hazard_notices_pdf, report_slips_pdf, unit_notice_pdf
from inspector_app.plans.pdf import PDFIUM_LOCK


class PastDeadlineError(InspectorError):
    """Some hazards' deadlines are before the issue date; ``hazards`` holds (number, deadline)."""

    def __init__(self, message: str, hazards: list[tuple[str, dt.date]]) -> None:
        super().__init__(message)
        self.hazards = hazards


@dataclass(frozen=True)
class Printed:
    out: Path
    pages: int
    numbers: tuple[str, ...] = ()
    pdf_hash: str = ""
    language: str = ""  # the document's, which need not be the screen's: the command line says it too

    def as_json(self) -> dict[str, object]:
        return {"out": str(self.out), "pages": self.pages, "notices": list(self.numbers), "pdf_hash": self.pdf_hash,
                "language": self.language}


def _check_out(out: Path) -> None:
    if not Path(out).parent.is_dir():
        raise InspectorError(_("The folder {folder} does not exist.").format(folder=Path(out).parent))


def hazards_language(session: Session, hazard_ids: Sequence[uuid.UUID], override: str | None = None) -> str:
    """The language of a document about these hazards: the override, else their organisation's
    (inherited from its parents), else Chinese, the program's first language."""
    if override:
        return override
    return settings_for_hazards(session, hazard_ids).settings.language or DEFAULT_LANGUAGE


def ledger_language(session: Session, override: str | None = None) -> str:
    """The language of a ledger of the whole file: the override, else its organisation's."""
    if override:
        return override
    try:
        return effective_settings(session, choose_organisation(session)).language or DEFAULT_LANGUAGE
    except InspectorError:  # no organisation yet, or several: nothing decides, so the first language
        return DEFAULT_LANGUAGE


def past_deadlines(session: Session, hazard_ids: Sequence[uuid.UUID], issued: dt.date) -> list[tuple[str, dt.date]]:
    """(number, deadline) of the hazards whose deadline falls before the issue date, in number order."""
    rows = session.execute(select(Hazard.number, Hazard.deadline).where(
        Hazard.id.in_(list(hazard_ids)), Hazard.deadline < issued).order_by(Hazard.number)).all()
    return [(number, deadline) for number, deadline in rows if deadline is not None]


def _move_past_deadlines(session: Session, hazard_ids: Sequence[uuid.UUID], issued: dt.date,
                         new_deadline: dt.date | None, actor: str) -> None:
    """Refuse a notice that would order the past, or first record the new deadline in each history."""
    past = past_deadlines(session, hazard_ids, issued)
    if not past:
        return
    listed = ", ".join(f"{number} ({deadline.isoformat()})" for number, deadline in past)
    if new_deadline is None:
        raise PastDeadlineError(_(
            "A notice issued on {today} cannot order these hazards corrected by a date already past: {hazards}. "
            "Give a new deadline (--deadline YYYY-MM-DD).").format(today=issued.isoformat(), hazards=listed), past)
    if new_deadline < issued:
        raise InspectorError(_("The new deadline {date} is before the issue date {today}.").format(
            date=new_deadline.isoformat(), today=issued.isoformat()))
    past_numbers = {number for number, _deadline in past}
    for hazard in session.scalars(select(Hazard).where(Hazard.id.in_(list(hazard_ids)))):
        if hazard.number in past_numbers:
            update_hazard(session, hazard, actor, note=_("New deadline set when the notice was issued"),
                          deadline=new_deadline)
    session.flush()


def print_notices(db: Database, catalogue: Catalogue, hazard_ids: Sequence[uuid.UUID], out: Path, *,
                  per_unit: bool = False, language: str | None = None, actor: str, base_url: str, prefix: str = "",
                  deadline: dt.date | None = None, progress: Progress | None = None) -> Printed:
    """Issue notices for the hazards and write them as one PDF; numbers and events are recorded.

    ``deadline`` replaces the deadlines already past on the issue date (PastDeadlineError without it);
    ``language`` None: the organisation's."""
    _check_out(out)
    if not hazard_ids:
        raise InspectorError(_("Name at least one hazard."))
    today = notice_register.today()
    ids = list(dict.fromkeys(hazard_ids))
    with db.session() as session:
        language = hazards_language(session, ids, language)
    with use_language(language), db.session() as session:
        facts = gather(session, catalogue, db.store, ids, base_url, today)
        final = [f.number for f in facts if f.status_code in FINAL_STATES]
        if final:
            raise InspectorError(_("No notice for hazards that are closed or withdrawn: {numbers}.").format(
                numbers=", ".join(final)))
        if past_deadlines(session, ids, today):
            _move_past_deadlines(session, ids, today, deadline, actor)
            facts = gather(session, catalogue, db.store, ids, base_url, today)
        prefix = prefix or facts[0].notice_prefix
        # Each hazard's unit gets a new private link on a slip of its own (the one before ends); not when
        # the codes can only point at this laptop itself (no address set: no phone could reach it).
        slips = {} if base_url.rstrip("/") == FALLBACK_BASE_URL else {
            f.id: rectification_links.report_url(base_url, rectification_links.issue(session, f.id, actor))
            for f in facts}
        if per_unit:
            by_unit: dict[uuid.UUID, list[HazardFacts]] = {}
            for f in facts:
                by_unit.setdefault(f.site_id, []).append(f)
            units = list(by_unit.values())

            def render(notices: list[notice_register.IssuedNotice]) -> bytes:
                # Several units make several documents; one file keeps them together for printing.
                parts = [[unit_notice_pdf(u, n.number, today)] + ([report_slips_pdf(u, n.number, slips, today)]
                                                                   if slips else [])
                         for u, n in zip(units, notices, strict=True)]
                return _concatenate([part for unit_parts in parts for part in unit_parts])

            groups = [[f.id for f in unit] for unit in units]
        else:
            def render(notices: list[notice_register.IssuedNotice]) -> bytes:
                return hazard_notices_pdf(list(zip(facts, [n.number for n in notices], strict=True)), today, progress,
                                          slips)

            groups = [[f.id] for f in facts]
        try:
            notices, digest = notice_register.issue(
                session, groups, prefix=prefix, kind="per_unit" if per_unit else "per_hazard", language=language,
                actor=actor, render=render, out=out)
        finally:
            plan_excerpt.clear_cache()  # the plans drawn from are closed when the batch is done
    return Printed(out, _page_count(out), tuple(n.number for n in notices), digest, language)


def print_determination(db: Database, catalogue: Catalogue, hazard_id: uuid.UUID, out: Path, *,
                        language: str | None = None, base_url: str) -> Printed:
    """The determination record of a confirmed major hazard (notices/determination_pdf.py), in its
    organisation's language. Nothing is recorded: the decision is in the history already, and a reprint
    is the same record under the same number."""
    _check_out(out)
    today = notice_register.today()
    with db.session() as session:
        language = hazards_language(session, [hazard_id], language)
    with use_language(language), db.session() as session:
        facts = gather(session, catalogue, db.store, [hazard_id], base_url, today)[0]
        pdf = determination_pdf(facts, today)
    notice_register.write_atomically(out, pdf)
    return Printed(out, _page_count(out), (facts.major.record_number,) if facts.major else (), language=language)


def print_labels(db: Database, catalogue: Catalogue, hazard_ids: Sequence[uuid.UUID], out: Path, *,
                 grid: tuple[int, int] = (3, 8), language: str | None = None, base_url: str,
                 progress: Progress | None = None) -> Printed:
    _check_out(out)
    ids = list(dict.fromkeys(hazard_ids))
    with db.session() as session:
        language = hazards_language(session, ids, language)
    with use_language(language), db.session() as session:
        facts = gather(session, catalogue, db.store, ids, base_url, notice_register.today())
        pdf = labels_pdf(facts, grid, progress)
    notice_register.write_atomically(out, pdf)
    return Printed(out, _page_count(out), language=language)


def print_ledger(db: Database, catalogue: Catalogue, hazard_ids: Sequence[uuid.UUID] | None, out: Path, *, unit: str,
                 language: str | None = None) -> Printed:
    _check_out(out)
    today = notice_register.today()
    with db.session() as session:
        chosen: str | None = language
        # A selection speaks its organisation's language, the whole file its top organisation's (or, for
        # hazards of organisations that print to different addresses, that too).
        with contextlib.suppress(InspectorError):
            chosen = hazards_language(session, hazard_ids, language) if hazard_ids else language
        language = chosen or ledger_language(session, language)
    with use_language(language), db.session() as session:
        lines = ledger_lines(session, catalogue, hazard_ids, today, db.store)
        pdf = ledger_pdf(lines, unit, today, review_statement(session, hazard_ids))
    notice_register.write_atomically(out, pdf)
    return Printed(out, _page_count(out), language=language)


def _concatenate(pdfs: list[bytes]) -> bytes:
    # Every document is closed here, not left to the collector: one still open at exit makes pypdfium2
    # print "The following object was still open and will be closed now".
    with PDFIUM_LOCK, contextlib.ExitStack() as opened:  # PDFium is not thread-safe, even across documents
        merged = pypdfium2.PdfDocument.new()
        opened.callback(merged.close)
        for data in pdfs:
            part = pypdfium2.PdfDocument(data)
            opened.callback(part.close)
            merged.import_pages(part)
        buffer = io.BytesIO()
        merged.save(buffer)
        return buffer.getvalue()


def _page_count(path: Path) -> int:
    with PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(str(path))
        try:
            return len(document)
        finally:
            document.close()
