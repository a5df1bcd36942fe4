"""Use cases on hazards: record one, edit it, move its pin, attach photos, move it through the
workflow, rotate its public token. The UI and the CLI both call these; each writes its event.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from inspector_app.core import audit, dates, rectification_links
from inspector_app.core.attachments import ROLES
from inspector_app.core.audit_chain import DECIDED_FIELDS
from inspector_app.core.db import open_transaction
from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.event_rules import EDITABLE_FIELDS
from inspector_app.core.forms import Catalogue, Category
from inspector_app.core.models import (
    Attachment,
    Building,
    Floor,
    Hazard,
    HazardEvent,
    Site,
    SupersededToken,
    SyncHead,
    notice_hazards,
    utcnow,
)
from inspector_app.core.organisation import document_language
from inspector_app.core.photos import MAX_STORED_EDGE, store_photo
from inspector_app.core.store import FileStore
from inspector_app.core.sync import tracking
from inspector_app.core.workflow import Severity, Status, check_transition
from inspector_app.i18n import _

SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed
SHORT_CODE_LENGTH = 8


def new_public_token() -> str:
    return secrets.token_urlsafe(18)  # 144 random bits, 24 URL-safe characters


def new_short_code() -> str:
    return "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def _check_position(x: float | None, y: float | None) -> None:
    for value in (x, y):
        if value is not None and not 0.0 <= value <= 1.0:
            raise InspectorError(
                _("A pin position is a fraction of the page from 0 to 1; got {value}.").format(value=value)
            )
    if (x is None) != (y is None):
        raise InspectorError(_("A pin needs both x and y."))


def _building_of_floor(session: Session, floor_id: uuid.UUID) -> Building:
    floor = session.get(Floor, floor_id)
    if floor is None:
        raise NotFoundError(_("No floor with the id {id}.").format(id=floor_id))
    building = session.get(Building, floor.building_id)
    assert building is not None  # a floor's building is a foreign key
    return building


def _check_severity(severity: str) -> None:
    if severity not in {s.value for s in Severity}:
        raise InspectorError(_("Unknown severity '{value}'. Use general or major.").format(value=severity))


def add_hazard(
    session: Session,
    catalogue: Catalogue,
    store: FileStore,
    *,
    actor: str,
    category: str,
    site_id: uuid.UUID | None = None,
    floor_id: uuid.UUID | None = None,
    x: float | None = None,
    y: float | None = None,
    page: int = 0,
    severity: str | None = None,
    description: str = "",
    room: str = "",
    area_type: str = "",
    deadline: dt.date | None = None,
    inspection_id: uuid.UUID | None = None,
    responsible_unit: str = "",
    responsible_person: str = "",
    funding: str = "",
    interim_safeguards: str = "",
    photos: Sequence[Path] = (),
    previous_hazard_id: uuid.UUID | None = None,
    today: dt.date | None = None,
    found_at: dt.datetime | None = None,
    hazard_id: uuid.UUID | None = None,
    photo_max_edge: int = MAX_STORED_EDGE,
    seq: int | None = None,
    short_code: str | None = None,
    public_token: str | None = None,
) -> Hazard:
    """Record a hazard, prefilled from its category, with its first event and its photos (each reduced
    to ``photo_max_edge`` pixels on its long side, the inspector's setting).

    ``hazard_id`` is given only by the redo of an undone add, so later undo steps that name the
    hazard find it again; that redo also gives the number (``seq``), short code and QR token it had,
    so the register has no gap and a label already printed still finds it. Each is kept unless
    another hazard took it meanwhile (then a new one is drawn, as for any new hazard).
    """
    cat = catalogue.category(category)
    severity = severity or cat.default_severity
    _check_severity(severity)
    _check_position(x, y)
    if floor_id is not None:
        building = _building_of_floor(session, floor_id)
        site_id = building.site_id
        area_type = area_type or building.area_type
    if site_id is None:
        raise InspectorError(_("A hazard needs a floor (or at least a site)."))
    site = session.get(Site, site_id)
    if site is None:
        raise NotFoundError(_("No site with the id {id}.").format(id=site_id))
    if deadline is None:
        deadline = (today or dates.today()) + dt.timedelta(days=cat.deadline_days)
    # Texts taken from forms/ are written in the language of the site's documents, never the UI's:
    # they are printed on its notices, which speak one language whatever screen recorded the hazard.
    language = document_language(session, site.id)
    if seq is None or session.scalar(select(Hazard.id).where(Hazard.site_id == site.id, Hazard.seq == seq)):
        seq = tracking.next_hazard_seq(session, site.id)
    if short_code is None or session.scalar(select(Hazard.id).where(Hazard.short_code == short_code)):
        short_code = _unique_short_code(session)
    if public_token is None or session.scalar(select(Hazard.id).where(Hazard.public_token == public_token)):
        public_token = new_public_token()
    hazard = Hazard(
        id=hazard_id or uuid.uuid4(), site_id=site.id, seq=seq, number=f"{site.code}-{seq:04d}",
        inspection_id=inspection_id, floor_id=floor_id, page=page, x=x, y=y, room=room,
        area_type=area_type, category=cat.code, severity=severity, description=description,
        legal_basis=cat.legal_basis.get(language), required_measures=cat.requirement.get(language),
        interim_safeguards=interim_safeguards, responsible_unit=responsible_unit,
        responsible_person=responsible_person, funding=funding, deadline=deadline,
        fixed_on_spot=False, status=Status.OPEN.value, public_token=public_token,
        short_code=short_code, previous_hazard_id=previous_hazard_id,
        found_at=found_at or utcnow(),
    )
    session.add(hazard)
    session.flush()
    created = audit.snapshot(hazard)
    audit.append_event(session, hazard, "created", actor,
                       changes={name: [None, value] for name, value in created.items() if name not in DECIDED_FIELDS})
    for photo in photos:
        attach_photo(session, store, hazard, photo, role="before", actor=actor, max_edge=photo_max_edge)
    return hazard


def _unique_short_code(session: Session) -> str:
    while True:
        code = new_short_code()
        if not session.scalar(select(Hazard.id).where(Hazard.short_code == code)):
            return code


def find_hazard(session: Session, ref: str) -> Hazard:
    """A hazard by id, number (e.g. S01-0007), short code, or public token (or a status URL)."""
    ref = ref.strip()
    if "/h/" in ref:
        ref = ref.rsplit("/h/", 1)[1].split("?")[0].split("#")[0].removesuffix(".json")
    try:
        hazard = session.get(Hazard, uuid.UUID(ref))
        if hazard:
            return hazard
    except ValueError:
        pass
    matches = session.scalars(select(Hazard).where(Hazard.number == ref)).all()
    if len(matches) > 1:
        raise InspectorError(_("The number {ref} is used at several sites: give the hazard's id.").format(ref=ref))
    if matches:
        return matches[0]
    for column, value in ((Hazard.short_code, ref.upper()), (Hazard.public_token, ref)):
        hazard = session.scalars(select(Hazard).where(column == value)).first()
        if hazard:
            return hazard
    raise NotFoundError(_("No hazard '{ref}' (give an id, a number, a short code or a token).").format(ref=ref))


def update_hazard(session: Session, hazard: Hazard, actor: str, catalogue: Catalogue | None = None,
                  note: str = "", **values: Any) -> dict[str, list[Any]]:
    """Edit fields of a hazard; returns the changes made (empty if nothing changed, no event then)."""
    unknown = set(values) - EDITABLE_FIELDS
    if unknown:
        raise InspectorError(_("These fields cannot be edited: {fields}.").format(fields=", ".join(sorted(unknown))))
    if hazard.status in (Status.CLOSED, Status.WITHDRAWN):
        raise InspectorError(_("Hazard {number} is final and can no longer be edited.").format(number=hazard.number))
    if "severity" in values:
        _check_severity(values["severity"])
        if hazard.major_rule and values["severity"] != Severity.MAJOR:
            raise InspectorError(_("Hazard {number} was confirmed a major hazard under {rule}: lowering its severity "
                                   "needs a reason (--reason), which its history keeps.").format(
                number=hazard.number, rule=hazard.major_rule))
    if "category" in values and catalogue is not None:
        catalogue.category(values["category"])
    return _record_changes(session, hazard, values, "edited", actor, note)


def _record_changes(session: Session, hazard: Hazard, values: dict[str, Any], kind: str, actor: str,
                    note: str = "") -> dict[str, list[Any]]:
    """Set the fields that really change and write them, old and new, into one event."""
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = getattr(hazard, name)
        if old != value:
            changes[name] = [audit.json_value(old), audit.json_value(value)]
            setattr(hazard, name, value)
    if changes:
        audit.append_event(session, hazard, kind, actor, changes=changes, note=note)
    return changes


def move_pin(session: Session, hazard: Hazard, actor: str, x: float, y: float,
             floor_id: uuid.UUID | None = None, page: int | None = None) -> dict[str, list[Any]]:
    """Put a hazard's pin at a new spot (normalised page coordinates)."""
    _check_position(x, y)
    new = {"x": x, "y": y, "floor_id": floor_id or hazard.floor_id, "page": hazard.page if page is None else page}
    return _record_changes(session, hazard, new, "pin_moved", actor)


def place_pin(session: Session, hazard: Hazard, actor: str, floor_id: uuid.UUID | None, page: int,
              x: float | None, y: float | None) -> dict[str, list[Any]]:
    """Give a hazard its pin on a floor of its own site (a checklist's hazard waits for one), or take
    the pin off again with x and y None (the undo of placing it)."""
    _check_position(x, y)
    if floor_id is not None and _building_of_floor(session, floor_id).site_id != hazard.site_id:
        raise InspectorError(_("Hazard {number} belongs to another site: its pin cannot go on this plan.").format(
            number=hazard.number))
    return _record_changes(session, hazard, {"floor_id": floor_id, "page": page, "x": x, "y": y}, "pin_moved", actor)


def attach_photo(session: Session, store: FileStore, hazard: Hazard, path: Path, role: str, actor: str,
                 max_edge: int = MAX_STORED_EDGE, stranger: bool = False) -> Attachment:
    """Store a cleaned copy of the photo (at most ``max_edge`` pixels on its long side) on the hazard.
    A ``stranger``'s photo (a responsible unit's, through its link) keeps only the time it was taken,
    which its event records beside the server's receipt time."""
    if role not in ROLES:
        raise InspectorError(_("A photo is either 'before' or 'after'; got '{role}'.").format(role=role))
    stored = store_photo(store, Path(path), max_edge, stranger=stranger)
    attachment = Attachment(
        id=uuid.uuid4(), hazard_id=hazard.id, role=role, file_hash=stored.file_hash, filename=stored.filename,
        mime=stored.mime, width=stored.width, height=stored.height, overlay={}, created_by=actor,
    )
    session.add(attachment)
    session.flush()
    extra = {"attachment_id": str(attachment.id), "role": role, "file_hash": stored.file_hash}
    if stranger:
        extra["taken"] = stored.taken
    audit.append_event(session, hazard, "photo_added", actor, extra=extra)
    return attachment


def attachments_of(session: Session, hazard_id: uuid.UUID) -> list[Attachment]:
    return list(session.scalars(
        select(Attachment).where(Attachment.hazard_id == hazard_id).order_by(Attachment.created_at)))


def change_status(
    session: Session,
    store: FileStore,
    hazard: Hazard,
    to: str,
    actor: str,
    note: str = "",
    photos: Sequence[Path] = (),
    photo_max_edge: int = MAX_STORED_EDGE,
    extra: dict[str, Any] | None = None,
) -> Hazard:
    """Move a hazard through the workflow; photos given here are after-photos for a closing step;
    ``extra``: more facts for the event (who reported through a rectification link, say)."""
    has_after = bool(photos) or bool(session.scalar(
        select(Attachment.id).where(Attachment.hazard_id == hazard.id, Attachment.role == "after").limit(1)))
    transition = check_transition(hazard.status, to, note=note, has_after_photo=has_after)
    for photo in photos:
        attach_photo(session, store, hazard, photo, role="after", actor=actor, max_edge=photo_max_edge)
    changes: dict[str, list[Any]] = {"status": [hazard.status, transition.target.value]}
    hazard.status = transition.target.value
    if transition.event == "fixed_on_spot":
        changes["fixed_on_spot"] = [hazard.fixed_on_spot, True]
        hazard.fixed_on_spot = True
    hazard.closed_at = utcnow() if transition.target == Status.CLOSED else None
    audit.append_event(session, hazard, transition.event, actor, changes=changes, note=note, extra=extra)
    if transition.target in (Status.CLOSED, Status.WITHDRAWN):  # the unit has nothing more to report
        rectification_links.end_links(session, hazard.id, transition.target.value)
    return hazard


def final_hazard_ids(session: Session, hazard_ids: set[str]) -> set[str]:
    """Those of these hazards (ids as text) that are closed or withdrawn: nothing changes them any more."""
    ids = [uuid.UUID(i) for i in hazard_ids]
    return {str(i) for i in session.scalars(select(Hazard.id).where(
        Hazard.id.in_(ids), Hazard.status.in_([Status.CLOSED.value, Status.WITHDRAWN.value])))}


def rotate_token(session: Session, hazard: Hazard, actor: str) -> str:
    """Give a hazard a new public token (a reprinted notice); the old one then reads 'superseded'."""
    old = hazard.public_token
    session.add(SupersededToken(token=old, hazard_id=hazard.id))
    hazard.public_token = new_public_token()
    audit.append_event(session, hazard, "token_rotated", actor,
                       changes={"public_token": [old, hazard.public_token]})
    return hazard.public_token


def change_status_many(session: Session, store: FileStore, hazard_ids: Sequence[uuid.UUID], to: str, actor: str,
                       note: str = "", photos: Sequence[Path] = (),
                       photo_max_edge: int = MAX_STORED_EDGE) -> list[tuple[str, str]]:
    """Apply one status change to several hazards; each succeeds or fails on its own.

    Returns (hazard number, reason) for every hazard that was refused; the others are changed.
    """
    open_transaction(session)  # each hazard in a savepoint of one transaction, not a commit of its own
    refused: list[tuple[str, str]] = []
    for hazard_id in hazard_ids:
        hazard = session.get(Hazard, hazard_id)
        if hazard is None:
            refused.append((str(hazard_id), _("No hazard with the id {id}.").format(id=hazard_id)))
            continue
        try:
            with session.begin_nested():
                change_status(session, store, hazard, to, actor, note=note, photos=photos,
                              photo_max_edge=photo_max_edge)
        except InspectorError as exc:
            refused.append((hazard.number, str(exc)))
    return refused


# Editing steps, including the photo edits of core.attachments and core.photo_markup: none is official.
UNDOABLE_EVENTS = frozenset({
    "created", "photo_added", "edited", "pin_moved", "photo_removed", "photo_role_changed", "photo_marked",
    "pin_checked",
})


def discard_new_hazard(session: Session, hazard_id: uuid.UUID) -> None:
    """Remove a hazard recorded by mistake, as the undo of adding it.

    Only a hazard that nothing official has happened to yet may go: once its status changed or a
    notice was printed for it, it stays in the ledger and can only be withdrawn with a reason.
    """
    hazard = session.get(Hazard, hazard_id)
    if hazard is None:
        return
    if session.get(SyncHead, hazard_id) is not None:
        raise InspectorError(_("Hazard {number} is already in the shared ledger and can no longer be undone; "
                               "withdraw it with a reason instead.").format(number=hazard.number))
    kinds = set(session.scalars(select(HazardEvent.kind).where(HazardEvent.hazard_id == hazard_id)))
    noticed = session.scalar(select(notice_hazards.c.notice_id).where(notice_hazards.c.hazard_id == hazard_id))
    if kinds - UNDOABLE_EVENTS or noticed is not None:
        raise InspectorError(_("Hazard {number} has been acted on and can no longer be undone; withdraw it "
                               "with a reason instead.").format(number=hazard.number))
    session.execute(delete(Attachment).where(Attachment.hazard_id == hazard_id))
    session.execute(delete(HazardEvent).where(HazardEvent.hazard_id == hazard_id))
    session.delete(hazard)
    session.flush()


def values_following_category(saved: dict[str, Any], old: Category | None, new: Category,
                              found_on: dt.date | None, *, language: str) -> dict[str, Any]:
    """What changing a hazard to category ``new`` changes besides the category: the legal basis and
    requirement, the severity and the deadline follow the new category wherever the inspector left
    them as the old category had prefilled them (or empty); what the inspector wrote or chose stays.
    ``language``: that of the hazard's documents (core.organisation.document_language), in which the
    new texts are written, whatever language the screen speaks."""
    values: dict[str, Any] = {"category": new.code}

    def untouched(value: str, texts: Any) -> bool:
        return not value or (texts is not None and value in (texts.zh, texts.en))

    if untouched(saved["legal_basis"], old.legal_basis if old else None):
        values["legal_basis"] = new.legal_basis.get(language)
    if untouched(saved["required_measures"], old.requirement if old else None):
        values["required_measures"] = new.requirement.get(language)
    if not saved.get("major_rule") and (old is None or saved["severity"] == old.default_severity):
        values["severity"] = new.default_severity
    deadline = saved.get("deadline")
    if found_on is not None and (deadline is None or (
            old is not None and abs((deadline - found_on).days - old.deadline_days) <= 1)):
        values["deadline"] = found_on + dt.timedelta(days=new.deadline_days)
    return values
