"""A responsible unit's rectification link travels like the hazard's photos: only its hash, from the
laptop that printed it to the server (whose report page it then opens) and to the other laptops; a
reprint or the hazard's closing ends it everywhere; the server refuses a link row that reopens an
ended link, changes its hash or hazard, or keeps anything but a SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid

from sqlalchemy import select

from inspector_app.core import rectification_links
from inspector_app.core.hazards import change_status
from inspector_app.core.models import Hazard, RectificationLink, ReviewLink
from inspector_app.core.sync import laptop as laptop_side
from inspector_app.core.sync.push_checks import link_refusal
from tests.sync.conftest import Central, add, school, verified


def _links(db) -> dict[str, tuple[str, str]]:
    with db.session() as session:
        return {link.secret_hash: (str(link.hazard_id), link.ended_reason)
                for link in session.scalars(select(RectificationLink))}


def test_a_link_reaches_the_server_as_a_hash_and_ends_everywhere(central: Central, laptops, catalogue):
    a, b = laptops("a"), laptops("b")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"], "frayed cable")
    with a.db.session() as session:
        secret = rectification_links.issue(session, hazard_id, a.actor)
    a.sync(central)
    digest = hashlib.sha256(secret.encode()).hexdigest()
    assert _links(central.db) == {digest: (str(hazard_id), "")}
    with central.db.session() as session:
        assert rectification_links.open_link(session, secret) is not None
        assert rectification_links.open_link(session, digest) is None  # the hash does not open it
    b.sync(central)
    assert _links(b.db) == _links(central.db)

    with b.db.session() as session:  # a reprint on the other laptop ends the first link
        newer = rectification_links.issue(session, hazard_id, b.actor)
    b.sync(central)
    with central.db.session() as session:
        assert rectification_links.open_link(session, secret) is None
        assert rectification_links.open_link(session, newer) is not None
    a.sync(central)
    with a.db.session() as session:  # closing the hazard on the first laptop ends the newer one
        change_status(session, a.db.store, session.get(Hazard, hazard_id), "withdrawn", a.actor, note="duplicate")
    a.sync(central)
    with central.db.session() as session:
        assert rectification_links.open_link(session, newer) is None
    assert sorted(reason for _h, reason in _links(central.db).values()) == ["replaced", "withdrawn"]
    assert verified(central.db) and verified(a.db) and verified(b.db)


def test_the_server_refuses_a_link_row_the_program_would_never_write(db, english):
    link = RectificationLink(hazard_id=uuid.uuid4(), secret_hash="a" * 64,
                             ended_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC), ended_reason="closed")
    values = {"id": link.id, "hazard_id": link.hazard_id, "secret_hash": "a" * 64, "ended_at": None,
              "ended_reason": ""}
    assert "cannot be opened again" in link_refusal("link", link, values)
    assert "SHA-256" in link_refusal("link", None, {**values, "secret_hash": "the secret itself"})
    assert "SHA-256" in link_refusal("link", None, {**values, "secret_hash": "A" * 64})
    assert "cannot change" in link_refusal("link", link, {**values, "secret_hash": "b" * 64,
                                                          "ended_at": link.ended_at})
    assert "reason" in link_refusal("link", None, {**values, "ended_reason": "bored"})
    moved = link_refusal("link", link, {**values, "hazard_id": uuid.uuid4(), "ended_at": link.ended_at})
    assert moved is not None and "'hazard_id'" in moved  # a link stays with its hazard
    review_link = ReviewLink(site_id=uuid.uuid4(), secret_hash="c" * 64)
    school = {"id": review_link.id, "site_id": review_link.site_id, "secret_hash": "c" * 64, "ended_at": None,
              "ended_reason": ""}
    assert link_refusal("link", review_link, school) is None
    moved = link_refusal("link", review_link, {**school, "site_id": uuid.uuid4()})
    assert moved is not None and "'site_id'" in moved  # and a principal's link with its school
    assert link_refusal("link", None, values) is None
    assert link_refusal("link", link, {**values, "ended_at": link.ended_at, "ended_reason": "closed"}) is None


def test_an_inspector_token_cannot_reopen_an_ended_link_through_a_push(central: Central, laptops, catalogue):
    a = laptops("a")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"], "frayed cable")
    with a.db.session() as session:
        secret = rectification_links.issue(session, hazard_id, a.actor)
        rectification_links.end_links(session, hazard_id, "replaced")
    a.sync(central)
    with a.db.session() as session:  # behind the program's back: reopen it, and push the row again
        link = session.scalars(select(RectificationLink)).one()
        link.ended_at, link.ended_reason = None, ""
    report = a.sync(central)
    assert [r["status"] for r in report.refused] == ["forbidden"]
    with central.db.session() as session:
        assert rectification_links.open_link(session, secret) is None
    with a.db.session() as session:
        assert laptop_side.replica(session).last_error
