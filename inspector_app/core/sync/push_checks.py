"""The central server's checks of a pushed row beyond its organisation: what it refers to stays
inside its organisation, its clock is a clock, an organisation's settings are changed by admins only,
and a hazard row keeps what only its creation sets. core.sync.server calls these for every row; each
returns the reason for a refusal, or None.

Why each exists: a notice linking another organisation's hazard was stored, and every laptop of the
first organisation then failed on it for good (the laptops cannot have the other hazard); a clock
that sorts after every real one wins every later comparison; an inspector's token could point every
new QR code of its organisation at an outside address.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from inspector_app.core.accounts import Principal
from inspector_app.core.event_rules import ADMIN_KINDS, EARLIEST_EVENT, MAX_EVENT_AHEAD
from inspector_app.core.models import Base, Hazard, HazardEvent, Organisation, RectificationLink, ReviewLink
from inspector_app.core.rectification_links import ENDED_REASONS
from inspector_app.core.supervision_rules import rule_problems
from inspector_app.core.sync.clock import clock_problem
from inspector_app.core.sync.entities import OrganisationResolver
from inspector_app.i18n import N_, _

# What an organisation's admin decides for every laptop of it; an inspector's push may not change these.
ORGANISATION_SETTINGS = ("name", "kind", "notice_prefix", "show_personal_data", "public_base_url", "language",
                         "parent_id", "supervision")
# Set when a hazard is recorded and never again (its number changes only by a "renumbered" event).
HAZARD_FIXED_AT_CREATION = ("site_id", "short_code", "found_at")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# What each table that rows refer to is called in a refusal.
_TABLE_WORDS = {"organisations": N_("organisation"), "sites": N_("site"), "buildings": N_("building"),
                "floors": N_("floor"), "hazards": N_("hazard"), "inspections": N_("inspection"),
                "checklist_runs": N_("checklist")}


def clock_refusal(what: str, values: dict[str, Any]) -> str | None:
    problem = clock_problem(values.get("sync_clock"))
    if problem is None:
        return None
    return _("{what}: its change clock is refused ({problem})").format(what=what, problem=problem)


def reference_refusal(resolver: OrganisationResolver, model: type[Base], what: str, values: dict[str, Any],
                      links: list[Any] | None, organisation: uuid.UUID) -> str | None:
    """Every row this one names (by a column, or by the hazards a notice or review covers) must be on
    the server and belong to ``organisation``, the row's own."""
    named: list[tuple[str, uuid.UUID]] = []
    for column in model.__table__.columns:
        value = values.get(column.key)
        if value is None or (model is Organisation and column.key == "parent_id"):
            continue  # an organisation's parent is another organisation by design
        for key in column.foreign_keys:
            named.append((key.column.table.name, value))
    for link in links or ():
        named.append(("hazards", uuid.UUID(str(link))))
    for table, row_id in named:
        word = _(_TABLE_WORDS[table]) if table in _TABLE_WORDS else table
        owner = resolver.of_table(table, row_id)
        if owner is None:
            return _("{what}: the {kind} {id} it refers to is not on the server (send it first)").format(
                what=what, kind=word, id=row_id)
        if owner != organisation:
            return _("{what}: the {kind} {id} it refers to belongs to another organisation").format(
                what=what, kind=word, id=row_id)
    return None


def organisation_refusal(principal: Principal, existing: Organisation | None, values: dict[str, Any]) -> str | None:
    """An inspector may bring a new organisation it was granted (a laptop's first sync) but not change
    the settings of one the server holds: those are its admin's."""
    problems = rule_problems(values["supervision"]) if "supervision" in values else []
    if problems:  # as `org set` would refuse them, from anyone
        what = existing.name if existing is not None else str(values.get("name", ""))[:200]
        return _("organisation {name}: its supervision rules are refused ({problem})").format(
            name=what, problem="; ".join(message for _key, message in problems))
    if principal.is_admin or existing is None:
        return None
    changed = [name for name in ORGANISATION_SETTINGS if name in values and values[name] != getattr(existing, name)]
    if not changed:
        return None
    return _("organisation {name}: only an administrator may change its settings ({fields}); ask the bureau's "
             "administrator").format(name=existing.name, fields=", ".join(changed))


def hazard_row_refusal(number: str, existing: Hazard | None, values: dict[str, Any], new_events: list[HazardEvent],
                       now: dt.datetime) -> str | None:
    """What a hazard's history does not track but its creation fixes: the site, the short code, when
    it was found, and the place in its site's register (moved only by a renumbering)."""
    if existing is None:
        found_at = values.get("found_at")
        if found_at is not None and not EARLIEST_EVENT <= found_at <= now + MAX_EVENT_AHEAD:
            return _("hazard {number}: found on {date}, outside the time a laptop can have recorded it").format(
                number=number, date=found_at.date().isoformat())
        return None
    for name in HAZARD_FIXED_AT_CREATION:
        if name in values and _same(values[name]) != _same(getattr(existing, name)):
            return _("hazard {number}: '{field}' is set when a hazard is recorded and cannot change").format(
                number=number, field=name)
    renumbered = any(e.kind == "renumbered" for e in new_events)
    if "seq" in values and values["seq"] != existing.seq and not renumbered:
        return _("hazard {number}: its place in the register changes only with a renumbering").format(number=number)
    return None


def link_refusal(what: str, existing: RectificationLink | ReviewLink | None, values: dict[str, Any]) -> str | None:
    """A private link's row (a unit's rectification link, a principal's review link) holds a SHA-256
    and stays with its hazard or school; once ended it stays ended (a stolen inspector token must not
    reopen the link of a hazard that was closed)."""
    if not _SHA256.fullmatch(str(values.get("secret_hash", ""))):
        return _("{what}: its secret is not kept as a SHA-256").format(what=what)
    if values.get("ended_reason", "") not in ("", *ENDED_REASONS):
        return _("{what}: no link ends for the reason '{reason}'").format(what=what, reason=values["ended_reason"])
    if existing is None:
        return None
    for name in ("hazard_id", "site_id", "secret_hash"):
        if name in values and values[name] != getattr(existing, name, None):
            return _("{what}: '{field}' is set when a link is made and cannot change").format(what=what, field=name)
    if existing.ended_at is not None and values.get("ended_at", existing.ended_at) is None:
        return _("{what}: an ended link cannot be opened again").format(what=what)
    return None


def _same(value: Any) -> Any:
    if isinstance(value, dt.datetime):  # SQLite hands back naive UTC, a push carries an aware time
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    return value


def author_refusal(principal: Principal, number: str, new_events: list[HazardEvent]) -> str | None:
    """What only an administrator writes (supervision by hand) is refused from anyone else's push."""
    if principal.is_admin:
        return None
    for event in new_events:
        if event.kind in ADMIN_KINDS:
            return _("hazard {number}: event {seq} ({kind}) is an administrator's; {inspector}'s token may not "
                     "write it").format(number=number, seq=event.seq, kind=event.kind, inspector=principal.inspector)
    return None
