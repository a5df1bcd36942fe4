"""The education bureau's roll-up: hazard figures over many sites of one (central) ledger, grouped
by site (school) or by county, optionally limited to one organisation and everything below it.

Definitions (the same on every screen, sheet and JSON that shows these figures):
- counts by status, severity and category count every hazard recorded, withdrawn ones included
  (so the status counts add up to the total);
- overdue: deadline before ``today`` and status open or in progress (core.workflow.OVERDUE_STATES;
  a hazard awaiting re-inspection has reported its fix and is the inspector's to check, not late);
- on-the-spot fix rate: hazards fixed on the spot / hazards recorded, withdrawn hazards left out of
  both (a withdrawn hazard was never a real one); ``None`` when nothing is counted;
- major open: severity major and status not final (neither closed nor withdrawn);
- major listed: confirmed a major hazard under a rule (core.major_hazards) and not final: under listed
  supervision (挂牌督办), counted apart from the hazards merely marked major.
The county of a site is the nearest organisation up from the site's organisation (itself included)
whose kind is "county"; a site with none counts under its top-level organisation.

Hazards are aggregated in SQL (GROUP BY site, status, severity...): a handful of queries whatever
the number of hazards; only organisations and sites (a few thousand rows at most) are read whole.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from inspector_app.core import dates
from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.forms import Catalogue
from inspector_app.core.models import Hazard, Organisation, Site
from inspector_app.core.workflow import FINAL_STATES, OVERDUE_STATES, Severity, Status
from inspector_app.i18n import _

GROUPINGS = ("site", "county")
STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)


@dataclass
class Figures:
    """The counts of one group (a site, a county, a category or the whole scope)."""

    total: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    by_severity: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    overdue: int = 0
    fixed_on_spot: int = 0
    major_open: int = 0
    major_listed: int = 0

    @property
    def counted(self) -> int:
        """Hazards the fix rate is taken over: all recorded, withdrawn ones aside."""
        return self.total - self.by_status.get(Status.WITHDRAWN, 0)

    @property
    def fix_rate(self) -> float | None:
        """Hazards fixed on the spot / hazards recorded (withdrawn excluded); None if none counted."""
        return self.fixed_on_spot / self.counted if self.counted else None

    def add(self, other: Figures) -> None:
        self.total += other.total
        for status, n in other.by_status.items():
            self.by_status[status] = self.by_status.get(status, 0) + n
        for severity, n in other.by_severity.items():
            self.by_severity[severity] = self.by_severity.get(severity, 0) + n
        self.overdue += other.overdue
        self.fixed_on_spot += other.fixed_on_spot
        self.major_open += other.major_open
        self.major_listed += other.major_listed

    def as_json(self) -> dict[str, Any]:
        return {"total": self.total, "by_status": dict(self.by_status), "by_severity": dict(self.by_severity),
                "overdue": self.overdue, "fixed_on_spot": self.fixed_on_spot, "counted": self.counted,
                "fix_rate": self.fix_rate, "major_open": self.major_open, "major_listed": self.major_listed}


@dataclass
class GroupRow:
    """One line of the roll-up: a site (with its county) or a county (with its number of sites)."""

    id: uuid.UUID
    name: str
    code: str = ""  # the site's code; empty for a county
    county: str = ""  # the county's name for a site; empty for a county
    sites: int = 0
    figures: Figures = field(default_factory=Figures)
    by_category: dict[str, int] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": str(self.id), "name": self.name}
        if self.code or self.county:
            data.update(code=self.code, county=self.county)
        data["sites"] = self.sites
        data.update(self.figures.as_json())
        data["by_category"] = dict(sorted(self.by_category.items()))
        return data


@dataclass
class CategoryRow:
    code: str
    label: str
    group: str  # the category group's label (electrical, evacuation...)
    figures: Figures


@dataclass
class MajorOpenSite:
    """A school with major hazards still open: how many, how many of those overdue, the earliest deadline."""

    site_id: uuid.UUID
    name: str
    code: str
    county: str
    major_open: int
    overdue: int
    earliest_deadline: dt.date | None
    listed: int = 0  # of the major open, those confirmed under a rule: under listed supervision

    def as_json(self) -> dict[str, Any]:
        return {"site_id": str(self.site_id), "name": self.name, "code": self.code, "county": self.county,
                "major_open": self.major_open, "major_listed": self.listed, "overdue": self.overdue,
                "earliest_deadline": self.earliest_deadline.isoformat() if self.earliest_deadline else None}


@dataclass
class Rollup:
    by: str
    today: dt.date
    organisation: Organisation | None
    groups: list[GroupRow]
    totals: Figures
    total_sites: int
    categories: list[CategoryRow]
    major_open_sites: list[MajorOpenSite]

    def as_json(self) -> dict[str, Any]:
        org = self.organisation
        return {
            "by": self.by, "date": self.today.isoformat(),
            "organisation": {"id": str(org.id), "name": org.name, "kind": org.kind} if org else None,
            "groups": [g.as_json() for g in self.groups],
            "totals": {"sites": self.total_sites, **self.totals.as_json()},
            "categories": [{"code": c.code, "label": c.label, "group": c.group, **c.figures.as_json()}
                           for c in self.categories],
            "major_open_sites": [m.as_json() for m in self.major_open_sites],
        }


def category_label(catalogue: Catalogue, code: str) -> str:
    """The category's name in the current language, or its code if the forms no longer know it."""
    category = catalogue.categories.get(code)
    return category.name.get() if category else code


