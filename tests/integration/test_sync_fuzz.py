"""Property: whatever a client with a valid token posts to any sync route (random JSON shapes, wrong
types, huge numbers, NaN and Infinity, NUL bytes and lone surrogates, deep nesting, rows with the
real column names and nonsense in them, bytes that are no batch), the server answers, and never
with a 5xx. Against `serve` on PostgreSQL over HTTP; the examples are bounded and derandomised, so
the test takes well under a minute and finds the same things on every run."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.sync import laptop as laptop_side
from inspector_app.core.sync.entities import CLOCKED
from tests.integration.sync_server import Central, central_server
from tests.sync.conftest import Laptop, add, school

pytestmark = pytest.mark.postgres

ENTITIES = [*CLOCKED, "hazard", "event", "no_such_kind"]
COLUMNS = sorted({column.key for model in CLOCKED.values() for column in model.__table__.columns}
                 | {"number", "status", "seq", "site_id", "public_token", "short_code", "category"})
DIGESTS = ["ab" * 32, "00" * 32]
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Parts of a real push that are replaced by hostile values (the row's own values included).
ITEM_PARTS = ("entity", "row", "events", "links", "deleted", "superseded", "base", "id")


@pytest.fixture(scope="module")
def central(tmp_path_factory) -> Iterator[Central]:
    with central_server(tmp_path_factory.mktemp("central") / "files", "--workers", "2") as server:
        yield server


@pytest.fixture(scope="module")
def real_push(tmp_path_factory, catalogue) -> str:
    """What a laptop pushes for a school with one hazard, as JSON text (ids are made new per use)."""
    folder = tmp_path_factory.mktemp("laptop")
    laptop = Laptop("a", open_database(sqlite_url(folder / "a.sqlite")), "inspector a")
    try:
        add(laptop, catalogue, school(laptop)["floor"], "cord under the bed")
        with laptop.db.session() as session:
            return json.dumps(laptop_side.pending(session, 0).items)
    finally:
        laptop.db.dispose()


def with_new_ids(text: str) -> list[dict[str, Any]]:
    """The items with every id replaced (consistently), so that each push writes new rows."""
    for old in set(UUID.findall(text)):
        text = text.replace(old, str(uuid.uuid4()))
    return list(json.loads(text))


texts = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["\x00", "a\x00b", "\ud800", "\udfff x", "\U0001f525", "' OR 1=1 --", "../../etc/passwd",
                     str(uuid.uuid4()), "2026-13-45", "NaN", ""]),
    st.text(alphabet="x", min_size=1000, max_size=3000),
)
numbers = st.one_of(st.integers(-(2**70), 2**70), st.sampled_from([0, -1, 2**63, 2**64, 10**30]),
                    st.floats(allow_nan=True, allow_infinity=True))
scalars = st.one_of(st.none(), st.booleans(), numbers, texts)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(texts, inner, max_size=4)), max_leaves=12)


rows = st.dictionaries(st.sampled_from(COLUMNS), values, max_size=8).map(
    lambda row: {"id": str(uuid.uuid4()), **row})
items = st.fixed_dictionaries({"entity": st.sampled_from(ENTITIES)}, optional={
    "row": st.one_of(rows, values), "events": st.one_of(st.lists(values, max_size=3), values),
    "links": st.one_of(st.lists(texts, max_size=3), values), "deleted": values, "id": values,
    "superseded": st.one_of(st.lists(texts, max_size=2), values)})
bodies = st.one_of(
    st.fixed_dictionaries({"replica_id": st.one_of(st.just(str(uuid.uuid4())), values)},
                          optional={"name": values, "cursor": values, "limit": values, "hashes": values,
                                    "items": st.one_of(st.lists(items, max_size=4), values)}),
    values,
)


def _encode(body: Any) -> bytes:
    # allow_nan: NaN and Infinity go out as the bare words a hostile client would send
    return json.dumps(body, allow_nan=True).encode()


payloads = st.one_of(
    bodies.map(_encode),
    st.integers(60, 100_000).map(lambda depth: b"[" * depth + b"]" * depth),
    st.integers(60, 100_000).map(lambda depth: b'{"items":' * depth + b"1" + b"}" * depth),
)


offsets = st.one_of(st.integers(-5, 10**20).map(str),
                    st.sampled_from(["", "-1", "1e3", "Infinity", "NaN", "0x10", " 5", "\x00", "9" * 5000, "٣"]))


@settings(max_examples=90, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example])
@given(sent=payloads, raw=st.binary(max_size=300), offset=offsets, data=st.data())
def test_no_body_on_any_sync_route_gets_a_5xx(central, real_push, sent, raw, offset, data):
    if data.draw(st.booleans(), label="a real push, one part of it hostile"):
        pushed = with_new_ids(real_push)
        item = data.draw(st.sampled_from(pushed), label="item")
        part = data.draw(st.sampled_from(ITEM_PARTS), label="part")
        events = item.get("events") or []
        row = item.get("row")
        if part == "events" and events and data.draw(st.booleans(), label="inside an event"):
            event = data.draw(st.sampled_from(events), label="event")
            event[data.draw(st.sampled_from(sorted(event)), label="field")] = data.draw(values, label="value")
        elif part == "row" and isinstance(row, dict) and row and data.draw(st.booleans(), label="inside the row"):
            row[data.draw(st.sampled_from(sorted(row)), label="column")] = data.draw(values, label="value")
        elif data.draw(st.booleans(), label="drop it"):
            item.pop(part, None)
        else:
            item[part] = data.draw(values, label="value")
        sent = _encode({"replica_id": str(uuid.uuid4()), "items": pushed})
    # A connection per request: after a 500 the server closes the connection it came on, and the
    # next request must still find out what it is answered.
    with central.client(limits=httpx.Limits(max_keepalive_connections=0)) as client:
        answers = {route: client.post(route, content=sent, headers={"content-type": "application/json"})
                   for route in ("/hello", "/pull", "/push", "/files/missing")}
        answers["/files/batch"] = client.post("/files/batch", content=raw)
        digest = DIGESTS[len(raw) % 2]
        answers["PUT chunk"] = client.put(f"/files/{digest}", params={"offset": offset, "final": "1"}, content=raw)
        answers["GET file"] = client.get(f"/files/{digest}", params={"offset": offset})
        answers["GET size"] = client.get(f"/files/{digest}/size")
    for route, answer in answers.items():
        assert answer.status_code < 500, (route, sent[:500], answer.text[:500])
