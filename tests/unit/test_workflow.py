"""Every legal and every illegal status transition, and the derived overdue flag."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from inspector_app.core.errors import TransitionError
from inspector_app.core.workflow import Status, check_transition, days_overdue, is_overdue

LEGAL = {
    ("open", "in_progress"): "rectification_started",
    ("open", "awaiting_reinspection"): "rectification_reported",
    ("in_progress", "awaiting_reinspection"): "rectification_reported",
    ("awaiting_reinspection", "closed"): "reinspection_passed",
    ("awaiting_reinspection", "in_progress"): "reinspection_failed",
    ("open", "closed"): "fixed_on_spot",
    ("open", "withdrawn"): "withdrawn",
    ("in_progress", "withdrawn"): "withdrawn",
    ("awaiting_reinspection", "withdrawn"): "withdrawn",
}
ALL_PAIRS = list(itertools.product([s.value for s in Status], repeat=2))


@pytest.mark.parametrize(("source", "target"), sorted(LEGAL))
def test_legal_transition_with_what_it_needs(source, target):
    transition = check_transition(source, target, note="reason given", has_after_photo=True)
    assert transition.event == LEGAL[(source, target)]


@pytest.mark.parametrize(("source", "target"), [p for p in ALL_PAIRS if p not in LEGAL])
def test_illegal_transition_is_refused_with_a_message(source, target, english):
    with pytest.raises(TransitionError) as refused:
        check_transition(source, target, note="reason given", has_after_photo=True)
    assert str(refused.value).strip()


def test_final_states_explain_that_a_returning_hazard_is_new(english):
    with pytest.raises(TransitionError, match="new hazard linked"):
        check_transition("closed", "open", note="", has_after_photo=True)


def test_in_progress_cannot_skip_reinspection(english):
    with pytest.raises(TransitionError, match="re-inspection"):
        check_transition("in_progress", "closed", note="", has_after_photo=True)


@pytest.mark.parametrize("source", ["open", "in_progress", "awaiting_reinspection"])
def test_withdrawing_needs_a_reason(source, english):
    with pytest.raises(TransitionError, match="reason"):
        check_transition(source, "withdrawn", note="  ", has_after_photo=False)


def test_failed_reinspection_needs_a_note(english):
    with pytest.raises(TransitionError, match="note"):
        check_transition("awaiting_reinspection", "in_progress", note="", has_after_photo=False)


@pytest.mark.parametrize(("source", "target"), [("open", "closed"), ("awaiting_reinspection", "closed")])
def test_closing_needs_an_after_photo(source, target, english):
    with pytest.raises(TransitionError, match="after-photo"):
        check_transition(source, target, note="ok", has_after_photo=False)


def test_unknown_status_names_the_choices(english):
    with pytest.raises(TransitionError, match="awaiting_reinspection"):
        check_transition("open", "fixed", note="", has_after_photo=True)


def test_overdue_is_derived_from_deadline_and_state():
    today = dt.date(2026, 5, 10)
    past, future = dt.date(2026, 5, 1), dt.date(2026, 6, 1)
    assert is_overdue("open", past, today)
    assert is_overdue("in_progress", past, today)
    assert days_overdue("open", past, today) == 9
    assert not is_overdue("open", future, today)
    assert not is_overdue("open", today, today)
    assert not is_overdue("awaiting_reinspection", past, today)
    assert not is_overdue("closed", past, today)
    assert not is_overdue("open", None, today)
    assert days_overdue("closed", past, today) == 0
