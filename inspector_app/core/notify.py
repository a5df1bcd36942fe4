"""Where each organisation's daily digest goes, and what each day's send did (issue 25); server side.

A target is a WeCom or DingTalk group robot's webhook, a plain JSON webhook, or an e-mail address, with
the time of day (the server's local time) its digest is due and a secret kept only here (a DingTalk
robot's signing key; a JSON webhook's HMAC key). ``claim`` is how several server processes agree that
a digest goes out exactly once a day: the first to insert the (target, day) row sends it; the others
find it there. A claim left "sending" by a process that died is taken over after CLAIM_STALE.
No HTTP here (web/digest sends).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.models import DigestSend, NotifyTarget
from inspector_app.i18n import _

KINDS = ("wecom", "dingtalk", "json", "email")
CLAIM_STALE = dt.timedelta(minutes=15)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def check_target(kind: str, target: str, at_time: str) -> tuple[str, str]:
    """The target and time as stored; InspectorError naming what is wrong."""
    if kind not in KINDS:
        raise InspectorError(_("Unknown kind '{kind}': use {kinds}.").format(kind=kind, kinds=", ".join(KINDS)))
    target = target.strip()
    if kind == "email":
        if not _EMAIL.match(target):
            raise InspectorError(_("'{target}' is not an e-mail address.").format(target=target))
    else:
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InspectorError(_("'{target}' is not a webhook address (http:// or https://).").format(target=target))
    at_time = at_time.strip()
    if not _TIME.match(at_time):
        raise InspectorError(_("'{value}' is not a time of day (HH:MM).").format(value=at_time))
    return target, at_time


def add_target(session: Session, organisation_id: uuid.UUID, kind: str, target: str, secret: str = "",
               at_time: str = "08:00") -> NotifyTarget:
    target, at_time = check_target(kind, target, at_time)
    if kind == "dingtalk" and secret and not secret.startswith("SEC"):
        raise InspectorError(_("A DingTalk robot's signing secret starts with SEC (the robot's security settings)."))
    row = NotifyTarget(id=uuid.uuid4(), organisation_id=organisation_id, kind=kind, target=target,
                       secret=secret.strip(), at_time=at_time, last_error="", failures=0)
    session.add(row)
    session.flush()
    return row


def get_target(session: Session, target_id: str) -> NotifyTarget:
    try:
        row = session.get(NotifyTarget, uuid.UUID(str(target_id).strip()))
    except ValueError:
        row = None
    if row is None:
        raise NotFoundError(_("No digest target with the id {id}.").format(id=target_id))
    return row


def remove_target(session: Session, target_id: str) -> NotifyTarget:
    row = get_target(session, target_id)
    session.query(DigestSend).filter(DigestSend.target_id == row.id).delete()
    session.delete(row)
    session.flush()
    return row


def targets(session: Session, organisation_id: uuid.UUID | None = None) -> list[NotifyTarget]:
    query = select(NotifyTarget).order_by(NotifyTarget.organisation_id, NotifyTarget.created_at)
    if organisation_id is not None:
        query = query.where(NotifyTarget.organisation_id == organisation_id)
    return list(session.scalars(query))


def shown_target(row: NotifyTarget) -> str:
    """The address without what would let a reader of a list send to it (a robot's key in its query)."""
    if row.kind == "email":
        return row.target
    parts = urlsplit(row.target)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" + ("?…" if parts.query else "")


def target_json(row: NotifyTarget, last: DigestSend | None = None) -> dict[str, Any]:
    def moment(value: dt.datetime | None) -> str | None:
        return dates.local_time(value).isoformat(timespec="seconds") if value else None

    return {"id": str(row.id), "organisation": str(row.organisation_id), "kind": row.kind,
            "target": shown_target(row), "at": row.at_time, "has_secret": bool(row.secret),
            "last_attempt": moment(row.last_attempt_at), "last_success": moment(row.last_success_at),
            "last_error": row.last_error, "failures_in_a_row": row.failures,
            "failing": row.failures > 0 and (row.last_success_at is None
                                              or (row.last_attempt_at or row.last_success_at) > row.last_success_at),
            "last_day": None if last is None else {"day": last.day.isoformat(), "state": last.state,
                                                   "attempts": last.attempts, "errors": last.errors}}


def last_send(session: Session, target_id: uuid.UUID) -> DigestSend | None:
    return session.scalars(select(DigestSend).where(DigestSend.target_id == target_id)
                           .order_by(DigestSend.day.desc()).limit(1)).first()


def due_targets(session: Session, now: dt.datetime) -> list[NotifyTarget]:
    """Targets whose time of day has come today (local time) and whose digest for today is not taken."""
    local = dates.local_time(now)
    today, clock = local.date(), local.strftime("%H:%M")
    taken = set(session.scalars(select(DigestSend.target_id).where(DigestSend.day == today,
                                                                   DigestSend.state != "sending")))
    stale = set(session.scalars(select(DigestSend.target_id).where(
        DigestSend.day == today, DigestSend.state == "sending", DigestSend.claimed_at > now - CLAIM_STALE)))
    return [t for t in targets(session) if t.at_time <= clock and t.id not in taken | stale]


def claim(session: Session, target_id: uuid.UUID, day: dt.date, worker: str, now: dt.datetime) -> DigestSend | None:
    """Take today's digest of a target for this process, or None when another has it. Committed at once."""
    row = DigestSend(id=uuid.uuid4(), target_id=target_id, day=day, state="sending", attempts=0, errors={},
                     claimed_by=worker[:100], claimed_at=now)
    try:
        with session.begin_nested():
            session.add(row)
        session.commit()
        return row
    except IntegrityError:
        session.rollback()
    # Someone has it. Take it over only if that someone stopped long ago, and only if nobody else did first.
    taken = session.execute(update(DigestSend).where(
        DigestSend.target_id == target_id, DigestSend.day == day, DigestSend.state == "sending",
        DigestSend.claimed_at <= now - CLAIM_STALE).values(claimed_by=worker[:100], claimed_at=now))
    session.commit()
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.scalars(select(DigestSend).where(DigestSend.target_id == target_id, DigestSend.day == day)).one()


def record_attempt(session: Session, target_id: uuid.UUID, send_id: uuid.UUID | None, error: str,
                   now: dt.datetime, final: bool = False) -> None:
    """One try of a send: its error ("" for success) on the target and on the day's row."""
    target = session.get(NotifyTarget, target_id)
    if target is not None:
        target.last_attempt_at = now
        if error:
            target.last_error, target.failures = error[:2000], target.failures + 1
        else:
            target.last_success_at, target.last_error, target.failures = now, "", 0
    if send_id is not None:
        send = session.get(DigestSend, send_id)
        if send is not None:
            send.attempts += 1
            if error:
                send.errors = {**(send.errors or {}), str(send.attempts): error[:500]}
            if not error:
                send.state, send.sent_at = "sent", now
            elif final:
                send.state = "failed"
    session.commit()
