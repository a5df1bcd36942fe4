"""Property: whatever three laptops do offline and in whatever order they sync, once each has synced
twice after the last change every ledger equals the server's, every history verifies, and every value
anyone typed is still somewhere in the history (in effect, or kept aside as a conflict)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from inspector_app.core import hazards
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Hazard, HazardEvent
from tests.sync.conftest import Laptop, add, ledger_state, make_central, school, verified

FIELDS = ("description", "room", "responsible_person")
VALUES = ("A", "B", "C")
operation = st.one_of(
    st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, 5), st.sampled_from(FIELDS), st.sampled_from(VALUES)),
    st.tuples(st.just("add"), st.integers(0, 2)),
    st.tuples(st.just("start"), st.integers(0, 2), st.integers(0, 5)),
    st.tuples(st.just("sync"), st.integers(0, 2)),
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=st.lists(operation, min_size=3, max_size=14), final_order=st.permutations([0, 1, 2]))
def test_random_offline_work_and_sync_orders_converge_without_loss(operations, final_order, catalogue):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        central = make_central(sqlite_url(root / "central.sqlite"), root / "central-files")
        laptops = [Laptop(n, open_database(sqlite_url(root / f"{n}.sqlite")), f"inspector {n}") for n in "abc"]
        try:
            places = school(laptops[0])
            for _ in range(2):
                add(laptops[0], catalogue, places["floor"])
            for laptop in laptops:
                laptop.sync(central)
            typed: list[tuple[str, str, str]] = []
            for op in operations:
                laptop = laptops[op[1]]
                if op[0] == "sync":
                    laptop.sync(central)
                    continue
                if op[0] == "add":
                    add(laptop, catalogue, places["floor"])
                    continue
                with laptop.db.session() as session:
                    known = session.scalars(select(Hazard).order_by(Hazard.site_id, Hazard.seq)).all()
                    hazard = known[op[2] % len(known)]
                    try:
                        if op[0] == "edit":
                            hazards.update_hazard(session, hazard, laptop.actor, **{op[3]: f"{laptop.name}-{op[4]}"})
                            typed.append((str(hazard.id), op[3], f"{laptop.name}-{op[4]}"))
                        elif hazard.status == "open":
                            hazards.change_status(session, laptop.db.store, hazard, "in_progress", laptop.actor)
                    except InspectorError:
                        pass  # what the program refuses (e.g. editing a final hazard) is not typed in
            for _round in range(2):
                for index in final_order:
                    report = laptops[index].sync(central)
                    assert not report.refused and not report.problems
            expected = ledger_state(central.db)
            for laptop in laptops:
                assert ledger_state(laptop.db) == expected
                assert verified(laptop.db)
            assert verified(central.db)
            with central.db.session() as session:
                history = [(str(e.hazard_id), e.kind, e.data) for e in session.scalars(select(HazardEvent))]
            for hazard_id, name, value in typed:
                assert any(h == hazard_id and (data.get("changes", {}).get(name, [None, None])[1] == value
                                               or (kind == "conflict" and data.get("field") == name
                                                   and data.get("set_aside") == value))
                           for h, kind, data in history), (hazard_id, name, value)
        finally:
            for laptop in laptops:
                laptop.db.dispose()
            central.db.dispose()
