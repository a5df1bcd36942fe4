"""Use cases on a photo once it is attached: mark it as a before or after photo, or take it off
the hazard again (the undo of attaching it). Each writes an event to the hazard's history.

A photo is evidence for a closed hazard: once the hazard is closed or withdrawn, its photos stay.
The stored file is never deleted here (the store is content-addressed and may share it).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from inspector_app.core import audit
from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.models import Attachment, Hazard
from inspector_app.core.workflow import FINAL_STATES
from inspector_app.i18n import _

# Before and after are the inspector's; "unit" is a responsible unit's after-photo, sent through its
# rectification link (core.unit_reports), which counts as the after-photo only once the inspector
# makes it one here.
ROLES = ("before", "after", "unit")
INSPECTOR_ROLES = ("before", "after")


def _open_photo(session: Session, attachment_id: uuid.UUID) -> tuple[Attachment, Hazard]:
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFoundError(_("No photo with the id {id}.").format(id=attachment_id))
    hazard = session.get(Hazard, attachment.hazard_id)
    assert hazard is not None
    if hazard.status in FINAL_STATES:
        raise InspectorError(_("Hazard {number} is final: its photos can no longer change.").format(
            number=hazard.number))
    return attachment, hazard


def set_photo_role(session: Session, attachment_id: uuid.UUID, role: str, actor: str) -> Attachment:
    """Mark a photo as showing the hazard before or after the fix."""
    if role not in INSPECTOR_ROLES:
        raise InspectorError(_("A photo is either 'before' or 'after'; got '{role}'.").format(role=role))
    attachment, hazard = _open_photo(session, attachment_id)
    if attachment.role != role:
        audit.append_event(session, hazard, "photo_role_changed", actor, extra={
            "attachment_id": str(attachment.id), "role": [attachment.role, role]})
        attachment.role = role
        session.flush()
    return attachment


def photo_facts(attachment: Attachment) -> dict[str, Any]:
    """Everything needed to put a removed photo back as it was (id, role, file, markup, author)."""
    return {
        "id": str(attachment.id), "hazard_id": str(attachment.hazard_id), "role": attachment.role,
        "file_hash": attachment.file_hash, "filename": attachment.filename, "mime": attachment.mime,
        "width": attachment.width, "height": attachment.height, "overlay": dict(attachment.overlay or {}),
        "created_by": attachment.created_by,
    }


def detach_photo(session: Session, attachment_id: uuid.UUID, actor: str) -> dict[str, Any]:
    """Take a photo off its hazard (the file stays in the store; the history keeps its hash).

    Returns the photo's facts, which ``restore_photo`` takes to put it back.
    """
    attachment, hazard = _open_photo(session, attachment_id)
    facts = photo_facts(attachment)
    audit.append_event(session, hazard, "photo_removed", actor, extra={
        "attachment_id": str(attachment.id), "file_hash": attachment.file_hash})
    session.delete(attachment)
    session.flush()
    return facts


def restore_photo(session: Session, facts: dict[str, Any], actor: str) -> Attachment:
    """Put back a photo taken off by ``detach_photo`` (the redo of attaching), with its id, role and markup."""
    hazard = session.get(Hazard, uuid.UUID(facts["hazard_id"]))
    if hazard is None:
        raise NotFoundError(_("No hazard with the id {id}.").format(id=facts["hazard_id"]))
    if hazard.status in FINAL_STATES:
        raise InspectorError(_("Hazard {number} is final: its photos can no longer change.").format(
            number=hazard.number))
    attachment = Attachment(
        id=uuid.UUID(facts["id"]), hazard_id=hazard.id, role=facts["role"], file_hash=facts["file_hash"],
        filename=facts["filename"], mime=facts["mime"], width=facts["width"], height=facts["height"],
        overlay=dict(facts["overlay"]), created_by=facts["created_by"],
    )
    session.add(attachment)
    session.flush()
    audit.append_event(session, hazard, "photo_added", actor, extra={
        "attachment_id": str(attachment.id), "role": attachment.role, "file_hash": attachment.file_hash})
    return attachment
