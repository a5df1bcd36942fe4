"""Which language the public status page speaks (web.public.status.organisation_language and the
service that renders the page): the reader's ?lang= choice first, else the language of the hazard's
organisation (the page reads like the notice it was scanned from), found through the current token
or a superseded one, else the phone's, else Chinese; a code that shows nothing answers in the
visitor's language, whoever the hazard's organisation is. Also: the page's timeline follows the
history's order, whatever order its rows are stored in (survivors of scripts/mutation.sh status)."""

from __future__ import annotations

import re

import pytest

from inspector_app.core import structure
from inspector_app.core.hazards import add_hazard, change_status, rotate_token
from inspector_app.core.models import Hazard, Organisation
from inspector_app.web.app import StatusService
from inspector_app.web.public.status import organisation_language
from tests.stepped_clock import SteppedClock

CATEGORY = "electrical.aging_wiring"


@pytest.fixture
def hazard_of(db, catalogue):
    """A hazard of a new organisation whose documents speak ``language`` ("" when it never chose);
    returns the hazard's id and token."""

    def make(language: str, parent_language: str | None = None):
        with db.session() as session:
            parent = None
            if parent_language is not None:
                parent = structure.create_organisation(session, "City bureau")
                session.get(Organisation, parent.id).language = parent_language
            org = structure.create_organisation(session, f"Bureau {language or 'unset'}", parent=parent)
            session.get(Organisation, org.id).language = language
            site = structure.create_site(session, org, "School")
            hazard = add_hazard(session, catalogue, db.store, actor="li", category=CATEGORY, site_id=site.id)
            return hazard.id, hazard.public_token

    return make


def page_language(body: bytes) -> str:
    found = re.search(rb'<html lang="([^"]+)"', body)
    assert found, body[:200]
    return found.group(1).decode()


def spoken(db, token: str) -> str:
    with db.session() as session:
        return organisation_language(session, token)


def test_the_organisations_language_is_found_by_its_hazards_token(db, hazard_of):
    _id, english = hazard_of("en")
    _id, chinese = hazard_of("zh_CN")
    _id, unset = hazard_of("")
    assert (spoken(db, english), spoken(db, chinese), spoken(db, unset)) == ("en", "zh_CN", "")
    _id, inherited = hazard_of("", parent_language="en")
    assert spoken(db, inherited) == "en"


def test_a_superseded_token_still_speaks_its_organisations_language(db, hazard_of):
    hazard_id, first = hazard_of("en")
    with db.session() as session:
        second = rotate_token(session, session.get(Hazard, hazard_id), "li")
    assert (spoken(db, first), spoken(db, second)) == ("en", "en")


def test_unknown_or_malformed_tokens_speak_no_language(db, hazard_of):
    hazard_id, _token = hazard_of("en")
    assert spoken(db, "Z" * 24) == ""  # well formed, never issued
    with db.session() as session:  # a token of the wrong shape is never looked for, whatever the ledger holds
        session.get(Hazard, hazard_id).public_token = "a" * 15
    assert spoken(db, "a" * 15) == ""


@pytest.mark.parametrize(("organisation", "asked", "phone", "expected"), [
    ("en", "", "zh_CN", "en"),        # the organisation's before the phone's
    ("zh_CN", "", "en", "zh-CN"),
    ("en", "zh_CN", "en", "zh-CN"),   # the reader's own choice before all
    ("zh_CN", "en", "", "en"),
    ("", "", "en", "en"),             # an organisation that never chose: the phone's
    ("", "", "", "zh-CN"),            # nothing known: Chinese
])
def test_the_page_speaks_the_first_language_known(db, catalogue, hazard_of, organisation, asked, phone, expected):
    _id, token = hazard_of(organisation)
    code, body, _media = StatusService(db, catalogue).render(token, asked, phone, False, f"/h/{token}")
    assert code == 200 and page_language(body) == expected


def test_a_superseded_notice_speaks_its_organisations_language(db, catalogue, hazard_of):
    hazard_id, first = hazard_of("en")
    with db.session() as session:
        rotate_token(session, session.get(Hazard, hazard_id), "li")
    code, body, _media = StatusService(db, catalogue).render(first, "", "zh_CN", False, "/h/x")
    assert code == 410 and page_language(body) == "en"


@pytest.mark.parametrize("phone", ["en", "zh_CN"])
def test_nothing_to_show_answers_in_the_visitors_language_alike(db, catalogue, hazard_of, phone):
    """A withdrawn hazard's code, a code never issued and a malformed one give the same page in the
    visitor's language: the organisation's language would tell that the code exists."""
    other = "zh_CN" if phone == "en" else "en"
    hazard_id, token = hazard_of(other)
    with db.session() as session:
        change_status(session, db.store, session.get(Hazard, hazard_id), "withdrawn", "li", note="recorded twice")
    service = StatusService(db, catalogue)
    answers = {service.render(code, "", phone, False, "/h/x") for code in (token, "Z" * 24, "bad")}
    assert len(answers) == 1
    code, body, _media = answers.pop()
    assert code == 404 and page_language(body) == ("en" if phone == "en" else "zh-CN")
    # The reader's own choice counts there too.
    assert page_language(service.render(token, other, phone, False, "/h/x")[1]) == ("en" if other == "en" else "zh-CN")


def test_a_page_already_rendered_follows_a_change_of_its_organisations_language(db, catalogue, hazard_of):
    """Pages are cached by the hazard's version, which covers the organisations' newest change (read
    again once the freshness bound has passed)."""
    from inspector_app.core.models import Site

    hazard_id, token = hazard_of("en")
    clock = SteppedClock()
    service = StatusService(db, catalogue, clock=clock)
    assert page_language(service.render(token, "", "", False, "/h/x")[1]) == "en"
    with db.session() as session:
        site = session.get(Site, session.get(Hazard, hazard_id).site_id)
        session.get(Organisation, site.organisation_id).language = "zh_CN"
    clock.past_the_bound()
    assert page_language(service.render(token, "", "", False, "/h/x")[1]) == "zh-CN"


def test_the_timeline_follows_the_history_not_the_order_rows_were_stored_in(db, catalogue, hazard_of):
    """A synced ledger may hold a hazard's events in any physical order: the page follows their sequence."""
    import datetime as dt
    import sqlite3

    from inspector_app.core import dates
    from inspector_app.web.public.status import lookup

    start = dt.datetime(2026, 5, 11, 2, 0, tzinfo=dt.UTC)
    with dates.fixed_clock(start, dt.UTC) as clock:
        hazard_id, token = hazard_of("en")
        for step in ("in_progress", "awaiting_reinspection"):
            clock.advance(dt.timedelta(days=1))
            with db.session() as session:
                change_status(session, db.store, session.get(Hazard, hazard_id), step, "li")
    conn = sqlite3.connect(db.engine.url.database)
    with conn:  # the same rows, written back last first
        rows = conn.execute("SELECT * FROM hazard_events WHERE hazard_id = ? ORDER BY seq DESC",
                            (hazard_id.hex,)).fetchall()
        conn.execute("DELETE FROM hazard_events WHERE hazard_id = ?", (hazard_id.hex,))
        conn.executemany(f"INSERT INTO hazard_events VALUES ({', '.join('?' * len(rows[0]))})", rows)
    conn.close()
    with db.session() as session:
        found = lookup(session, catalogue, token)
    assert [h.kind for h in found.history] == ["created", "rectification_started", "rectification_reported"]
    assert [h.date for h in found.history] == sorted(h.date for h in found.history)
