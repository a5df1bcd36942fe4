"""The central ledger's pull, page by page (core/sync/pull_pages.py): which change-log entries a page
reads (after the cursor, at most the limit, only the organisations the account reaches), what it
hands out for them (each row as it is now, a hazard whole with its history and superseded tokens, a
removed photo as removed, the keys behind the page's signatures), and where the next page starts.

One SQLite ledger stands in for the server: its change log is the one the tracker writes on every
ledger. The organisation of each entry, which only PostgreSQL's tracker records, is written here by
hand where a test needs it. Fast, so mutation testing can run it (scripts/mutation.sh pull_pages)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import event, func, insert, select, update

from inspector_app.core import accounts, hazards, reviews, signatures, structure
from inspector_app.core.accounts import Principal
from inspector_app.core.attachments import detach_photo
from inspector_app.core.models import (
    Attachment,
    Building,
    ChangeLog,
    Floor,
    Hazard,
    HazardEvent,
    Organisation,
    Site,
    SupersededToken,
)
from inspector_app.core.sync import pull_pages
from inspector_app.core.sync.entities import chunks


@pytest.fixture
def city(db, catalogue, jpeg_photo) -> dict[str, Any]:
    """Our county with a school below it (three hazards: one with a photo, one edited, one with a
    reprinted notice) and another county (one hazard), all on one ledger."""
    with db.session() as session:
        county = structure.create_organisation(session, "Our county", kind="county")
        school = structure.create_organisation(session, "Our school", parent=county)
        site = structure.create_site(session, school, "No. 1 Middle School", code="LL1")
        floor = structure.create_floor(session, structure.create_building(session, site, "Dormitory"), "1F", 1)
        ours = [hazards.add_hazard(session, catalogue, db.store, actor="wang", category="electrical.aging_wiring",
                                   floor_id=floor.id, x=0.3, y=0.4, description=f"hazard {n}",
                                   photos=[jpeg_photo] if n == 0 else []) for n in range(3)]
        hazards.update_hazard(session, ours[1], "wang", room="101")
        hazards.rotate_token(session, ours[2], "wang")
        other = structure.create_organisation(session, "Another county", kind="county")
        their_site = structure.create_site(session, other, "Another school", code="AN1")
        their_floor = structure.create_floor(session, structure.create_building(session, their_site, "Block"),
                                             "1F", 1)
        theirs = hazards.add_hazard(session, catalogue, db.store, actor="zhao", category="electrical.aging_wiring",
                                    floor_id=their_floor.id, x=0.5, y=0.5)
        return {"county": county.id, "school": school.id, "other": other.id, "ours": [h.id for h in ours],
                "theirs": theirs.id, "site": site.id, "their_site": their_site.id, "floor": floor.id,
                "their_floor": their_floor.id}


def inspector(*organisations: uuid.UUID) -> Principal:
    return Principal(token_id=uuid.uuid4(), inspector="王芳", role="inspector", granted=frozenset(organisations))


ADMIN = Principal(token_id=uuid.uuid4(), inspector="admin", role="admin", granted=frozenset())


def pull(db, principal: Principal, cursor: int = 0, limit: int = pull_pages.PULL_PAGE_LIMIT,
         max_bytes: int | None = None) -> dict[str, Any]:
    with db.session() as session:
        return pull_pages.pull(session, principal, cursor, limit, max_bytes)


def cursors(db) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(ChangeLog.cursor).order_by(ChangeLog.cursor)))


def log(db, entity: str, entity_id: uuid.UUID, deleted: bool = False, organisation: uuid.UUID | None = None) -> int:
    """A change-log entry written as the tracker writes one; returns its cursor."""
    with db.session() as session:
        session.execute(insert(ChangeLog).values(entity=entity, entity_id=entity_id, deleted=deleted, source="pushed",
                                                 organisation_id=organisation))
        return int(session.scalar(select(func.max(ChangeLog.cursor))) or 0)


def key_of(item: dict[str, Any]) -> tuple[str, str]:
    return item["entity"], str(item["row"]["id"] if "row" in item else item["id"])


def rows_of(db, *models_and_filters: tuple[type, Any]) -> set[tuple[str, str]]:
    names = {Organisation: "organisation", Site: "site", Building: "building", Floor: "floor", Hazard: "hazard",
             Attachment: "attachment"}
    found: set[tuple[str, str]] = set()
    with db.session() as session:
        for model, where in models_and_filters:
            found |= {(names[model], str(row_id)) for row_id in session.scalars(select(model.id).where(where))}
    return found


def test_one_page_gives_every_row_the_account_reaches_once_as_it_is_now(db, city):
    page = pull(db, inspector(city["county"]))
    keys = [key_of(item) for item in page["items"]]
    assert len(keys) == len(set(keys))
    assert set(keys) == rows_of(
        db, (Organisation, Organisation.id.in_([city["county"], city["school"]])), (Site, Site.id == city["site"]),
        (Building, Building.site_id == city["site"]), (Floor, Floor.id == city["floor"]),
        (Hazard, Hazard.id.in_(city["ours"])), (Attachment, Attachment.hazard_id.in_(city["ours"])))
    assert page["cursor"] == cursors(db)[-1] and page["more"] is False
    with db.session() as session:
        edited = session.get(Hazard, city["ours"][1])
        assert edited is not None
        row = next(item["row"] for item in page["items"] if key_of(item) == ("hazard", str(edited.id)))
        assert (row["room"], row["description"]) == ("101", "hazard 1")  # the row as it is now


def test_an_admin_reaches_every_organisation(db, city):
    keys = {key_of(item) for item in pull(db, ADMIN)["items"]}
    assert ("hazard", str(city["theirs"])) in keys and ("organisation", str(city["other"])) in keys
    assert {("hazard", str(h)) for h in city["ours"]} <= keys


def test_each_hazard_comes_with_its_whole_history_and_superseded_tokens(db, city):
    page = pull(db, ADMIN)
    with db.session() as session:
        for item in page["items"]:
            if item["entity"] != "hazard":
                continue
            hazard_id = uuid.UUID(item["row"]["id"])
            held = list(session.scalars(select(HazardEvent.id).where(HazardEvent.hazard_id == hazard_id)
                                        .order_by(HazardEvent.seq)))
            assert [e["id"] for e in item["events"]] == [str(e) for e in held]
            assert {e["hazard_id"] for e in item["events"]} == {str(hazard_id)}
            assert [e["seq"] for e in item["events"]] == list(range(1, len(held) + 1))
            tokens = set(session.scalars(select(SupersededToken.token).where(SupersededToken.hazard_id == hazard_id)))
            assert {t["token"] for t in item["superseded"]} == tokens
            assert all(t["hazard_id"] == str(hazard_id) for t in item["superseded"])
    rotated = next(item for item in page["items"] if key_of(item) == ("hazard", str(city["ours"][2])))
    assert len(rotated["superseded"]) == 1


def test_parents_come_before_their_children_in_a_page(db, city):
    keys = [key_of(item) for item in pull(db, inspector(city["county"]))["items"]]
    position = {key: n for n, key in enumerate(keys)}
    for parent, child in ((("organisation", city["county"]), ("organisation", city["school"])),
                          (("organisation", city["school"]), ("site", city["site"])),
                          (("site", city["site"]), ("floor", city["floor"])),
                          (("floor", city["floor"]), ("hazard", city["ours"][0]))):
        assert position[(parent[0], str(parent[1]))] < position[(child[0], str(child[1]))]
    assert max(n for (entity, _id), n in position.items() if entity == "hazard") < min(
        n for (entity, _id), n in position.items() if entity == "attachment")


def test_small_pages_give_what_one_page_gives_and_say_where_the_next_starts(db, city):
    everything = cursors(db)
    whole = {key_of(item): item for item in pull(db, ADMIN)["items"]}
    paged: dict[tuple[str, str], dict[str, Any]] = {}
    cursor, ends = 0, []
    while True:
        page = pull(db, ADMIN, cursor, 3)
        paged.update((key_of(item), item) for item in page["items"])
        ends.append(page["cursor"])
        if not page["more"]:
            break
        cursor = page["cursor"]
    assert paged == whole
    # Each full page ends at its third entry, and says there may be more; the last page (short, or
    # empty after a full one) ends at the end of the log.
    assert ends == [everything[n] for n in range(2, len(everything), 3)] + [everything[-1]]


def test_a_page_that_is_exactly_full_says_there_may_be_more_and_the_next_is_empty(db, city):
    everything = cursors(db)
    full = pull(db, ADMIN, everything[-4], 3)
    assert (full["cursor"], full["more"]) == (everything[-1], True)
    empty = pull(db, ADMIN, everything[-1], 3)
    assert empty == {"items": [], "cursor": everything[-1], "more": False, "keys": []}


def test_a_page_starts_after_its_cursor(db, city):
    everything = cursors(db)
    page = pull(db, ADMIN, everything[0], 1)
    assert (page["cursor"], page["more"]) == (everything[1], True)
    assert pull(db, ADMIN, everything[-1] + 100, 5) == {"items": [], "cursor": everything[-1] + 100, "more": False,
                                                      "keys": []}


@pytest.mark.parametrize("asked", [1, 0, -5])
def test_a_page_holds_at_least_one_entry(db, city, asked):
    everything = cursors(db)
    page = pull(db, ADMIN, 0, asked)
    assert (page["cursor"], page["more"]) == (everything[0], True)


def test_a_page_holds_at_most_the_page_limit(db, city):
    with db.session() as session:
        session.execute(insert(ChangeLog), [{"entity": "organisation", "entity_id": city["county"], "deleted": False,
                                             "source": "pushed"} for _ in range(pull_pages.PULL_PAGE_LIMIT)])
    everything = cursors(db)
    assert len(everything) > pull_pages.PULL_PAGE_LIMIT + 1
    page = pull(db, ADMIN, 0, pull_pages.PULL_PAGE_LIMIT + 1)
    assert (page["cursor"], page["more"]) == (everything[pull_pages.PULL_PAGE_LIMIT - 1], True)
    page = pull(db, ADMIN, 0, 10 * pull_pages.PULL_PAGE_LIMIT)
    assert page["cursor"] == everything[pull_pages.PULL_PAGE_LIMIT - 1]
    two = pull(db, ADMIN, 0, 2)
    assert (two["cursor"], two["more"]) == (everything[1], True)


def test_an_inspector_reads_only_the_entries_of_the_organisations_it_reaches(db, city):
    """The server's log names each entry's organisation: an inspector of the county reads the county's
    and its school's entries and those of no known organisation, never another county's, so its pages
    follow its own entries only."""
    with db.session() as session:
        everything = list(session.execute(select(ChangeLog.cursor, ChangeLog.entity, ChangeLog.entity_id)
                                          .order_by(ChangeLog.cursor)))
        their_rows = {city["other"], city["their_site"], city["their_floor"], city["theirs"]} | set(
            session.scalars(select(Building.id).where(Building.site_id == city["their_site"]))) | set(
            session.scalars(select(HazardEvent.id).where(HazardEvent.hazard_id == city["theirs"])))
        mine = []
        for n, (cursor, _entity, entity_id) in enumerate(everything):
            if entity_id in their_rows:
                organisation = city["other"]
            else:
                organisation = (city["county"], city["school"], None)[n % 3]
                mine.append(cursor)
            session.execute(update(ChangeLog).where(ChangeLog.cursor == cursor).values(organisation_id=organisation))
    assert len(mine) < len(everything)
    principal, cursor, ends = inspector(city["county"]), 0, []
    while True:
        page = pull(db, principal, cursor, 1)
        ends.append(page["cursor"])
        if not page["more"]:
            break
        cursor = page["cursor"]
    assert ends[:len(mine)] == mine and set(ends) == set(mine)


def test_an_entry_of_no_known_organisation_is_still_checked_against_the_row(db, city):
    """An entry logged without its organisation is read, but the row is handed out only if the account
    reaches it as it is now."""
    before = cursors(db)[-1]
    log(db, "hazard", city["theirs"])
    log(db, "hazard", city["ours"][0])
    page = pull(db, inspector(city["county"]), before)
    assert [key_of(item) for item in page["items"]] == [("hazard", str(city["ours"][0]))]
    assert page["cursor"] == before + 2


def test_an_admin_reads_entries_of_an_organisation_no_longer_known(db, city):
    before = cursors(db)[-1]
    log(db, "hazard", city["ours"][1], organisation=uuid.uuid4())
    assert [key_of(i) for i in pull(db, ADMIN, before)["items"]] == [("hazard", str(city["ours"][1]))]
    assert pull(db, inspector(city["county"]), before)["items"] == []


def test_an_event_entry_gives_its_hazard_whole(db, city):
    with db.session() as session:
        events = list(session.scalars(select(HazardEvent.id).where(HazardEvent.hazard_id == city["ours"][1])))
    before = cursors(db)[-1]
    log(db, "event", events[-1])
    log(db, "event", events[0])
    log(db, "event", uuid.uuid4())  # an event the ledger no longer holds: nothing to hand out
    page = pull(db, inspector(city["county"]), before)
    assert [(key_of(i), len(i["events"])) for i in page["items"]] == [(("hazard", str(city["ours"][1])), len(events))]
    assert (page["cursor"], page["more"]) == (before + 3, False)


def test_a_removed_photo_is_handed_out_as_removed_and_nothing_else_that_is_gone(db, city):
    with db.session() as session:
        photo = session.scalars(select(Attachment.id).where(Attachment.hazard_id == city["ours"][0])).one()
    before = cursors(db)[-1]
    with db.session() as session:
        detach_photo(session, photo, "wang")
    log(db, "floor", uuid.uuid4(), deleted=True)  # a row of another kind that is gone: not handed out
    log(db, "attachment", uuid.uuid4())  # a photo gone, logged as changed: nothing to say of it
    log(db, "report", uuid.uuid4())  # not a table a pull hands out
    page = pull(db, inspector(city["county"]), before)
    assert {"entity": "attachment", "id": str(photo), "deleted": True} in page["items"]
    assert sorted(key_of(i) for i in page["items"]) == [("attachment", str(photo)), ("hazard", str(city["ours"][0]))]


def test_a_photo_of_another_organisation_is_not_handed_out(db, city, jpeg_photo):
    before = cursors(db)[-1]
    with db.session() as session:
        their_hazard = session.get(Hazard, city["theirs"])
        assert their_hazard is not None
        hazards.attach_photo(session, db.store, their_hazard, jpeg_photo, role="before", actor="zhao")
        our_hazard = session.get(Hazard, city["ours"][2])
        assert our_hazard is not None
        ours = hazards.attach_photo(session, db.store, our_hazard, jpeg_photo, role="before", actor="wang").id
    page = pull(db, inspector(city["county"]), before)
    photos = [key_of(i) for i in page["items"] if i["entity"] == "attachment"]
    assert photos == [("attachment", str(ours))]
    assert [key_of(i) for i in pull(db, inspector(city["other"]), before)["items"] if i["entity"] == "hazard"] == [
        ("hazard", str(city["theirs"]))]


def test_a_page_carries_the_keys_of_its_signatures_and_no_others(db, city):
    with db.session() as session:
        token, _secret = accounts.create_token(session, "王芳", "inspector", [city["county"]])
        keys = [signatures.register(session, token.id, "王芳", uuid.uuid4(),
                                    signatures.LaptopKey(Ed25519PrivateKey.generate()).public_key) for _ in range(3)]
        session.execute(update(HazardEvent).where(HazardEvent.hazard_id == city["ours"][0]).values(signer=keys[0]))
        session.execute(update(HazardEvent).where(HazardEvent.hazard_id == city["ours"][1]).values(signer=keys[1]))
        session.execute(update(HazardEvent).where(HazardEvent.hazard_id == city["theirs"]).values(signer=keys[2]))
    page = pull(db, inspector(city["county"]))
    assert sorted(k["id"] for k in page["keys"]) == sorted(keys[:2])
    before = cursors(db)[-1]
    log(db, "hazard", city["ours"][1])
    assert [k["id"] for k in pull(db, inspector(city["county"]), before)["keys"]] == [keys[1]]


def test_a_history_is_handed_out_in_its_order_however_its_rows_were_written(db, city):
    """A rebase rewrites a laptop's events after the server's: rows are not stored in the order of the
    chain, and the page still gives each history from its first event to its last."""
    with db.session() as session:
        table = HazardEvent.__table__
        for hazard_id in city["ours"]:
            rows = [dict(row._mapping) for row in session.execute(select(table).where(table.c.hazard_id == hazard_id))]
            session.execute(table.delete().where(table.c.hazard_id == hazard_id))
            session.execute(insert(table), sorted(rows, key=lambda row: -row["seq"]))
    for item in pull(db, inspector(city["county"]))["items"]:
        if item["entity"] == "hazard":
            seqs = [e["seq"] for e in item["events"]]
            assert len(seqs) > 1 and seqs == sorted(seqs)


def test_a_page_read_in_chunks_of_any_size_is_the_same_page(db, city, monkeypatch):
    """Ids are read 500 to a query; a page of more hazards, photos or events than that keeps them all."""
    whole = pull(db, ADMIN)
    monkeypatch.setattr(pull_pages, "chunks", lambda values: chunks(values, 1))
    single = pull(db, ADMIN)
    # The same rows (a table's rows in the order the database answers, which the chunks change).
    assert sorted(single["items"], key=key_of) == sorted(whole["items"], key=key_of)
    assert {**single, "items": None} == {**whole, "items": None}
    assert sum(1 for item in whole["items"] if item["entity"] == "hazard") == len(city["ours"]) + 1


def test_a_page_asks_the_same_number_of_queries_for_one_photo_or_many(db, city, jpeg_photo):
    """Set-based (issue 23): what a page costs does not grow with the photos and hazards it holds."""
    def queries_of_page(after: int, limit: int) -> int:
        count = 0

        def counted(*_args: Any) -> None:
            nonlocal count
            count += 1

        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            page = pull(db, inspector(city["county"]), after, limit)
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
        assert not page["more"] or page["cursor"] == after + limit
        return count

    def add_photos(hazard_ids: list[uuid.UUID]) -> tuple[int, int]:
        """Photos on these hazards; the cursor before them and how many entries they logged."""
        before = cursors(db)[-1]
        with db.session() as session:
            for hazard_id in hazard_ids:
                hazard = session.get(Hazard, hazard_id)
                assert hazard is not None
                hazards.attach_photo(session, db.store, hazard, jpeg_photo, role="before", actor="wang")
        return before, len([c for c in cursors(db) if c > before])

    one = add_photos(city["ours"][:1])
    many = add_photos(city["ours"])
    assert many[1] > one[1]
    assert queries_of_page(*one) == queries_of_page(*many)


def test_a_photo_gone_does_not_keep_the_next_one_from_the_page(db, city, jpeg_photo):
    with db.session() as session:
        gone = session.scalars(select(Attachment.id).where(Attachment.hazard_id == city["ours"][0])).one()
    before = cursors(db)[-1]
    with db.session() as session:
        detach_photo(session, gone, "wang")
        hazard = session.get(Hazard, city["ours"][1])
        assert hazard is not None
        added = hazards.attach_photo(session, db.store, hazard, jpeg_photo, role="before", actor="wang").id
    before_missing = cursors(db)[-1]
    log(db, "attachment", uuid.uuid4())
    log(db, "attachment", added)
    photos = [i for i in pull(db, inspector(city["county"]), before)["items"] if i["entity"] == "attachment"]
    assert sorted(key_of(i) for i in photos) == sorted([("attachment", str(gone)), ("attachment", str(added))])
    assert [key_of(i) for i in pull(db, ADMIN, before_missing)["items"]] == [("attachment", str(added))]


def test_a_review_comes_with_the_hazards_it_covers(db, city):
    before = cursors(db)[-1]
    with db.session() as session:
        review = reviews.record_review(session, db.store, city["ours"][:2], "李明", dt.date(2026, 12, 1), "wang").id
    items = {key_of(i): i for i in pull(db, ADMIN, before)["items"]}
    assert sorted(items[("review", str(review))]["links"]) == sorted(str(h) for h in city["ours"][:2])


def test_an_entry_of_a_table_a_pull_does_not_hand_out_holds_nothing_back(db, city):
    before = cursors(db)[-1]
    log(db, "report", uuid.uuid4())
    log(db, "organisation", city["county"])
    page = pull(db, inspector(city["county"]), before)
    assert [key_of(item) for item in page["items"]] == [("organisation", str(city["county"]))]
    assert page["cursor"] == before + 2


def item_bytes(item: dict[str, Any]) -> int:
    return len(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode())


def pages_of(db, principal: Principal, **bounds: int) -> list[dict[str, Any]]:
    pages, cursor = [], 0
    while True:
        with db.session() as session:
            page = pull_pages.pull(session, principal, cursor, **bounds)
        pages.append(page)
        if not page["more"]:
            return pages
        assert page["cursor"] > cursor  # every page moves on
        cursor = page["cursor"]


def latest(pages: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {key_of(item): item for page in pages for item in page["items"]}


@pytest.mark.parametrize("budget_items", [1, 2, 3])
def test_a_page_stops_at_its_byte_budget_and_the_pages_together_are_one_large_page(db, city, budget_items):
    """A budget of about ``budget_items`` of the largest items: every page stays within it (or holds a
    single item), the next page starts right after the last entry the page covered, and the pages
    hand out exactly what one unbounded page hands out, each row as it is now, none missing."""
    whole = pull(db, ADMIN)
    budget = budget_items * max(item_bytes(item) for item in whole["items"])
    pages = pages_of(db, ADMIN, max_bytes=budget)
    assert len(pages) > 1 and all(page["more"] for page in pages[:-1]) and not pages[-1]["more"]
    for page in pages:
        assert len(page["items"]) >= 1 and (sum(item_bytes(i) for i in page["items"]) <= budget
                                            or len(page["items"]) == 1)
    assert pages[-1]["cursor"] == whole["cursor"] == cursors(db)[-1]
    assert latest(pages) == latest([whole])
    # Nothing doubled: each page carries only rows that an entry after the page before it names.
    named = entries_naming(db)
    previous = 0
    for page in pages:
        for item in page["items"]:
            assert any(previous < cursor <= page["cursor"] for cursor in named[key_of(item)])
        previous = page["cursor"]


def entries_naming(db) -> dict[tuple[str, str], list[int]]:
    """The cursors of the change-log entries naming each row (an event's entry names its hazard)."""
    named: dict[tuple[str, str], list[int]] = {}
    with db.session() as session:
        hazard_of = dict(session.execute(select(HazardEvent.id, HazardEvent.hazard_id)).all())
        for cursor, entity, entity_id in session.execute(select(ChangeLog.cursor, ChangeLog.entity,
                                                                ChangeLog.entity_id)):
            key = ("hazard", str(hazard_of[entity_id])) if entity == "event" else (entity, str(entity_id))
            named.setdefault(key, []).append(cursor)
    return named


def test_a_page_cut_by_its_bytes_ends_at_the_entry_before_the_first_item_left_out(db, city):
    everything = cursors(db)
    first = pull(db, ADMIN, 0, max_bytes=1)
    (item,) = first["items"]  # over any budget, the first item still goes, alone
    assert first["more"] is True and first["cursor"] in everything
    with db.session() as session:
        covered = list(session.execute(select(ChangeLog.entity, ChangeLog.entity_id).where(
            ChangeLog.cursor <= first["cursor"])))
        beyond = session.execute(select(ChangeLog.entity, ChangeLog.entity_id).where(
            ChangeLog.cursor > first["cursor"]).order_by(ChangeLog.cursor).limit(1)).one()
    assert all((entity, str(entity_id)) == key_of(item) for entity, entity_id in covered)
    assert (beyond[0], str(beyond[1])) != key_of(item)  # the next entry names the next row, left for the next page
    assert pull(db, ADMIN, first["cursor"], max_bytes=1)["items"][0] != item


def test_a_huge_history_moves_alone_in_pages_of_the_default_budget(db, city, monkeypatch):
    """One hazard's history bigger than a page: it goes alone, and the rows after it follow."""
    with db.session() as session:
        hazard = session.get(Hazard, city["ours"][0])
        for n in range(30):
            hazards.update_hazard(session, hazard, "wang", description=f"{n} " + "很长的描述" * 3000)
    monkeypatch.setattr(pull_pages, "PULL_PAGE_BYTES", 200_000)
    whole = pull(db, ADMIN, 0, max_bytes=10**9)
    big = next(i for i in whole["items"] if key_of(i) == ("hazard", str(city["ours"][0])))
    assert item_bytes(big) > 200_000
    pages = pages_of(db, ADMIN)
    assert any(page["items"] == [big] for page in pages)
    assert latest(pages) == latest([whole])


@pytest.mark.parametrize("limit", [1, 4, pull_pages.PULL_PAGE_LIMIT])
def test_the_page_the_api_sends_is_the_page_each_item_encoded_once(db, city, limit):
    """The sync API answers pull_json: the same page as pull, in the JSON Starlette would write."""
    cursor = 0
    while True:
        page = pull(db, ADMIN, cursor, limit)
        with db.session() as session:
            sent = pull_pages.pull_json(session, ADMIN, cursor, limit)
        assert json.loads(sent) == page
        assert sent == json.dumps(page, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
        if not page["more"]:
            break
        cursor = page["cursor"]


def test_a_page_reads_the_rows_of_few_more_entries_than_its_budget_holds(db, city, monkeypatch):
    """A page weighs its first entries' rows, then reads as many more as the bytes left seem to hold:
    a page whose first item fills it reads the rows of its first group only, and a page well within
    its budget reads its entries in two groups (each a query per table and 500 ids)."""
    groups: list[int] = []
    items_of = pull_pages._items_of

    def counted(session, principal, parents, resolver, entries, skip):  # type: ignore[no-untyped-def]
        groups.append(len(entries))
        return items_of(session, principal, parents, resolver, entries, skip)

    monkeypatch.setattr(pull_pages, "_items_of", counted)
    everything = cursors(db)
    assert len(everything) > pull_pages.FIRST_GROUP
    pull(db, ADMIN, 0, max_bytes=1)
    assert groups == [pull_pages.FIRST_GROUP]
    groups.clear()
    pull(db, ADMIN)
    assert groups == [pull_pages.FIRST_GROUP, len(everything) - pull_pages.FIRST_GROUP]
