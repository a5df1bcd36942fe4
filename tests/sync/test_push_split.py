"""A push larger than the server's cap on a push's bytes (web/sync/api.py BODY_CAPS) goes as several
requests, each within it, and everything lands as if it had gone in one; the server refuses a push
over the cap. Here the cap is made small, for both ends alike, so that sixty hazards exceed it."""

from __future__ import annotations

import json
import uuid

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from inspector_app.core.sync.run import synchronise
from inspector_app.web.sync.api import BODY_CAPS, create_sync_app
from inspector_app.web.sync.client import HttpTransport, joined_range, push_bodies
from tests.sync.conftest import Central, add, ledger_state, school

CAP = 64 * 1024


def test_a_push_over_the_cap_goes_in_pieces_within_it(central: Central, laptops, catalogue):
    app = Starlette(routes=[Mount("/sync", app=create_sync_app(central.db, caps={"push": CAP}))])
    laptop = laptops("a")
    places = school(laptop)
    for number in range(60):
        add(laptop, catalogue, places["floor"], f"hazard {number}: " + "frayed cable behind the panel " * 50)
    pushes: list[int] = []
    client = TestClient(app, base_url="http://central/sync")
    client.event_hooks["request"] = [lambda r: pushes.append(len(r.read())) if r.url.path.endswith("/push") else None]
    transport = HttpTransport("http://central", central.admin_token, client=client, sleep=lambda _s: None,
                              caps={"push": CAP})
    try:
        report = synchronise(laptop.db, transport, laptop.actor, server_url="http://central")
    finally:
        transport.close()
    assert report.refused == [] and report.problems == [] and report.pushed >= 60
    assert len(pushes) >= 3 and max(pushes) <= CAP
    assert ledger_state(laptop.db)["hazards"] == ledger_state(central.db)["hazards"]

    # In one request, the same push is refused for its size.
    with laptop.db.session() as session:
        from inspector_app.core.sync import laptop as laptop_side

        items = laptop_side.pending(session, 0).items
    whole = json.dumps({"replica_id": str(laptop.db.replica_id()), "items": items})
    assert len(whole) > CAP
    headers = {"authorization": f"Bearer {central.admin_token}", "x-inspector-sync": "1"}
    refused = TestClient(app, base_url="http://central/sync").post("/push", content=whole, headers=headers)
    assert refused.status_code == 413


def test_the_pieces_keep_the_order_and_the_caps_agree():
    items = [{"entity": "site", "row": {"n": n, "pad": "x" * 100}} for n in range(50)]
    bodies = push_bodies(uuid.uuid4(), items, 1000)
    assert all(len(body) <= 1000 for body in bodies) and len(bodies) > 5
    assert [i for body in bodies for i in json.loads(body)["items"]] == items
    lonely = push_bodies(uuid.uuid4(), [{"pad": "y" * 5000}], 1000)
    assert len(lonely) == 1  # too large for any request: sent alone, for the server to say so
    assert push_bodies(uuid.uuid4(), [], 1000)[0].endswith(b'"items":[]}')
    assert BODY_CAPS["push"] >= 4 * 1024 * 1024  # a push of 1,000 rows (about 2.5 MB) goes in one
    assert joined_range([[5, 9], [10, 12], [20, 22]]) == [5, 12]  # another laptop wrote 13-19
    assert joined_range([]) is None
