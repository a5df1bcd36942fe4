"""Two laptops and the central ledger: what one records reaches the other, files included; edits to
different fields merge; the same field edited on both is a conflict kept on every ledger."""

from __future__ import annotations

from sqlalchemy import select

from inspector_app.core import hazards
from inspector_app.core.models import Attachment, ChangeLog, Hazard, SupersededToken
from inspector_app.core.sync.conflicts import open_conflicts, resolve
from inspector_app.core.sync.run import status
from tests.sync.conftest import add, edit, ledger_state, make_central, school, verified


def _description(laptop, hazard_id):
    with laptop.db.session() as session:
        return session.get(Hazard, hazard_id).description


def test_a_hazard_with_its_photo_reaches_the_other_laptop(central, laptops, catalogue, jpeg_photo):
    a, b = laptops("a"), laptops("b")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"], "frayed cable behind bunk 3", photos=[jpeg_photo])
    first = a.sync(central)
    assert first.pushed >= 5 and first.files_sent == 1 and not first.refused
    token = central.token("Li Wei", places["org"])
    second = b.sync(central, token)
    assert second.files_received == 1 and not second.refused and not second.problems
    with b.db.session() as session:
        photo = session.scalars(select(Attachment).where(Attachment.hazard_id == hazard_id)).one()
        assert b.db.store.find(photo.file_hash).read_bytes() == a.db.store.find(photo.file_hash).read_bytes()
    assert _description(b, hazard_id) == "frayed cable behind bunk 3"
    assert ledger_state(a.db) == ledger_state(b.db) == ledger_state(central.db)
    assert verified(a.db) and verified(b.db) and verified(central.db)


def test_laptops_number_new_hazards_in_their_own_blocks(central, laptops, catalogue):
    a, b = laptops("a"), laptops("b")
    places = school(a)
    a.sync(central)
    b.sync(central)
    ids = [add(a, catalogue, places["floor"]), add(b, catalogue, places["floor"]), add(a, catalogue, places["floor"])]
    for laptop in (a, b, a, b):
        laptop.sync(central)
    with central.db.session() as session:
        numbers = [session.get(Hazard, i).number for i in ids]
    assert len(set(numbers)) == 3, numbers
    assert numbers[0].startswith("LL1-1") and numbers[1].startswith("LL1-2"), numbers
    assert ledger_state(a.db) == ledger_state(b.db) == ledger_state(central.db)


def test_edits_of_different_fields_on_two_laptops_both_survive(central, laptops, catalogue):
    a, b = laptops("a"), laptops("b")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"])
    a.sync(central)
    b.sync(central)
    edit(a, hazard_id, room="203")
    edit(b, hazard_id, responsible_person="Zhang San")
    a.sync(central)
    report = b.sync(central)
    a.sync(central)
    assert report.conflicts == 0
    for laptop in (a, b):
        with laptop.db.session() as session:
            hazard = session.get(Hazard, hazard_id)
            assert (hazard.room, hazard.responsible_person) == ("203", "Zhang San")
    assert ledger_state(a.db) == ledger_state(b.db) == ledger_state(central.db)
    assert verified(a.db) and verified(b.db) and verified(central.db)


