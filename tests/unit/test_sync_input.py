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
