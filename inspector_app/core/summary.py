"""Summary figures of the ledger: counts by status, category and building, overdue hazards, the
confirmed major hazards under listed supervision (counted apart from the hazards merely marked major),
and the on-the-spot fix rate (hazards closed on the spot among all recorded) for an inspection or a site.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.models import Building, Floor, Hazard
from inspector_app.core.unit_report_answers import waiting_hazard_ids
from inspector_app.core.workflow import FINAL_STATES, OVERDUE_STATES

if TYPE_CHECKING:
    import numpy as np


@dataclass
class Summary:
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_category: dict[str, int] = field(default_factory=dict)
    by_building: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    major: int = 0
    major_listed: int = 0  # confirmed major hazards not yet fixed (core.major_hazards): listed supervision
    fixed_on_spot: int = 0
    reports_waiting: int = 0  # what responsible units sent that waits for an answer (core.unit_report_answers)

    @property
    def on_spot_rate(self) -> float:
        """Share of the recorded hazards (withdrawn ones aside) that were fixed on the spot."""
        counted = self.total - self.by_status.get("withdrawn", 0)
        return self.fixed_on_spot / counted if counted else 0.0


def summarise(session: Session, site_id: uuid.UUID | None = None, inspection_id: uuid.UUID | None = None,
              today: dt.date | None = None) -> Summary:
    today = today or dates.today()
    scope = []
    if site_id:
        scope.append(Hazard.site_id == site_id)
    if inspection_id:
        scope.append(Hazard.inspection_id == inspection_id)
    summary = Summary()
    for status, n in session.execute(select(Hazard.status, func.count()).where(*scope).group_by(Hazard.status)):
        summary.by_status[status] = n
    summary.total = sum(summary.by_status.values())
    for category, n in session.execute(
            select(Hazard.category, func.count()).where(*scope).group_by(Hazard.category)
            .order_by(func.count().desc())):
        summary.by_category[category] = n
    for building, n in session.execute(
            select(Building.name, func.count()).select_from(Hazard)
            .join(Floor, Hazard.floor_id == Floor.id).join(Building, Floor.building_id == Building.id)
            .where(*scope).group_by(Building.name).order_by(Building.name)):
        summary.by_building[building] = n
    summary.overdue = int(session.scalar(select(func.count()).select_from(Hazard).where(
        *scope, and_(Hazard.deadline < today, Hazard.status.in_(sorted(OVERDUE_STATES))))) or 0)
    summary.major = int(session.scalar(
        select(func.count()).select_from(Hazard).where(*scope, Hazard.severity == "major")) or 0)
    summary.major_listed = int(session.scalar(select(func.count()).select_from(Hazard).where(
        *scope, Hazard.major_rule > "", Hazard.status.not_in(sorted(FINAL_STATES)))) or 0)
    summary.fixed_on_spot = int(session.scalar(
        select(func.count()).select_from(Hazard).where(*scope, Hazard.fixed_on_spot.is_(True))) or 0)
    waiting = waiting_hazard_ids(session)
    if waiting:  # few: a hazard has them only while a unit waits for its answer
        summary.reports_waiting = int(session.scalar(select(func.count()).select_from(Hazard).where(
            *scope, Hazard.id.in_(waiting))) or 0)
    return summary


def pin_positions(session: Session, floor_id: uuid.UUID, page: int = 0) -> list[tuple[float, float]]:
    """Normalised positions of the live (not withdrawn) pins on a floor page, for the density map."""
    rows = session.execute(select(Hazard.x, Hazard.y).where(
        Hazard.floor_id == floor_id, Hazard.page == page, Hazard.x.is_not(None), Hazard.status != "withdrawn"))
    return [(float(x), float(y)) for x, y in rows if x is not None and y is not None]


def density_grid(positions: list[tuple[float, float]], columns: int = 64, rows: int = 40,
                 radius: float = 1.5) -> np.ndarray:
    """Hazard density over a page as a rows×columns grid scaled to 0..1 (1 = the densest spot).

    Each pin spreads a Gaussian of ``radius`` cells, so a cluster reads as one hot area rather
    than a speckle of separate cells.
    """
    import numpy as np  # here, not at the top: the heat map is drawn on request, long after the start

    grid = np.zeros((rows, columns), dtype=np.float32)
    if not positions:
        return grid
    points = np.asarray(positions, dtype=np.float32)
    xs = np.clip(points[:, 0] * columns, 0, columns - 1e-3)
    ys = np.clip(points[:, 1] * rows, 0, rows - 1e-3)
    np.add.at(grid, (ys.astype(int), xs.astype(int)), 1.0)
    # Separable Gaussian blur, done with two 1-D convolutions.
    reach = max(1, round(radius * 3))
    offsets = np.arange(-reach, reach + 1, dtype=np.float32)
    kernel = np.exp(-(offsets**2) / (2 * radius * radius))
    kernel /= kernel.sum()
    grid = np.apply_along_axis(lambda row: np.convolve(row, kernel, mode="same"), 1, grid)
    grid = np.apply_along_axis(lambda col: np.convolve(col, kernel, mode="same"), 0, grid)
    peak = float(grid.max())
    return grid / peak if peak > 0 else grid
