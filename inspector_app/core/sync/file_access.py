"""Which stored files (plans, photos, signatures) an account may know of, many hashes at a time.

A file goes only to an account that may reach a row naming it (may_read_file asks
for one). The sync API asks for many at once (a laptop's "which of these do you lack?"), and answers
a file the account may not see exactly as one the server does not have: knowing a hash must not
tell anyone that another county holds that photo.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector_app.core.accounts import Principal, organisation_parents
from inspector_app.core.sync.entities import CLOCKED, FILE_COLUMNS, OrganisationResolver, chunks


def readable_files(session: Session, principal: Principal, digests: Iterable[str]) -> set[str]:
    """The hashes among ``digests`` that some row the account may reach names (whether the store
    holds the file is the caller's question)."""
    wanted = sorted(set(digests))
    if principal.is_admin:
        return set(wanted)
    parents = organisation_parents(session)
    resolver = OrganisationResolver(session)
    readable: set[str] = set()
    for entity, column_name in FILE_COLUMNS.items():
        model = CLOCKED[entity]
        column = getattr(model, column_name)
        for chunk in chunks([d for d in wanted if d not in readable]):
            for row in session.scalars(select(model).where(column.in_(chunk))):
                digest = getattr(row, column_name)
                if digest not in readable and principal.may_reach(resolver.of_row(entity, row), parents):
                    readable.add(digest)
    return readable


def may_read_file(session: Session, principal: Principal, digest: str) -> bool:
    """One file: knowing a photo's hash must not be enough to fetch another county's photos."""
    return digest in readable_files(session, principal, [digest])
