"""Every legal and every illegal status transition, and the derived overdue flag."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest

from inspector_app.core import dates
from inspector_app.core.errors import TransitionError
from inspector_app.core.workflow import (
    FINAL_STATES,
    TRANSITIONS,
    Status,
    allowed_targets,
    check_transition,
    days_overdue,
    is_overdue,
    parse_status,
    severity_label,
    status_label,
)
from inspector_app.i18n import use_language

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
CJK = re.compile("[\u4e00-\u9fff]")
# Latin words in a Chinese message that are not machine names the user types (statuses, --note).
ENGLISH_WORDS = re.compile(r"(?<![-_a-z])(?!(?:open|in_progress|awaiting_reinspection|closed|withdrawn|note|photo)\b)"
                           r"[A-Za-z]{3,}")


@pytest.mark.parametrize(("source", "target"), sorted(LEGAL))
def test_legal_transition_with_what_it_needs(source, target):
    transition = check_transition(source, target, note="reason given", has_after_photo=True)
    assert transition.event == LEGAL[(source, target)]


@pytest.mark.parametrize(("source", "target"), [p for p in ALL_PAIRS if p not in LEGAL])
def test_illegal_transition_is_refused_with_what_to_do_instead(source, target):
    """In Chinese, the refusal names where the hazard is and, where it can still move, where it can go."""
    with use_language("zh_CN"), pytest.raises(TransitionError) as refused:
        check_transition(source, target, note="reason given", has_after_photo=True)
    message = str(refused.value)
    assert CJK.search(message), f"untranslated: {message}"
    assert not ENGLISH_WORDS.search(message), f"English left in: {message}"
    with use_language("zh_CN"):
        here, there = status_label(source), status_label(target)
    assert here in message and "None" not in message
    legal = {t for s, t in LEGAL if s == source}
    if source in ("closed", "withdrawn"):
        assert not legal
    elif target == "closed":
        assert "待复查" in message  # the step still missing before closing
    elif source != target:
        assert there in message
        for status in Status:
            assert (f"{status.value} (" in message) == (status.value in legal), status


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


@pytest.mark.parametrize("source", [s.value for s in Status])
def test_the_targets_offered_from_each_state_are_exactly_the_legal_ones(source):
    assert sorted(t.value for t in allowed_targets(source)) == sorted(t for s, t in LEGAL if s == source)
    assert all(isinstance(t, Status) for t in allowed_targets(source))


def test_final_states_and_transitions_agree():
    assert {s.value for s in FINAL_STATES} == {"closed", "withdrawn"}
    assert not [t for t in TRANSITIONS if t.source in FINAL_STATES]
    assert {(t.source.value, t.target.value) for t in TRANSITIONS} == set(LEGAL)
    needs = {(t.source.value, t.target.value): (t.needs_note, t.needs_after_photo) for t in TRANSITIONS}
    assert {pair for pair, (note, _photo) in needs.items() if note} == {
        pair for pair in LEGAL if pair[1] == "withdrawn" or LEGAL[pair] == "reinspection_failed"}
    assert {pair for pair, (_note, photo) in needs.items() if photo} == {pair for pair in LEGAL if pair[1] == "closed"}


def test_a_note_of_only_spaces_is_no_reason_and_the_refusals_say_what_is_missing():
    with use_language("zh_CN"):
        with pytest.raises(TransitionError) as withdraw:
            check_transition("open", "withdrawn", note=" \n ", has_after_photo=True)
        with pytest.raises(TransitionError) as failed:
            check_transition("awaiting_reinspection", "in_progress", note="\t", has_after_photo=True)
        with pytest.raises(TransitionError) as photo:
            check_transition("awaiting_reinspection", "closed", note="fine", has_after_photo=False)
    assert "撤销" in str(withdraw.value) and "--note" in str(withdraw.value)
    assert "复查" in str(failed.value) and "--note" in str(failed.value)
    assert "照片" in str(photo.value) and "--photo" in str(photo.value)
    for refused in (withdraw, failed, photo):
        assert CJK.search(str(refused.value))
    # Legal steps that need nothing pass without a note or a photo.
    assert check_transition("open", "in_progress", note="", has_after_photo=False).event == "rectification_started"
    assert check_transition("open", "awaiting_reinspection", note="", has_after_photo=False).event == (
        "rectification_reported")


def test_an_unknown_status_names_the_value_and_every_choice():
    with use_language("zh_CN"), pytest.raises(TransitionError) as refused:
        parse_status("fixed")
    message = str(refused.value)
    assert "“fixed”" in message and CJK.search(message)
    assert ", ".join(s.value for s in Status) in message
    assert parse_status("in_progress") is Status.IN_PROGRESS


def test_labels_in_both_languages_and_unknown_codes_shown_as_they_are():
    with use_language("zh_CN"):
        assert [severity_label(s) for s in ("general", "major")] == ["一般隐患", "重大隐患"]
        assert status_label("withdrawn") == "已撤销"
        assert (status_label("mystery"), severity_label("mystery")) == ("mystery", "mystery")
    with use_language("en"):
        assert (severity_label("major"), status_label("in_progress")) == ("Major", "In progress")


def test_overdue_without_a_day_given_counts_from_the_programs_today():
    beijing = dt.timezone(dt.timedelta(hours=8))
    with dates.fixed_clock(dt.datetime(2026, 5, 11, 0, 30, tzinfo=beijing), beijing):  # UTC: 10 May
        assert is_overdue("open", dt.date(2026, 5, 10))
        assert days_overdue("in_progress", dt.date(2026, 5, 1)) == 10
        assert not is_overdue("open", dt.date(2026, 5, 11))
        assert days_overdue("open", dt.date(2026, 5, 11)) == 0


def test_the_day_given_wins_over_the_clock():
    """Reports for another day (a roll-up 'as of' a date) count overdue days from that day."""
    with dates.fixed_clock(dt.datetime(2026, 5, 1, 12, 0, tzinfo=dt.UTC)):
        assert days_overdue("open", dt.date(2026, 5, 10), dt.date(2026, 5, 20)) == 10
        assert is_overdue("open", dt.date(2026, 5, 10), dt.date(2026, 5, 20))
        assert days_overdue("open", dt.date(2026, 4, 10), dt.date(2026, 4, 1)) == 0
        assert not is_overdue("open", dt.date(2026, 4, 10), dt.date(2026, 4, 1))
