"""Plan revisions in the core: a new version can be taken back (undo) only while it is the newest and
put back again (redo); pins placed on an older version are to be checked until moved or confirmed."""

from __future__ import annotations

import pytest

from inspector_app.core.errors import InspectorError
from inspector_app.core.hazards import add_hazard, find_hazard, move_pin
from inspector_app.core.plans_store import (
    add_plan_version,
    confirm_pins,
    current_plan,
    pins_to_check,
    read_plan_facts,
    restore_plan_version,
    withdraw_plan_version,
)
from inspector_app.core.structure import get_floor


def test_versions_are_taken_back_newest_first_and_restored(db, floor, floorplans):
    pdf, png = floorplans / "pdf" / "derived_from_shipped_plans.pdf", floorplans / "raster" / "mlstruct_2cb0cff6.png"
    with db.session() as session:
        first = add_plan_version(session, db.store, get_floor(session, floor), pdf, read_plan_facts(pdf)).id
        second = add_plan_version(session, db.store, get_floor(session, floor), png, read_plan_facts(png)).id
    with db.session() as session, pytest.raises(InspectorError, match="newer plan version"):
        withdraw_plan_version(session, first)
    with db.session() as session:
        record = withdraw_plan_version(session, second)
        assert current_plan(session, floor).id == first
    with db.session() as session:
        restored = restore_plan_version(session, record)
        assert (restored.id, restored.version, restored.format) == (second, 2, "png")


def test_a_missing_or_unreadable_plan_file_is_one_clear_line(tmp_path):
    with pytest.raises(InspectorError, match=r"nothing\.pdf: no such file\.$"):
        read_plan_facts(tmp_path / "nothing.pdf")
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not an image")
    with pytest.raises(InspectorError) as caught:
        read_plan_facts(broken)
    assert str(caught.value).startswith("broken.png: ") and "\n" not in str(caught.value)


def test_pins_from_an_older_plan_are_to_be_checked(db, floor, floorplans, catalogue):
    pdf, png = floorplans / "pdf" / "derived_from_shipped_plans.pdf", floorplans / "raster" / "mlstruct_2cb0cff6.png"
    with db.session() as session:
        add_plan_version(session, db.store, get_floor(session, floor), pdf, read_plan_facts(pdf))
        ids = [add_hazard(session, catalogue, db.store, actor="li", category="electrical.aging_wiring",
                          floor_id=floor, x=0.1 * n, y=0.5).id for n in (1, 2, 3)]
        assert pins_to_check(session, floor) == set()  # one version: nothing to check
    with db.session() as session:
        add_plan_version(session, db.store, get_floor(session, floor), png, read_plan_facts(png))
        assert pins_to_check(session, floor) == set(ids)
    with db.session() as session:
        move_pin(session, find_hazard(session, str(ids[0])), "li", 0.15, 0.5)
        assert pins_to_check(session, floor) == {ids[1], ids[2]}
        assert confirm_pins(session, [ids[1]], "li", 2) == 1
        assert pins_to_check(session, floor) == {ids[2]}