def category_group_label(catalogue: Catalogue, code: str) -> str:
    category = catalogue.categories.get(code)
    group = catalogue.groups.get(category.group) if category else None
    return group.name.get() if group else ""


# --- Where each site belongs ---------------------------------------------------------------------


def county_of(org_id: uuid.UUID, organisations: dict[uuid.UUID, Organisation]) -> Organisation:
    """The nearest county up from an organisation (itself included), else its top-level organisation."""
    seen: set[uuid.UUID] = set()
    current = organisations[org_id]
    while True:
        if current.kind == "county":
            return current
        seen.add(current.id)
        parent = organisations.get(current.parent_id) if current.parent_id else None
        if parent is None or parent.id in seen:  # the top, or a loop in bad data: stop here
            return current
        current = parent


def organisation_and_below(root: uuid.UUID, organisations: dict[uuid.UUID, Organisation]) -> set[uuid.UUID]:
    children: dict[uuid.UUID, list[uuid.UUID]] = {}
    for org in organisations.values():
        if org.parent_id is not None:
            children.setdefault(org.parent_id, []).append(org.id)
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found



# --- The SQL aggregates --------------------------------------------------------------------------


def _figure_columns(today: dt.date) -> list[Any]:
    overdue = case((and_(Hazard.deadline < today, Hazard.status.in_(sorted(OVERDUE_STATES))), 1), else_=0)
    on_spot = case((and_(Hazard.fixed_on_spot.is_(True), Hazard.status != Status.WITHDRAWN.value), 1), else_=0)
    return [func.count(), func.sum(on_spot), func.sum(overdue), func.sum(_listed())]


def _listed() -> Any:
    """1 for a confirmed major hazard not yet fixed (listed supervision), else 0."""
    return case((and_(Hazard.major_rule > "", Hazard.status.not_in(sorted(FINAL_STATES))), 1), else_=0)


def _figures_by(session: Session, key: Any, scope: list[Any], today: dt.date) -> dict[Any, Figures]:
    """Figures per value of ``key`` (a hazard column), from one GROUP BY over key, status and severity."""
    query = (select(key, Hazard.status, Hazard.severity, *_figure_columns(today))
             .where(*scope).group_by(key, Hazard.status, Hazard.severity))
    result: dict[Any, Figures] = {}
    for value, status, severity, n, on_spot, overdue, listed in session.execute(query):
        figures = result.setdefault(value, Figures())
        figures.total += n
        figures.by_status[status] = figures.by_status.get(status, 0) + n
        figures.by_severity[severity] = figures.by_severity.get(severity, 0) + n
        figures.fixed_on_spot += int(on_spot or 0)
        figures.overdue += int(overdue or 0)
        figures.major_listed += int(listed or 0)
        if severity == Severity.MAJOR and status not in FINAL_STATES:
            figures.major_open += n
    return result


