"""The daily digest's schedule, run by every process of the central server (issue 25).

Each process wakes every INSPECTOR_DIGEST_TICK_SECONDS (30), asks which targets' time of day has come
and have no digest for today yet (core.notify.due_targets), and claims each (core.notify.claim): the
unique (target, day) row in PostgreSQL lets exactly one process have it, so with any number of
processes and servers each digest goes out once a day. The claimant builds the digest
(core.digest) and sends it (senders.py), retrying a failure up to INSPECTOR_DIGEST_ATTEMPTS (5) times
after INSPECTOR_DIGEST_BACKOFF_SECONDS (30), doubled each time; every try is recorded on the target
and the day's row (`notify status` shows them). Runs only on PostgreSQL, unless INSPECTOR_DIGESTS=0.

``send_now`` is `notify send-now`: today's digest at once to an organisation's targets, recorded on
each target, without taking the day's scheduled send.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inspector_app.core import dates
from inspector_app.core.db import Database
from inspector_app.core.digest import build_digest
from inspector_app.core.models import NotifyTarget
from inspector_app.core.notify import claim, due_targets, record_attempt, targets
from inspector_app.web.digest.senders import SendError, SmtpConfig, Target, send

log = logging.getLogger("inspector_app.digest")


@dataclass(frozen=True)
class Schedule:
    tick: float = 30.0
    backoff: float = 30.0
    attempts: int = 5

    @classmethod
    def from_env(cls) -> Schedule:
        return cls(tick=float(os.environ.get("INSPECTOR_DIGEST_TICK_SECONDS", "30")),
                   backoff=float(os.environ.get("INSPECTOR_DIGEST_BACKOFF_SECONDS", "30")),
                   attempts=max(1, int(os.environ.get("INSPECTOR_DIGEST_ATTEMPTS", "5"))))


class DigestScheduler:
    def __init__(self, db: Database, schedule: Schedule | None = None, smtp: SmtpConfig | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.db, self.schedule, self.sleep = db, schedule or Schedule(), sleep
        self.smtp = smtp if smtp is not None else SmtpConfig.from_env()
        self.worker = f"{socket.gethostname()}:{os.getpid()}"

    def tick(self) -> int:
        """Claim and send every digest due now; how many this process sent."""
        now = dates.now()
        day = dates.local_date(now)
        with self.db.session() as session:
            due = [t.id for t in due_targets(session, now)]
        sent = 0
        for target_id in due:
            with self.db.session() as session:
                claimed = claim(session, target_id, day, self.worker, now)
                send_id = claimed.id if claimed is not None else None
            if send_id is not None:
                sent += self.deliver(target_id, send_id)
        return sent

    def deliver(self, target_id: uuid.UUID, send_id: uuid.UUID | None) -> int:
        """Send one target's digest of today, retrying with backoff; 1 when it went, 0 when it failed."""
        for attempt in range(self.schedule.attempts):
            error = self._try(target_id)
            last = attempt == self.schedule.attempts - 1
            with self.db.session() as session:
                record_attempt(session, target_id, send_id, error, dates.now(), final=last)
            if not error:
                return 1
            log.warning("digest to target %s, try %d of %d: %s", target_id, attempt + 1, self.schedule.attempts,
                        error)
            if not last:
                self.sleep(self.schedule.backoff * 2 ** attempt)
        return 0

    def _try(self, target_id: uuid.UUID) -> str:
        try:
            with self.db.session() as session:
                row = session.get(NotifyTarget, target_id)
                if row is None:
                    return "the target was removed"
                target = Target(row.kind, row.target, row.secret)
                digest = build_digest(session, row.organisation_id, dates.today())
            send(target, digest, self.smtp)
        except SendError as exc:
            return str(exc) or "failed"
        except Exception as exc:  # a digest that cannot be built must be recorded, not kill the loop
            log.exception("digest to target %s", target_id)
            return f"{type(exc).__name__}: {exc}"[:300]
        return ""

    async def run(self) -> None:
        while True:
            try:
                await asyncio.to_thread(self.tick)
            except Exception:  # the database away for a moment: try again at the next tick
                log.exception("digest schedule")
            await asyncio.sleep(self.schedule.tick)


def send_now(db: Database, organisation_id: uuid.UUID, schedule: Schedule | None = None,
             smtp: SmtpConfig | None = None) -> list[dict[str, Any]]:
    """Today's digest to each of the organisation's targets at once (`notify send-now`)."""
    scheduler = DigestScheduler(db, schedule or Schedule(attempts=1), smtp)
    with db.session() as session:
        ids = [t.id for t in targets(session, organisation_id)]
    results = []
    for target_id in ids:
        went = scheduler.deliver(target_id, None)
        with db.session() as session:
            row = session.get(NotifyTarget, target_id)
            results.append({"id": str(target_id), "sent": bool(went), "error": row.last_error if row else ""})
    return results


def with_digests(app: Any, db: Database) -> Any:
    """The ASGI app with the digest schedule started at the server's start and stopped at its end."""
    if os.environ.get("INSPECTOR_DIGESTS", "1") in ("0", "no", "false") or db.engine.dialect.name != "postgresql":
        return app
    scheduler = DigestScheduler(db, Schedule.from_env())

    async def wrapped(scope: dict[str, Any], receive: Any, send_message: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send_message)
            return
        task: asyncio.Task[None] | None = None
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                task = asyncio.create_task(scheduler.run())
                await send_message({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task
                await send_message({"type": "lifespan.shutdown.complete"})
                return

    return wrapped
