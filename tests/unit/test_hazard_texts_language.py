"""Texts a hazard takes from forms/ (its legal basis and required measures) are written in the language
of its site's documents, never the screen's: a notice speaks one language, whichever screen recorded
the hazard or changed its category (core.hazards.add_hazard, values_following_category)."""

from __future__ import annotations

import datetime as dt

import pytest

from inspector_app.core import structure
from inspector_app.core.hazards import add_hazard, values_following_category
from inspector_app.core.models import Organisation
from inspector_app.i18n import use_language

FIRST = "electrical.aging_wiring"
SECOND = "evacuation.blocked_route"


@pytest.fixture
def site_speaking(db):
    """A site whose organisation's documents speak ``language`` ("" when it never chose)."""

    def make(language: str):
        with db.session() as session:
            org = structure.create_organisation(session, f"Bureau {language or 'unset'}")
            session.get(Organisation, org.id).language = language
            return structure.create_site(session, org, "School", code=f"S{len(language)}").id

    return make


def texts_differ(catalogue, code):
    category = catalogue.category(code)
    assert category.legal_basis.zh != category.legal_basis.en
    assert category.requirement.zh != category.requirement.en
    return category


@pytest.mark.parametrize(("documents", "screen", "written"), [
    ("en", "zh_CN", "en"), ("zh_CN", "en", "zh"), ("", "en", "zh"),
])
def test_a_new_hazard_takes_the_texts_of_its_documents_language(db, catalogue, site_speaking, documents, screen,
                                                                   written):
    category = texts_differ(catalogue, FIRST)
    site = site_speaking(documents)
    with use_language(screen), db.session() as session:
        hazard = add_hazard(session, catalogue, db.store, actor="li", category=FIRST, site_id=site)
        assert hazard.legal_basis == getattr(category.legal_basis, written)
        assert hazard.required_measures == getattr(category.requirement, written)


def saved(**values):
    return {"legal_basis": "", "required_measures": "", "severity": "general", "deadline": None, **values}


@pytest.mark.parametrize(("documents", "screen", "written"), [("en", "zh_CN", "en"), ("zh_CN", "en", "zh")])
def test_a_new_category_brings_its_texts_in_the_documents_language(catalogue, documents, screen, written):
    old, new = texts_differ(catalogue, FIRST), texts_differ(catalogue, SECOND)
    with use_language(screen):
        # Left as the old category prefilled them (in either language), or empty: they follow.
        for before in (saved(), saved(legal_basis=old.legal_basis.zh, required_measures=old.requirement.en)):
            values = values_following_category(before, old, new, None, language=documents)
            assert values["legal_basis"] == getattr(new.legal_basis, written)
            assert values["required_measures"] == getattr(new.requirement, written)
        # With no old category (a hazard whose category a newer form set dropped): empty texts follow.
        values = values_following_category(saved(), None, new, None, language=documents)
        assert (values["legal_basis"], values["required_measures"]) == (
            getattr(new.legal_basis, written), getattr(new.requirement, written))


def test_what_the_inspector_wrote_stays_when_the_category_changes(catalogue):
    old, new = texts_differ(catalogue, FIRST), texts_differ(catalogue, SECOND)
    own = saved(legal_basis="fire code 5.1, as the inspector cites it", required_measures="replace it today",
                severity=old.default_severity)
    values = values_following_category(own, old, new, None, language="en")
    assert values == {"category": SECOND, "severity": new.default_severity}
    # Only one of the two is the inspector's own: the other follows.
    mixed = saved(legal_basis="my own words", required_measures=old.requirement.zh)
    values = values_following_category(mixed, old, new, None, language="en")
    assert "legal_basis" not in values and values["required_measures"] == new.requirement.en
    # Without an old category, words of the inspector's stay too.
    assert "legal_basis" not in values_following_category(own, None, new, None, language="en")


def test_severity_and_deadline_follow_only_where_the_old_category_set_them(catalogue):
    old, new = catalogue.category(FIRST), catalogue.category(SECOND)
    found = dt.date(2026, 5, 11)
    by_old = found + dt.timedelta(days=old.deadline_days)
    by_new = found + dt.timedelta(days=new.deadline_days)
    assert by_old != by_new
    other_severity = "major" if old.default_severity == "general" else "general"
    values = values_following_category(saved(severity=old.default_severity, deadline=by_old), old, new, found,
                                       language="en")
    assert (values["severity"], values["deadline"]) == (new.default_severity, by_new)
    # A day either way is still the prefilled deadline (a date shown in another zone); two days is a choice.
    for shift, follows in ((1, True), (-1, True), (2, False), (-2, False)):
        values = values_following_category(saved(deadline=by_old + dt.timedelta(days=shift)), old, new, found,
                                           language="en")
        assert ("deadline" in values) is follows, shift
    values = values_following_category(saved(severity=other_severity, deadline=None), old, new, found, language="en")
    assert "severity" not in values and values["deadline"] == by_new  # no deadline yet: the new one
    # Not knowing when it was found, the deadline is left alone; with no old category the severity
    # follows, and a deadline already set stays (nothing says the old category chose it).
    assert "deadline" not in values_following_category(saved(deadline=by_old), old, new, None, language="en")
    values = values_following_category(saved(severity=other_severity, deadline=by_old), None, new, found,
                                       language="en")
    assert (values["severity"], "deadline" in values) == (new.default_severity, False)


def test_the_new_deadline_counts_the_new_categorys_days_from_the_day_found(catalogue):
    old, new = catalogue.category(SECOND), catalogue.category(FIRST)
    assert new.deadline_days > 0
    found = dt.date(2026, 5, 11)
    values = values_following_category(saved(deadline=found + dt.timedelta(days=old.deadline_days)), old, new, found,
                                       language="en")
    assert values["deadline"] == dt.date(2026, 5, 11) + dt.timedelta(days=new.deadline_days)
    assert values["deadline"] > found


def test_a_confirmed_major_hazard_keeps_its_severity_when_its_category_changes(catalogue):
    """A confirmed major hazard's severity is lowered only with a reason (core.major_hazards), never by
    choosing another category, even where the old category's default was major too."""
    old, new = catalogue.category("evacuation.locked_exit"), catalogue.category(FIRST)
    assert (old.default_severity, new.default_severity) == ("major", "general")
    confirmed = saved(severity="major", major_rule="edu2024.3.1.6")
    assert "severity" not in values_following_category(confirmed, old, new, None, language="en")
    assert values_following_category(saved(severity="major"), old, new, None, language="en")["severity"] == "general"
