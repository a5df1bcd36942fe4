"""Which stored files (plans, photos, signatures) an account may know of, many hashes at a time.

A file goes only to an account that may reach a row naming it. The sync API asks for many at once
(a laptop's "which of these do you lack?", a batch of downloads), and answers a file the account may
not see exactly as one the server does not have: knowing a hash must not tell anyone that another
county holds that photo.

Set-based: one joined query per kind of row and slice of hashes yields the hashes that rows of the
account's organisations name, so a batch of 128 photos costs the same few queries as one
(before, each row's hazard and site were looked up one query at a time). Photos are asked first:
they are nearly every file, their hash column is indexed, and a hash found readable there is not
looked for among plans and signatures again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from inspector_app.core.accounts import Principal, organisation_parents
from inspector_app.core.models import (
    Attachment,
    Building,
    Floor,
    Hazard,
    PlanDocument,
    Review,
    Site,
    review_hazards,
)
from inspector_app.core.sync.entities import chunks

# Every kind of row naming a file (entities.FILE_COLUMNS), photos first.
KINDS = ("attachment", "plan_document", "review")


def _readable(kind: str, digests: list[str], organisations: list[uuid.UUID]) -> Select[str]:
    """Which of ``digests`` a row of ``kind`` belonging to one of ``organisations`` names. The
    organisations are asked in the query: a hash named by rows of many counties (a plan every school
    of a city was given) yields one row, not one per county to be sorted out here."""
    if kind == "attachment":
        return (select(Attachment.file_hash).distinct()
                .join(Hazard, Hazard.id == Attachment.hazard_id).join(Site, Site.id == Hazard.site_id)
                .where(Attachment.file_hash.in_(digests), Site.organisation_id.in_(organisations)))
    if kind == "plan_document":
        return (select(PlanDocument.file_hash).distinct()
                .join(Floor, Floor.id == PlanDocument.floor_id).join(Building, Building.id == Floor.building_id)
                .join(Site, Site.id == Building.site_id)
                .where(PlanDocument.file_hash.in_(digests), Site.organisation_id.in_(organisations)))
    # A review belongs to the organisation of the hazards it covers (core.sync.entities).
    return (select(Review.signature_hash).distinct()
            .join(review_hazards, review_hazards.c.review_id == Review.id)
            .join(Hazard, Hazard.id == review_hazards.c.hazard_id).join(Site, Site.id == Hazard.site_id)
            .where(Review.signature_hash.in_(digests), Site.organisation_id.in_(organisations)))


def readable_files(session: Session, principal: Principal, digests: Iterable[str]) -> set[str]:
    """The hashes among ``digests`` that some row the account may reach names (whether the store
    holds the file is the caller's question)."""
    wanted = sorted(set(digests))
    if principal.is_admin or not wanted:
        return set(wanted)
    parents = organisation_parents(session)
    reachable = sorted(organisation for organisation in parents if principal.may_reach(organisation, parents))
    readable: set[str] = set()
    if not reachable:
        return readable
    for kind in KINDS:
        left = [d for d in wanted if d not in readable]
        if not left:
            break
        for chunk in chunks(left):
            readable.update(session.scalars(_readable(kind, chunk, reachable)))
    return readable


def may_read_file(session: Session, principal: Principal, digest: str) -> bool:
    """One file: knowing a photo's hash must not be enough to fetch another county's photos."""
    return digest in readable_files(session, principal, [digest])
