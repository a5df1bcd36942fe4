"""Who may change an organisation's settings on this ledger (its name, notice prefix, public address,
language and supervision rules): they are its administrator's, and the central server refuses an
inspector's push that changes those of an organisation it holds (core/sync/push_checks.py). Asked by
core.organisation and core.supervision before they change anything, so a laptop says no at once
instead of showing the change until the next sync is refused.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.models import ChangeLog, Organisation, Replica
from inspector_app.i18n import _


def settings_refusal(session: Session, org: Organisation) -> str | None:
    """Why this ledger may not change ``org``'s settings, or None. They are its administrator's: a
    laptop whose last sync was with an inspector's token may not change those of an organisation the
    server holds (the server would refuse the push: core/sync/push_checks.py), only those of one it made
    itself and has not sent yet. A ledger that never synced, or the server's own, decides alone."""
    replica = session.scalars(select(Replica).limit(1)).first()
    if replica is None or not replica.server_url or replica.role in ("", "admin"):
        return None
    held_by_server = session.scalar(select(ChangeLog.cursor).where(
        ChangeLog.entity == "organisation", ChangeLog.entity_id == org.id,
        (ChangeLog.source == "pulled") | (ChangeLog.cursor <= replica.push_cursor)).limit(1))
    if held_by_server is None:
        return None
    return _("Only the administrator may change the settings of {name}: this laptop syncs with an inspector's "
             "token, and the server would refuse the change. Ask the bureau's administrator.").format(name=org.name)
