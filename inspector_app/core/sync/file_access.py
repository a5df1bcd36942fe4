"""Which stored files (plans, photos, signatures) an account may know of, many hashes at a time.

A file goes only to an account that may reach a row naming it. The sync API asks for many at once
(a laptop's "which of these do you lack?", a batch of downloads), and answers a file the account may
not see exactly as one the server does not have: knowing a hash must not tell anyone that another
county holds that photo.

Set-based: one joined query per kind of row and slice of hashes yields each hash with the
organisation of every row naming it, so a batch of 128 photos costs the same few queries as one
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


def _owners(kind: str, digests: list[str]) -> Select[str, uuid.UUID]:
    """(hash, organisation) for every row of ``kind`` naming one of ``digests``."""
    if kind == "attachment":
        return (select(Attachment.file_hash, Site.organisation_id)
                .join(Hazard, Hazard.id == Attachment.hazard_id).join(Site, Site.id == Hazard.site_id)
                .where(Attachment.file_hash.in_(digests)))
    if kind == "plan_document":
        return (select(PlanDocument.file_hash, Site.organisation_id)
                .join(Floor, Floor.id == PlanDocument.floor_id).join(Building, Building.id == Floor.building_id)
                .join(Site, Site.id == Building.site_id).where(PlanDocument.file_hash.in_(digests)))
    # A review belongs to the organisation of the hazards it covers (core.sync.entities).
    return (select(Review.signature_hash, Site.organisation_id)
            .join(review_hazards, review_hazards.c.review_id == Review.id)
            .join(Hazard, Hazard.id == review_hazards.c.hazard_id).join(Site, Site.id == Hazard.site_id)
            .where(Review.signature_hash.in_(digests)))


def readable_files(session: Session, principal: Principal, digests: Iterable[str]) -> set[str]:
    """The hashes among ``digests`` that some row the account may reach names (whether the store
    holds the file is the caller's question)."""
    wanted = sorted(set(digests))
    if principal.is_admin or not wanted:
        return set(wanted)
    parents = organisation_parents(session)
    readable: set[str] = set()
    for kind in KINDS:
        left = [d for d in wanted if d not in readable]
        if not left:
            break
        for chunk in chunks(left):
            for digest, organisation in session.execute(_owners(kind, chunk)):
                if principal.may_reach(organisation, parents):
                    readable.add(digest)
    return readable


def may_read_file(session: Session, principal: Principal, digest: str) -> bool:
    """One file: knowing a photo's hash must not be enough to fetch another county's photos."""
    return digest in readable_files(session, principal, [digest])
