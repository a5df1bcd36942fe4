"""Markup drawn over a hazard photo (arrows, circles, texts), kept as the attachment's overlay JSON.

The photo file itself is never touched: it is content-addressed evidence, and a notice may print it
with or without the markup. Coordinates are fractions (0..1) of the photo's width and height, so the
overlay fits the photo at any display size.

Overlay shape (version 1)::

    {"version": 1, "shapes": [
        {"kind": "arrow",  "x1": .., "y1": .., "x2": .., "y2": ..},   # tail -> head
        {"kind": "circle", "x1": .., "y1": .., "x2": .., "y2": ..},   # ellipse in that box
        {"kind": "text",   "x": .., "y": .., "text": "..."},
    ]}
Each shape may also carry "colour" as "#rrggbb". An empty dict means no markup.
"""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

from sqlalchemy.orm import Session

from inspector_app.core import audit
from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.models import Attachment, Hazard
from inspector_app.i18n import _

OVERLAY_VERSION = 1
MAX_SHAPES = 200
MAX_TEXT = 200
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_POINT_KEYS = {"arrow": ("x1", "y1", "x2", "y2"), "circle": ("x1", "y1", "x2", "y2"), "text": ("x", "y")}


def _fraction(shape: dict[str, Any], key: str, position: int) -> float:
    value = shape.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 <= float(value) <= 1.0:
        raise InspectorError(_("Markup shape {n}: '{key}' must be a fraction of the photo from 0 to 1.").format(
            n=position, key=key))
    return float(value)


def validate_overlay(overlay: Any) -> dict[str, Any]:
    """Return a clean copy of an overlay, or refuse it saying which shape is wrong and why."""
    if overlay in (None, {}):
        return {}
    if not isinstance(overlay, dict) or overlay.get("version") != OVERLAY_VERSION:
        raise InspectorError(_("A photo markup must be an object with version 1 and a list of shapes."))
    shapes = overlay.get("shapes")
    if not isinstance(shapes, list) or len(shapes) > MAX_SHAPES:
        raise InspectorError(_("A photo markup holds a list of at most {n} shapes.").format(n=MAX_SHAPES))
    clean: list[dict[str, Any]] = []
    for position, shape in enumerate(shapes, start=1):
        kind = shape.get("kind") if isinstance(shape, dict) else None
        if kind not in _POINT_KEYS:
            raise InspectorError(_("Markup shape {n} is not an arrow, a circle or a text.").format(n=position))
        assert isinstance(shape, dict)
        allowed = {"kind", "colour", "text", *_POINT_KEYS[kind]}
        unknown = set(shape) - allowed
        if unknown:
            raise InspectorError(_("Markup shape {n} has unknown fields: {fields}.").format(
                n=position, fields=", ".join(sorted(unknown))))
        item: dict[str, Any] = {"kind": kind}
        for key in _POINT_KEYS[kind]:
            item[key] = _fraction(shape, key, position)
        if kind == "text":
            text = shape.get("text")
            if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
                raise InspectorError(_("Markup shape {n} needs a text of 1 to {max} characters.").format(
                    n=position, max=MAX_TEXT))
            item["text"] = text
        elif "text" in shape:
            raise InspectorError(_("Markup shape {n} has unknown fields: {fields}.").format(n=position, fields="text"))
        if "colour" in shape:
            colour = shape["colour"]
            if not isinstance(colour, str) or not _COLOUR.match(colour):
                raise InspectorError(_("Markup shape {n}: the colour must look like #d32f2f.").format(n=position))
            item["colour"] = colour
        clean.append(item)
    return {"version": OVERLAY_VERSION, "shapes": clean} if clean else {}


def set_photo_overlay(session: Session, attachment_id: uuid.UUID, overlay: Any, actor: str) -> Attachment:
    """Replace a photo's markup; the hazard's history records how many shapes it now has."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFoundError(_("No photo with the id {id}.").format(id=attachment_id))
    hazard = session.get(Hazard, attachment.hazard_id)
    assert hazard is not None
    clean = validate_overlay(overlay)
    if clean == (attachment.overlay or {}):
        return attachment
    # A new dict, not an in-place change: the JSON column only notices assignment.
    attachment.overlay = copy.deepcopy(clean)
    audit.append_event(session, hazard, "photo_marked", actor, extra={
        "attachment_id": str(attachment.id), "shapes": len(clean.get("shapes", [])),
    })
    session.flush()
    return attachment