def _categories_by_site(session: Session, scope: list[Any]) -> dict[uuid.UUID, dict[str, int]]:
    result: dict[uuid.UUID, dict[str, int]] = {}
    query = select(Hazard.site_id, Hazard.category, func.count()).where(*scope).group_by(
        Hazard.site_id, Hazard.category)
    for site_id, category, n in session.execute(query):
        result.setdefault(site_id, {})[category] = n
    return result


def _major_open_by_site(session: Session, scope: list[Any],
                        today: dt.date) -> dict[uuid.UUID, tuple[int, int, Any, int]]:
    overdue = case((and_(Hazard.deadline < today, Hazard.status.in_(sorted(OVERDUE_STATES))), 1), else_=0)
    query = (select(Hazard.site_id, func.count(), func.sum(overdue), func.min(Hazard.deadline), func.sum(_listed()))
             .where(*scope, Hazard.severity == Severity.MAJOR.value, Hazard.status.not_in(sorted(FINAL_STATES)))
             .group_by(Hazard.site_id))
    return {site_id: (n, int(late or 0), first, int(listed or 0))
            for site_id, n, late, first, listed in session.execute(query)}


def _merge_counts(into: dict[str, int], counts: Iterable[tuple[str, int]]) -> None:
    for key, n in counts:
        into[key] = into.get(key, 0) + n


# --- The roll-up ---------------------------------------------------------------------------------


def rollup(session: Session, catalogue: Catalogue, by: str = "county", organisation_id: uuid.UUID | None = None,
           today: dt.date | None = None) -> Rollup:
    """Figures of every site in the ledger (or of one organisation and all below it), grouped ``by``
    "site" or "county", with a totals row, the categories and the schools with major hazards open."""
    if by not in GROUPINGS:
        raise InspectorError(_("Group the roll-up by one of: {names}.").format(names=", ".join(GROUPINGS)))
    today = today or dates.today()
    organisations = {org.id: org for org in session.scalars(select(Organisation))}
    scope_org: Organisation | None = None
    scope: list[Any] = []
    site_query = select(Site.id, Site.name, Site.code, Site.organisation_id)
    if organisation_id is not None:
        scope_org = organisations.get(organisation_id)
        if scope_org is None:
            raise NotFoundError(_("No organisation with the id {id}.").format(id=organisation_id))
        below = sorted(organisation_and_below(organisation_id, organisations))
        site_query = site_query.where(Site.organisation_id.in_(below))
        scope = [Hazard.site_id.in_(select(Site.id).where(Site.organisation_id.in_(below)))]
    sites = list(session.execute(site_query))
    county = {site_id: county_of(org_id, organisations) for site_id, _n, _c, org_id in sites}

    by_site = _figures_by(session, Hazard.site_id, scope, today)
    categories_by_site = _categories_by_site(session, scope)
    groups: dict[uuid.UUID, GroupRow] = {}
    for site_id, name, code, _org_id in sites:
        home = county[site_id]
        if by == "site":
            row = groups[site_id] = GroupRow(id=site_id, name=name, code=code, county=home.name)
        else:
            row = groups.setdefault(home.id, GroupRow(id=home.id, name=home.name))
        row.sites += 1
        row.figures.add(by_site.get(site_id, Figures()))
        _merge_counts(row.by_category, categories_by_site.get(site_id, {}).items())
    ordered = sorted(groups.values(), key=lambda g: (g.county, g.name, g.code))
    totals = Figures()
    for row in ordered:
        totals.add(row.figures)

    categories = [CategoryRow(code=code, label=category_label(catalogue, code),
                              group=category_group_label(catalogue, code), figures=figures)
                  for code, figures in _figures_by(session, Hazard.category, scope, today).items()]
    categories.sort(key=lambda c: (-c.figures.total, c.group, c.label))

    names = {site_id: (name, code) for site_id, name, code, _o in sites}
    major = [MajorOpenSite(site_id=site_id, name=names[site_id][0], code=names[site_id][1],
                           county=county[site_id].name, major_open=n, overdue=late, earliest_deadline=first,
                           listed=listed)
             for site_id, (n, late, first, listed) in _major_open_by_site(session, scope, today).items()
             if site_id in names]
    major.sort(key=lambda m: (-m.listed, -m.major_open, -m.overdue, m.county, m.name))
    return Rollup(by=by, today=today, organisation=scope_org, groups=ordered, totals=totals,
                  total_sites=len(sites), categories=categories, major_open_sites=major)
