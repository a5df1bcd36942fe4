"""What the commands share beyond the application context: printing data as JSON, a hazard as JSON,
and finding the floor that a command's options name."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from inspector_app.core.errors import InspectorError
from inspector_app.core.workflow import is_overdue
from inspector_app.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from inspector_app.core.models import Floor, Hazard


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def floor_from_args(session: Session, args: argparse.Namespace) -> Floor:
    """The floor named by --floor ID, or by --site, --building and --floor-name."""
    from inspector_app.core.structure import find_floor_by_names, get_floor

    if args.floor:
        return get_floor(session, args.floor)
    if args.site and args.building and args.floor_name:
        return find_floor_by_names(session, args.site, args.building, args.floor_name)
    raise InspectorError(_("Say where: --floor ID, or --site, --building and --floor-name."))


def hazard_json(hazard: Hazard) -> dict[str, Any]:
    return {
        "id": str(hazard.id), "number": hazard.number, "token": hazard.public_token,
        "short_code": hazard.short_code, "floor_id": str(hazard.floor_id) if hazard.floor_id else None,
        "x": hazard.x, "y": hazard.y, "page": hazard.page, "category": hazard.category,
        "severity": hazard.severity, "status": hazard.status,
        "overdue": is_overdue(hazard.status, hazard.deadline),
        "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
        "description": hazard.description, "room": hazard.room, "legal_basis": hazard.legal_basis,
        "required_measures": hazard.required_measures, "fixed_on_spot": hazard.fixed_on_spot,
        "responsible_unit": hazard.responsible_unit, "responsible_person": hazard.responsible_person,
    }
