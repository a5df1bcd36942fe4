"""What the sync API takes as JSON, without a server: nesting up to the limit and no further, emoji
(escaped as surrogate pairs, as Python's json writes them) but no lone surrogate, in keys too, and
no NaN or Infinity."""

from __future__ import annotations

import json

import pytest

from inspector_app.web.sync.api import MAX_JSON_DEPTH, Refused, decode_json


def _nested(levels: int) -> bytes:
    """An object holding lists: ``levels`` containers in all."""
    return b'{"a":' + b"[" * (levels - 1) + b"]" * (levels - 1) + b"}"


def test_nesting_up_to_the_limit_passes_and_one_more_is_refused():
    assert decode_json(_nested(MAX_JSON_DEPTH))["a"] is not None
    with pytest.raises(Refused) as refused:
        decode_json(_nested(MAX_JSON_DEPTH + 1))
    assert refused.value.status == 400


@pytest.mark.parametrize("body", [b'{"a": "\\ud800"}', b'{"\\udc00": 1}', b'{"a": ["x", {"b": "\\uDBFF!"}]}',
                                  b'{"a": NaN}', b'{"a": -Infinity}', b"[1]", b"\xff"])
def test_text_that_cannot_be_stored_and_numbers_that_are_not_are_refused(body):
    with pytest.raises(Refused) as refused:
        decode_json(body)
    assert refused.value.status == 400


def test_emoji_and_escapes_pass():
    text = "火 🔥 \\ud800 written out"
    assert decode_json(json.dumps({"a": text}).encode()) == {"a": text}
    assert decode_json(json.dumps({"a": text}, ensure_ascii=False).encode()) == {"a": text}


# A row's JSON column (an event's data) as the server types it: core.sync.entities.row_values.

def _changes(value: object) -> dict[str, object]:
    return {"id": "6f2c0c52-52a3-4bb4-9d49-7c7a7f3e7b61", "data": value}


def _typed_changes(value: object) -> object:
    from inspector_app.core.models import HazardEvent
    from inspector_app.core.sync.entities import row_values

    return row_values(HazardEvent, _changes(value), whole=False)["data"]


def _deep(levels: int) -> object:
    value: object = "leaf"
    for _level in range(levels):
        value = {"k": value}
    return value


def test_a_json_column_nested_to_the_limit_passes_and_one_level_more_is_refused():
    from inspector_app.core.sync.entities import JSON_DEPTH_LIMIT

    assert _typed_changes(_deep(JSON_DEPTH_LIMIT)) == _deep(JSON_DEPTH_LIMIT)
    with pytest.raises(ValueError, match="'data': nested too deeply"):
        _typed_changes(_deep(JSON_DEPTH_LIMIT + 1))
    with pytest.raises(ValueError, match="nested too deeply"):
        _typed_changes(_deep(5_000))


def test_a_json_column_is_measured_as_it_is_stored_not_by_its_worst_case():
    from inspector_app.core.sync.entities import JSON_SIZE_LIMIT

    # Chinese text is stored as itself: 400,000 characters fit although escaping each would not.
    chinese = {"description": {"new": "电线老化" * 100_000}}
    assert _typed_changes(chinese) == chinese
    with pytest.raises(ValueError, match="too large"):
        _typed_changes({"strokes": ["x" * 1000] * (JSON_SIZE_LIMIT // 1000)})
    with pytest.raises(ValueError, match="too large"):
        _typed_changes([12345678901234567890] * (JSON_SIZE_LIMIT // 20))


@pytest.mark.parametrize("value", [{"a": float("nan")}, [float("inf")], {"a": "nul\x00"}, {"nul\x00": 1},
                                   {"a": {1, 2}}, {"a": b"bytes"}, {"k" * 20_001: 1}])
def test_a_json_column_refuses_what_json_cannot_hold_or_a_text_must_not(value):
    with pytest.raises(ValueError, match="'data'"):
        _typed_changes(value)


def test_a_json_column_keeps_ordinary_values_as_they_came():
    value = {"severity": {"old": "general", "new": "major"}, "x": {"old": 0.25, "new": None},
             "done": [True, False, None, 3, -2.5, "文字", []], "big": 10**40}
    assert _typed_changes(value) == value
