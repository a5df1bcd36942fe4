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
from inspector_app.core.major_hazards import CONFIRMED, Decision, decisions_of
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
class MajorFacts:
    """The decision that made a hazard a major hazard, as a document prints it (in its language; the
    rule's text verbatim, as the decision recorded it)."""

    rule_id: str
    reference: str
    text: str  # verbatim, in the source's language
    gloss: str  # English gloss: printed as such, never as the law
    source: str  # the source document's title
    source_number: str
    file: str
    edition: str
    sha256: str
    status: str  # how complete and checked the rule file's texts are (from the forms, if still known)
    decided_on: dt.date | None
    names: tuple[str, ...]
    conclusion: str
    experts: tuple[str, ...]
    votes_for: int | None
    votes_against: int | None
    answers: tuple[tuple[str, bool | None], ...]
    recorded_by: str
    recorded_on: dt.date
    record_number: str  # the determination record's number: the hazard's, then the decision's ordinal

    @property
    def basis(self) -> str:
        """The rule as the basis a notice prints: the source, its number, the article and item, the text."""
        if current_language().startswith("zh"):
            return f"{self.source}（{self.source_number}）{self.reference}：{self.text}"
        return _("{source} ({number}), {reference}: {gloss} [official text: {text}]").format(
            source=self.source, number=self.source_number, reference=self.reference, gloss=self.gloss,
            text=self.text)


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
    major: MajorFacts | None = None  # a confirmed major hazard's decision (core.major_hazards)

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
    decisions = decisions_of(session, [row[0].id for row in rows if row[0].major_rule])
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
        major = _major_facts(catalogue, hazard, decisions.get(hazard.id, []), language)
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
            photo=store.find(photo_digest) if photo_digest else None, plan=plan_ref, major=major,
        ))
    return facts


def _major_facts(catalogue: Catalogue, hazard: Hazard, decisions: list[Decision], language: str) -> MajorFacts | None:
    """The decision behind the hazard's current rule, or None if it is not a confirmed major hazard."""
    confirmations = [d for d in decisions if d.decision == CONFIRMED]
    current = [d for d in confirmations if d.rule_id == hazard.major_rule] if hazard.major_rule else []
    if not current:
        return None
    decision = current[-1]
    rule_file = catalogue.rule_files.get(decision.file)
    group = decision.group
    return MajorFacts(
        rule_id=decision.rule_id, reference=decision.reference.get(language), text=decision.text,
        gloss=decision.gloss, source=decision.source.get(language), source_number=decision.source_number,
        file=decision.file, edition=decision.edition, sha256=decision.sha256,
        status=rule_file.status.get(language) if rule_file and rule_file.edition == decision.edition else "",
        decided_on=group.decided_on if group else None, names=group.names if group else (),
        conclusion=group.conclusion if group else "", experts=group.experts if group else (),
        votes_for=group.votes_for if group else None, votes_against=group.votes_against if group else None,
        answers=tuple((question.get(language), answer) for question, answer in decision.answers),
        recorded_by=decision.actor, recorded_on=dates.local_date(decision.at),
        record_number=f"{hazard.number}-ZD{confirmations.index(decision) + 1:02d}")


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
