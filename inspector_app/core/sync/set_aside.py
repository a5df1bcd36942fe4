"""The pulled rows a laptop could not apply, kept aside with their reason (core.models.SetAside).

A pull page is applied row by row; a row that cannot land (it names a site this laptop does not have,
its history does not hold together) is kept here and the cursor moves on, so the rows after it still
arrive. Every sync tries the kept rows again after its pull: the row they were waiting for may have
come. A newer copy of a kept row that lands replaces it. `sync --status` and the sync panel name them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from inspector_app.core.models import SetAside, utcnow
from inspector_app.core.sync import laptop

# Kept rows retried per sync; the rest wait for the next one, so a laptop with many never spends long.
RETRY_LIMIT = 2000
REASON_LIMIT = 2000


def keep(session: Session, failed: list[tuple[dict[str, Any], str]]) -> None:
    """Keep these items (the newest copy of each) with the reason they could not be applied."""
    for item, reason in failed:
        entity, entity_id = laptop.item_key(item)
        kept = session.get(SetAside, (entity, entity_id))
        if kept is None:
            session.add(SetAside(entity=entity, entity_id=entity_id, item=item, reason=reason[:REASON_LIMIT]))
        else:
            kept.item, kept.reason, kept.last_tried_at = item, reason[:REASON_LIMIT], utcnow()
            kept.attempts += 1
    session.flush()


def forget(session: Session, applied: list[tuple[str, str]]) -> None:
    """A row that landed (a newer copy, or a retry) is no longer waiting."""
    for entity, entity_id in applied:
        session.execute(delete(SetAside).where(SetAside.entity == entity, SetAside.entity_id == entity_id))


def retry(session: Session, actor: str) -> laptop.MergeReport:
    """Apply the kept rows again (inside the caller's transaction); those that land are forgotten."""
    kept = list(session.scalars(select(SetAside).order_by(SetAside.first_seen_at).limit(RETRY_LIMIT)))
    if not kept:
        return laptop.MergeReport()
    report = laptop.apply_page(session, [row.item for row in kept], actor)
    forget(session, report.applied)
    keep(session, report.failed)
    return report


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(SetAside)) or 0)


def listing(session: Session, limit: int = 20) -> list[dict[str, Any]]:
    """The kept rows, oldest first, as `sync --status` shows them."""
    return [{"entity": row.entity, "id": row.entity_id, "reason": row.reason, "attempts": row.attempts,
             "since": row.first_seen_at}
            for row in session.scalars(select(SetAside).order_by(SetAside.first_seen_at).limit(limit))]
