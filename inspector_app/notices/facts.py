"""What a printed document says about each hazard, read from the ledger in one go.

Documents are drawn from these plain records, never from ORM objects, so drawing needs no database
session (a background thread of the desktop program can draw while the UI keeps its own) and the
benchmark can time drawing apart from reading. Texts are taken in the language that is current
when the facts are gathered: gather inside ``use_language(...)`` of the document's language.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.errors import NotFoundError
from inspector_app.core.forms import Catalogue
from inspector_app.core.models import (
    Attachment,
    Building,
    Floor,
    Hazard,
    Inspection,
    Organisation,
    PlanDocument,
    Site,
)
from inspector_app.core.notice_register import today as issue_day
from inspector_app.core.plans_store import current_plan
from inspector_app.core.store import FileStore
from inspector_app.core.workflow import is_overdue, severity_label, status_label
from inspector_app.i18n import _, current_language
from inspector_app.notices.qr import hazard_url

# A photo is printed at most ~50 mm wide: 1000 px is ~500 dpi there, and anything bigger only
# makes the PDF heavier (500 notices of 4 MB phone photos would be 2 GB).
PHOTO_MAX_PX = 1000


@dataclass(frozen=True)
class PlanRef:
    path: Path
    page: int
    x: float
    y: float


@dataclass(frozen=True)
class HazardFacts:
    id: uuid.UUID
    number: str
    short_code: str
    url: str
    site_id: uuid.UUID
    unit: str  # the inspected unit (the school / site)
    issuer: str  # the organisation the site belongs to, which issues the notice
    building: str
    floor: str
    room: str
    inspection_id: uuid.UUID | None
    inspection_date: dt.date
    inspectors: str
    category: str
    severity: str
    severity_code: str
    status: str
    status_code: str
    overdue: bool
    description: str
    legal_basis: str
    measures: str
    safeguards: str
    deadline: dt.date | None
    responsible_unit: str
    responsible_person: str
    funding: str
    fixed_on_spot: bool
    found_at: dt.date
    closed_at: dt.date | None
    notice_prefix: str
    photo: Path | None
    plan: PlanRef | None

    @property
    def place(self) -> str:
        return " ".join(p for p in (self.building, self.floor, self.room) if p)


def gather(session: Session, catalogue: Catalogue, store: FileStore, hazard_ids: Sequence[uuid.UUID],
           base_url: str, today: dt.date | None = None) -> list[HazardFacts]:
    """Facts of the given hazards, in the order given; NotFoundError names an unknown id."""
    today = today or issue_day()
    language = current_language()  # the document's: gathered inside use_language(...)
    rows = session.execute(
        select(Hazard, Site, Organisation, Building.name, Floor.name, Inspection)
        .join(Site, Hazard.site_id == Site.id)
        .join(Organisation, Site.organisation_id == Organisation.id)
        .outerjoin(Floor, Hazard.floor_id == Floor.id)
        .outerjoin(Building, Floor.building_id == Building.id)
        .outerjoin(Inspection, Hazard.inspection_id == Inspection.id)
        .where(Hazard.id.in_(list(hazard_ids)))
    ).all()
    by_id = {row[0].id: row for row in rows}
    photos: dict[uuid.UUID, str] = {}
    for hazard_id, digest in session.execute(
            select(Attachment.hazard_id, Attachment.file_hash)
            .where(Attachment.hazard_id.in_(list(by_id)), Attachment.role == "before")
            .order_by(Attachment.created_at.desc())):
        photos[hazard_id] = digest  # ordered newest first: the oldest before-photo wins
    plans: dict[uuid.UUID, PlanDocument | None] = {}
    facts: list[HazardFacts] = []
    for hazard_id in hazard_ids:
        if hazard_id not in by_id:
            raise NotFoundError(_("No hazard with the id {id}.").format(id=hazard_id))
        hazard, site, org, building, floor, inspection = by_id[hazard_id]
        plan_ref = None
        if hazard.floor_id is not None and hazard.x is not None and hazard.y is not None:
            if hazard.floor_id not in plans:
                plans[hazard.floor_id] = current_plan(session, hazard.floor_id)
            plan = plans[hazard.floor_id]
            plan_path = store.find(plan.file_hash) if plan is not None else None
            if plan_path is not None:
                plan_ref = PlanRef(plan_path, hazard.page, hazard.x, hazard.y)
        photo_digest = photos.get(hazard.id)
        category = catalogue.categories.get(hazard.category)
        facts.append(HazardFacts(
            id=hazard.id, number=hazard.number, short_code=hazard.short_code,
            url=hazard_url(base_url, hazard.public_token), site_id=site.id, unit=site.name, issuer=org.name,
            building=building or "", floor=floor or "", room=hazard.room,
            inspection_id=hazard.inspection_id,
            inspection_date=inspection.date if inspection else dates.local_date(hazard.found_at),
            inspectors=inspection.inspectors if inspection else "",
            category=category.name.get(language) if category else hazard.category,
            severity=severity_label(hazard.severity), severity_code=hazard.severity,
            status=status_label(hazard.status), status_code=hazard.status,
            overdue=is_overdue(hazard.status, hazard.deadline, today),
            description=hazard.description,
            # A text still as forms/ gave it is printed in the document's language (a hazard recorded
            # for an English notice, printed in Chinese); the inspector's own words as written.
            legal_basis=category.legal_basis.as_printed(hazard.legal_basis, language) if category
            else hazard.legal_basis,
            measures=category.requirement.as_printed(hazard.required_measures, language) if category
            else hazard.required_measures,
            safeguards=hazard.interim_safeguards, deadline=hazard.deadline,
            responsible_unit=hazard.responsible_unit, responsible_person=hazard.responsible_person,
            funding=hazard.funding, fixed_on_spot=hazard.fixed_on_spot, found_at=dates.local_date(hazard.found_at),
            closed_at=dates.local_date(hazard.closed_at) if hazard.closed_at else None, notice_prefix=org.notice_prefix,
            photo=store.find(photo_digest) if photo_digest else None, plan=plan_ref,
        ))
    return facts


@lru_cache(maxsize=64)
def printable_photo(path: Path) -> bytes:
    """The photo as JPEG bytes no larger than needed for print (a small JPEG is passed through)."""
    with Image.open(path) as image:
        if image.format == "JPEG" and max(image.size) <= PHOTO_MAX_PX * 1.5 and image.mode == "RGB":
            return path.read_bytes()
        # Decoding a 12-megapixel JPEG at 1/4 or 1/8 scale is several times quicker than in full.
        image.draft("RGB", (PHOTO_MAX_PX, PHOTO_MAX_PX))
        rgb = image.convert("RGB")
        rgb.thumbnail((PHOTO_MAX_PX, PHOTO_MAX_PX), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        rgb.save(out, format="JPEG", quality=85)
        return out.getvalue()