def test_the_same_field_edited_on_two_laptops_is_a_conflict_on_every_ledger(central, laptops, catalogue):
    a, b = laptops("a"), laptops("b")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"], "original")
    a.sync(central)
    b.sync(central)
    edit(a, hazard_id, description="A's words")
    edit(b, hazard_id, description="B's words")
    a.sync(central)  # A reaches the server first: its value stays in effect
    report = b.sync(central)
    a.sync(central)
    assert report.conflicts == 1 and report.open_conflicts == 1
    assert _description(a, hazard_id) == _description(b, hazard_id) == "A's words"
    for laptop in (a, b):
        with laptop.db.session() as session:
            (conflict,) = open_conflicts(session)
            assert (conflict.data["kept"], conflict.data["set_aside"]) == ("A's words", "B's words")
    with b.db.session() as session:
        me = str(b.db.replica_id())
        view = open_conflicts(session)[0].as_dict(me)
        assert (view["mine"], view["theirs"]) == ("B's words", "A's words")
    with a.db.session() as session:
        view = open_conflicts(session)[0].as_dict(str(a.db.replica_id()))
        assert (view["mine"], view["theirs"]) == ("A's words", "B's words")
    assert ledger_state(a.db) == ledger_state(b.db) == ledger_state(central.db)

    with b.db.session() as session:
        resolve(session, str(open_conflicts(session)[0].event.id)[:8], "mine", b.actor)
    b.sync(central)
    a.sync(central)
    assert _description(a, hazard_id) == _description(b, hazard_id) == "B's words"
    for laptop in (a, b):
        with laptop.db.session() as session:
            assert open_conflicts(session) == []
    assert status(a.db)["open_conflicts"] == 0
    assert ledger_state(a.db) == ledger_state(b.db) == ledger_state(central.db)
    assert verified(a.db) and verified(b.db) and verified(central.db)


def test_status_says_what_waits_and_when_the_last_sync_was(central, laptops, catalogue):
    a = laptops("a")
    places = school(a)
    before = status(a.db)
    assert before["last_sync_at"] is None and before["pending_changes"] > 0
    a.sync(central)
    after = status(a.db)
    assert after["last_sync_at"] is not None and after["pending_changes"] == 0 and after["last_error"] == ""
    hazard_id = add(a, catalogue, places["floor"])
    assert status(a.db)["pending_changes"] == 1  # one hazard, however many history entries it wrote
    edit(a, hazard_id, room="12")
    assert status(a.db)["pending_changes"] == 1


def test_organisation_settings_set_on_one_laptop_reach_every_laptop(central, laptops, catalogue):
    from inspector_app.core.models import Organisation
    from inspector_app.core.organisation import set_organisation, settings_for_site

    a, b = laptops("a"), laptops("b")
    places = school(a)
    a.sync(central)
    b.sync(central)
    with b.db.session() as session:
        set_organisation(session, session.get(Organisation, places["org"]),
                         public_base_url="https://fire.example.edu.cn/", notice_prefix="吕教安", language="zh_CN")
    b.sync(central)
    a.sync(central)
    with a.db.session() as session:
        printed = settings_for_site(session, places["site"])
        assert printed.public_base_url == "https://fire.example.edu.cn"
    # The later change wins whole, whichever laptop made it.
    with a.db.session() as session:
        set_organisation(session, session.get(Organisation, places["org"]), public_base_url="https://new.example.cn")
    a.sync(central)
    b.sync(central)
    with b.db.session() as session:
        assert settings_for_site(session, places["site"]).public_base_url == "https://new.example.cn"


def test_a_hazard_whose_notice_was_reprinted_reaches_a_postgresql_server_and_the_other_laptop(
        postgres_url, tmp_path, laptops, catalogue):
    """A reprinted notice leaves its old code as a superseded token, written by the server in a flush
    of its own after the hazard's; its change-log entry (under the hazard's key) names the hazard's
    organisation. The PostgreSQL tracker took the token for the hazard and failed the push."""
    central = make_central(postgres_url, tmp_path / "central-files")
    try:
        a, b = laptops("a"), laptops("b")
        places = school(a)
        hazard_id = add(a, catalogue, places["floor"], "blocked exit")
        with a.db.session() as session:
            old_token = session.get(Hazard, hazard_id).public_token
            hazards.rotate_token(session, session.get(Hazard, hazard_id), a.actor)
        report = a.sync(central)
        assert not report.refused and not report.problems
        with central.db.session() as session:
            assert set(session.scalars(select(SupersededToken.token))) == {old_token}
            logged = set(session.scalars(select(ChangeLog.organisation_id).where(ChangeLog.entity_id == hazard_id)))
            assert logged == {places["org"]}
        b.sync(central, central.token("Li Wei", places["org"]))
        with b.db.session() as session:
            assert set(session.scalars(select(SupersededToken.token))) == {old_token}
        assert ledger_state(a.db) == ledger_state(b.db) == ledger_state(central.db)
    finally:
        central.db.dispose()
