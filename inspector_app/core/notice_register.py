"""Use case: issue rectification notices. Numbers them in the register, records each Notice with the
SHA-256 of the PDF it was printed in, and writes a "notice_issued" event into every hazard's history.

Numbers run per prefix and per year (e.g. 吕教安〔2026〕第0001号), restarting each January as school
registers do. The caller draws the PDF with the numbers it is given: a number is reserved, the PDF
drawn with it, then its hash recorded, all in one transaction, so a failed print neither uses up a
number nor records a notice that nobody holds. The PDF is written to disk before the commit: if the
file cannot be written, nothing is recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from inspector_app.core import audit, dates
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Hazard, Notice, Site, notice_hazards
from inspector_app.core.sync import tracking
from inspector_app.i18n import _

NOTICE_KINDS = ("per_hazard", "per_unit", "supervision")  # supervision: notices/supervision_notice.py


def today() -> dt.date:
    """The day a document is issued and printed on: the one place the notices and ledgers ask what
    "today" is, following the program's single rule for dates (core/dates.py)."""
    return dates.today()


def _normal_file_mode() -> int:
    # mkstemp makes private 0600 files; a printed notice or ledger is an ordinary document the user
    # shares, so it gets what the user's umask gives any new file. Read once, at import, because
    # reading the umask means setting it, which must not race with threads creating files.
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


NORMAL_FILE_MODE = _normal_file_mode()


def format_number(prefix: str, year: int, seq: int, language: str = "zh_CN") -> str:
    """吕教安〔2026〕第0001号 on a Chinese notice, LLEB [2026] No. 0001 on an English one."""
    if language.startswith("zh"):
        return f"{prefix}〔{year}〕第{seq:04d}号"
    return f"{prefix} [{year}] No. {seq:04d}".strip()


def next_seq(session: Session, prefix: str, year: int, organisation_id: uuid.UUID | None = None) -> int:
    return tracking.next_notice_seq(session, prefix, year, organisation_id)


def organisation_of(session: Session, hazard_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(select(Site.organisation_id).join(Hazard, Hazard.site_id == Site.id)
                          .where(Hazard.id == hazard_id))


@dataclass(frozen=True)
class IssuedNotice:
    id: uuid.UUID
    number: str
    hazard_ids: tuple[uuid.UUID, ...]


def reserve_notices(session: Session, groups: Sequence[Sequence[uuid.UUID]], *, prefix: str, kind: str,
                    language: str, actor: str, issued_at: dt.datetime | None = None) -> list[IssuedNotice]:
    """Number one notice per group of hazards (one hazard per group for per-hazard notices)."""
    if kind not in NOTICE_KINDS:
        raise InspectorError(_("Unknown notice kind '{kind}'.").format(kind=kind))
    issued_at = issued_at or dates.now()
    year = dates.local_date(issued_at).year
    next_seqs: dict[uuid.UUID | None, int] = {}  # numbers run per organisation
    notices = []
    for group in groups:
        organisation = organisation_of(session, group[0]) if group else None
        seq = next_seqs.get(organisation) or next_seq(session, prefix, year, organisation)
        next_seqs[organisation] = seq + 1
        notice = Notice(id=uuid.uuid4(), organisation_id=organisation,
                        number=format_number(prefix, year, seq, language), prefix=prefix, year=year, seq=seq,
                        kind=kind, language=language, issued_at=issued_at, issued_by=actor, pdf_hash="")
        session.add(notice)
        session.flush()
        for position, hazard_id in enumerate(group):
            session.execute(insert(notice_hazards).values(notice_id=notice.id, hazard_id=hazard_id, position=position))
        notices.append(IssuedNotice(notice.id, notice.number, tuple(group)))
    return notices


def record_pdf(session: Session, notices: Sequence[IssuedNotice], pdf: bytes, actor: str) -> str:
    """Store the PDF's hash on each notice and write the "notice_issued" event on each hazard."""
    digest = hashlib.sha256(pdf).hexdigest()
    for issued in notices:
        notice = session.get(Notice, issued.id)
        assert notice is not None
        notice.pdf_hash = digest
        numbers = []
        hazards = [session.get(Hazard, hazard_id) for hazard_id in issued.hazard_ids]
        numbers = [h.number for h in hazards if h is not None]
        for hazard in hazards:
            if hazard is None:
                continue
            # No field of the hazard changes: `changes` stays empty so `audit verify` replays nothing.
            audit.append_event(session, hazard, "notice_issued", actor, changes={}, extra={
                "notice_id": str(notice.id), "notice_number": notice.number, "notice_kind": notice.kind,
                "hazards": numbers, "pdf_hash": digest,
            })
    return digest


def _cannot_write(path: Path, exc: OSError) -> InspectorError:
    return InspectorError(_("Cannot write {path}: {problem}").format(path=path, problem=exc.strerror or exc))


def write_atomically(path: Path, data: bytes) -> None:
    """Write the file whole or not at all (a half-written PDF would still be printed by someone)."""
    path = Path(path)
    if path.is_dir():
        raise InspectorError(_("{path} is a folder; give a file name.").format(path=path))
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".notice-", suffix=".pdf")
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, NORMAL_FILE_MODE)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _cannot_write(path, exc) from exc


def issue(session: Session, groups: Sequence[Sequence[uuid.UUID]], *, prefix: str, kind: str, language: str,
          actor: str, render: Callable[[list[IssuedNotice]], bytes], out: Path | None = None) -> tuple[
              list[IssuedNotice], str]:
    """Reserve numbers, render the PDF with them, write it (if `out`), record hashes and events.

    The caller commits the session (the CLI's and the UI's session scopes do) after this returns.
    """
    notices = reserve_notices(session, groups, prefix=prefix, kind=kind, language=language, actor=actor)
    pdf = render(notices)
    if out is not None:
        write_atomically(out, pdf)
    return notices, record_pdf(session, notices, pdf, actor)
