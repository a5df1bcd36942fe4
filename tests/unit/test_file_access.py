"""Which stored files an account may fetch (core.sync.file_access): a file named by rows of several
organisations is readable to an account reaching any of them, directly or through a parent, and to
nobody else; the organisations are asked in the query, so a hash many counties name costs one row."""

from __future__ import annotations

import uuid

from PIL import Image

from inspector_app.core import hazards, structure
from inspector_app.core.accounts import Principal
from inspector_app.core.models import Organisation
from inspector_app.core.sync.file_access import readable_files


def _photo_in(session, db, catalogue, organisation: Organisation, path) -> str:
    site = structure.create_site(session, organisation, f"School of {organisation.name}")
    hazard = hazards.add_hazard(session, catalogue, db.store, actor="li", category="electrical.aging_wiring",
                                site_id=site.id)
    return hazards.attach_photo(session, db.store, hazard, path, role="before", actor="li").file_hash


def _account(*granted: uuid.UUID, role: str = "inspector") -> Principal:
    return Principal(uuid.uuid4(), "someone", role, frozenset(granted))


def test_a_shared_photo_is_readable_through_any_organisation_that_names_it(db, catalogue, tmp_path):
    shared, own = tmp_path / "shared.jpg", tmp_path / "own.jpg"
    Image.new("RGB", (64, 48), "#884422").save(shared, "JPEG")
    Image.new("RGB", (64, 48), "#224488").save(own, "JPEG")
    with db.session() as session:
        bureau = Organisation(name="Bureau", kind="county")
        session.add(bureau)
        session.flush()
        school_a = Organisation(name="A", parent_id=bureau.id)
        school_b, elsewhere = Organisation(name="B"), Organisation(name="C")
        session.add_all([school_a, school_b, elsewhere])
        session.flush()
        shared_hash = _photo_in(session, db, catalogue, school_a, shared)
        assert _photo_in(session, db, catalogue, school_b, shared) == shared_hash
        own_hash = _photo_in(session, db, catalogue, school_b, own)
        unknown = "0" * 64
        asked = [shared_hash, own_hash, unknown]
        assert readable_files(session, _account(school_a.id), asked) == {shared_hash}
        assert readable_files(session, _account(bureau.id), asked) == {shared_hash}  # through its school
        assert readable_files(session, _account(school_b.id), asked) == {shared_hash, own_hash}
        assert readable_files(session, _account(elsewhere.id), asked) == set()
        assert readable_files(session, _account(), asked) == set()
        assert readable_files(session, _account(role="admin"), asked) == set(asked)  # the store decides
