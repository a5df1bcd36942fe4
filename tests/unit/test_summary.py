"""Summary figures agree with the ledger rows they summarise."""

from __future__ import annotations

from collections import Counter

from inspector_app.core import dates
from inspector_app.core.demo import create_demo
from inspector_app.core.queries import list_hazards
from inspector_app.core.summary import pin_positions, summarise


def test_summary_matches_the_rows(db, catalogue):
    create_demo(db, catalogue)
    today = dates.today()  # the demo's own "today": the program's clock, in the laptop's zone
    with db.session() as session:
        rows = list_hazards(session, today=today)
        summary = summarise(session, today=today)
        positions = pin_positions(session, rows[0].floor_id)
    assert summary.total == len(rows)
    assert summary.by_status == dict(Counter(r.status for r in rows))
    assert summary.by_category == dict(Counter(r.category for r in rows))
    assert summary.by_building == dict(Counter(r.building for r in rows if r.building))
    assert summary.overdue == sum(r.overdue for r in rows) > 0
    assert summary.major == sum(r.severity == "major" for r in rows)
    withdrawn = summary.by_status.get("withdrawn", 0)
    assert summary.fixed_on_spot == 4
    assert abs(summary.on_spot_rate - 4 / (len(rows) - withdrawn)) < 1e-9
    on_floor = [r for r in rows if r.floor_id == rows[0].floor_id and r.status != "withdrawn"]
    assert sorted(positions) == sorted((r.x, r.y) for r in on_floor)


def test_empty_ledger_has_a_zero_rate(db):
    with db.session() as session:
        summary = summarise(session)
    assert (summary.total, summary.on_spot_rate) == (0, 0.0)


def test_density_grid_is_hot_where_pins_cluster():
    from inspector_app.core.summary import density_grid

    cluster = [(0.25 + 0.01 * i, 0.5) for i in range(5)]
    grid = density_grid([*cluster, (0.9, 0.1)], columns=20, rows=10)
    assert grid.shape == (10, 20)
    assert grid.max() == 1.0
    hottest = divmod(int(grid.argmax()), 20)
    assert hottest[0] == 5 and 4 <= hottest[1] <= 6
    assert grid[1, 18] < grid[5, 5]
    assert grid[9, 0] < 0.01
    assert not density_grid([], columns=4, rows=3).any()
