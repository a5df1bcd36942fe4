"""Use cases for the places being inspected (organisation > site > building > floor) and for
inspections (walk-throughs)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.models import Building, Floor, Inspection, Organisation, Site
from inspector_app.i18n import N_, _

INSPECTION_KINDS = ("patrol", "periodic", "special", "joint")
INSPECTION_KIND_LABELS = {"patrol": N_("Daily patrol"), "periodic": N_("Periodic inspection"),
                          "special": N_("Special inspection"), "joint": N_("Joint inspection")}


def inspection_kind_label(kind: str) -> str:
    return _(INSPECTION_KIND_LABELS.get(kind, kind))


def create_organisation(session: Session, name: str, kind: str = "school", notice_prefix: str = "",
                        parent: Organisation | None = None) -> Organisation:
    org = Organisation(id=uuid.uuid4(), name=name, kind=kind, notice_prefix=notice_prefix,
                       parent_id=parent.id if parent else None)
    session.add(org)
    session.flush()
    return org


def create_site(session: Session, organisation: Organisation, name: str, code: str | None = None,
                address: str = "") -> Site:
    if code is None:
        count = session.scalar(select(func.count()).select_from(Site)) or 0
        code = f"S{count + 1:02d}"
    if session.scalar(select(Site.id).where(Site.code == code)):
        raise InspectorError(_("A site with the code {code} exists already.").format(code=code))
    site = Site(id=uuid.uuid4(), organisation_id=organisation.id, name=name, code=code, address=address)
    session.add(site)
    session.flush()
    return site


def create_building(session: Session, site: Site, name: str, area_type: str = "other") -> Building:
    order = session.scalar(select(func.count()).select_from(Building).where(Building.site_id == site.id)) or 0
    building = Building(id=uuid.uuid4(), site_id=site.id, name=name, area_type=area_type, sort_order=order)
    session.add(building)
    session.flush()
    return building


def create_floor(session: Session, building: Building, name: str, level: int) -> Floor:
    floor = Floor(id=uuid.uuid4(), building_id=building.id, name=name, level=level)
    session.add(floor)
    session.flush()
    return floor


def create_inspection(session: Session, site: Site, date: dt.date, kind: str = "patrol",
                      inspectors: str = "", notes: str = "") -> Inspection:
    if kind not in INSPECTION_KINDS:
        raise InspectorError(_("Unknown inspection kind '{kind}'. Use one of: {kinds}.").format(
            kind=kind, kinds=", ".join(INSPECTION_KINDS)))
    inspection = Inspection(id=uuid.uuid4(), site_id=site.id, date=date, kind=kind,
                            inspectors=inspectors, notes=notes)
    session.add(inspection)
    session.flush()
    return inspection


def parse_uuid(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise NotFoundError(_("'{value}' is not a valid {what} id.").format(value=value, what=what)) from None


def get_floor(session: Session, floor_id: uuid.UUID | str) -> Floor:
    fid = floor_id if isinstance(floor_id, uuid.UUID) else parse_uuid(floor_id, _("floor"))
    floor = session.get(Floor, fid)
    if floor is None:
        raise NotFoundError(_("No floor with the id {id}.").format(id=floor_id))
    return floor


def find_floor_by_names(session: Session, site: str, building: str, floor: str) -> Floor:
    found = session.scalars(
        select(Floor).join(Building, Floor.building_id == Building.id).join(Site, Building.site_id == Site.id)
        .where((Site.name == site) | (Site.code == site), Building.name == building, Floor.name == floor)
    ).all()
    if not found:
        raise NotFoundError(_("No floor '{floor}' in building '{building}' of site '{site}'.").format(
            floor=floor, building=building, site=site))
    return found[0]


@dataclass
class FloorNode:
    id: uuid.UUID
    name: str
    level: int


@dataclass
class BuildingNode:
    id: uuid.UUID
    name: str
    area_type: str
    floors: list[FloorNode] = field(default_factory=list)


@dataclass
class SiteNode:
    id: uuid.UUID
    name: str
    code: str
    buildings: list[BuildingNode] = field(default_factory=list)


def site_tree(session: Session) -> list[SiteNode]:
    """Every site with its buildings and floors, in display order, in three queries."""
    sites = {s.id: SiteNode(s.id, s.name, s.code) for s in session.scalars(select(Site).order_by(Site.name))}
    buildings: dict[uuid.UUID, BuildingNode] = {}
    for b in session.scalars(select(Building).order_by(Building.sort_order, Building.name)):
        node = BuildingNode(b.id, b.name, b.area_type)
        buildings[b.id] = node
        if b.site_id in sites:
            sites[b.site_id].buildings.append(node)
    for f in session.scalars(select(Floor).order_by(Floor.level, Floor.name)):
        if f.building_id in buildings:
            buildings[f.building_id].floors.append(FloorNode(f.id, f.name, f.level))
    return list(sites.values())


def list_inspections(session: Session, site_id: uuid.UUID | None = None) -> list[Inspection]:
    """Inspections, newest first (of one site, or of all)."""
    query = select(Inspection).order_by(Inspection.date.desc(), Inspection.created_at.desc())
    if site_id:
        query = query.where(Inspection.site_id == site_id)
    return list(session.scalars(query))


def site_of_floor(session: Session, floor_id: uuid.UUID) -> uuid.UUID:
    building_id = get_floor(session, floor_id).building_id
    building = session.get(Building, building_id)
    assert building is not None
    return building.site_id
