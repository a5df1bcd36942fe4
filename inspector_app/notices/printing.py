"""What the CLI and the desktop program call to print: notices (issued and recorded in the register),
QR label sheets and the PDF ledger, each written to a file. One function per document, each taking
the database, the hazards and a progress callback (return False to cancel), so long batches can run
in a background thread with a progress dialog.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2

from inspector_app.core import dates, notice_register
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.forms import Catalogue
from inspector_app.core.workflow import FINAL_STATES
from inspector_app.exports.ledger_table import ledger_lines
from inspector_app.i18n import _, use_language
from inspector_app.notices.facts import HazardFacts, gather
from inspector_app.notices.labels import labels_pdf
from inspector_app.notices.ledger_pdf import ledger_pdf
from inspector_app.notices.notice_pdf import Progress, hazard_notices_pdf, unit_notice_pdf
from inspector_app.plans.pdf import PDFIUM_LOCK


@dataclass(frozen=True)
class Printed:
    out: Path
    pages: int
    numbers: tuple[str, ...] = ()
    pdf_hash: str = ""

    def as_json(self) -> dict[str, object]:
        return {"out": str(self.out), "pages": self.pages, "notices": list(self.numbers), "pdf_hash": self.pdf_hash}


def _check_out(out: Path) -> None:
    if not Path(out).parent.is_dir():
        raise InspectorError(_("The folder {folder} does not exist.").format(folder=Path(out).parent))


def print_notices(db: Database, catalogue: Catalogue, hazard_ids: Sequence[uuid.UUID], out: Path, *,
                  per_unit: bool = False, language: str = "zh_CN", actor: str, base_url: str, prefix: str = "",
                  progress: Progress | None = None) -> Printed:
    """Issue notices for the hazards and write them as one PDF; numbers and events are recorded."""
    _check_out(out)
    if not hazard_ids:
        raise InspectorError(_("Name at least one hazard."))
    today = dates.today()
    with use_language(language), db.session() as session:
        facts = gather(session, catalogue, db.store, list(dict.fromkeys(hazard_ids)), base_url, today)
        final = [f.number for f in facts if f.status_code in FINAL_STATES]
        if final:
            raise InspectorError(_("No notice for hazards that are closed or withdrawn: {numbers}.").format(
                numbers=", ".join(final)))
        prefix = prefix or facts[0].notice_prefix
        if per_unit:
            by_unit: dict[uuid.UUID, list[HazardFacts]] = {}
            for f in facts:
                by_unit.setdefault(f.site_id, []).append(f)
            units = list(by_unit.values())

            def render(notices: list[notice_register.IssuedNotice]) -> bytes:
                # Several units make several documents; one file keeps them together for printing.
                if len(units) == 1:
                    return unit_notice_pdf(units[0], notices[0].number, today)
                return _concatenate([unit_notice_pdf(u, n.number, today) for u, n in zip(units, notices, strict=True)])

            groups = [[f.id for f in unit] for unit in units]
        else:
            def render(notices: list[notice_register.IssuedNotice]) -> bytes:
                return hazard_notices_pdf(list(zip(facts, [n.number for n in notices], strict=True)), today, progress)

            groups = [[f.id] for f in facts]
        notices, digest = notice_register.issue(
            session, groups, prefix=prefix, kind="per_unit" if per_unit else "per_hazard", language=language,
            actor=actor, render=render, out=out)
    return Printed(out, _page_count(out), tuple(n.number for n in notices), digest)


def print_labels(db: Database, catalogue: Catalogue, hazard_ids: Sequence[uuid.UUID], out: Path, *,
                 grid: tuple[int, int] = (3, 8), language: str = "zh_CN", base_url: str,
                 progress: Progress | None = None) -> Printed:
    _check_out(out)
    with use_language(language), db.session() as session:
        facts = gather(session, catalogue, db.store, list(dict.fromkeys(hazard_ids)), base_url)
        pdf = labels_pdf(facts, grid, progress)
    notice_register.write_atomically(out, pdf)
    return Printed(out, _page_count(out))


def print_ledger(db: Database, catalogue: Catalogue, hazard_ids: Sequence[uuid.UUID] | None, out: Path, *, unit: str,
                 language: str = "zh_CN") -> Printed:
    _check_out(out)
    with use_language(language), db.session() as session:
        lines = ledger_lines(session, catalogue, hazard_ids)
        pdf = ledger_pdf(lines, unit)
    notice_register.write_atomically(out, pdf)
    return Printed(out, _page_count(out))


def _concatenate(pdfs: list[bytes]) -> bytes:
    with PDFIUM_LOCK:  # PDFium is not thread-safe, even across documents
        merged = pypdfium2.PdfDocument.new()
        for data in pdfs:
            merged.import_pages(pypdfium2.PdfDocument(data))
        buffer = io.BytesIO()
        merged.save(buffer)
        return buffer.getvalue()


def _page_count(path: Path) -> int:
    with PDFIUM_LOCK:
        return len(pypdfium2.PdfDocument(str(path)))
