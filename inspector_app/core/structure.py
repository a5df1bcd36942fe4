"""Use cases for the places being inspected (organisation > site > building > floor) and for
inspections (walk-throughs): create, rename and remove places (the navigator and `site|building|floor`
commands call the same functions), read the tree, start inspections."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core.errors import InspectorError, NotFoundError
from inspector_app.core.models import (
    Building,
    ChecklistRun,
    Floor,
    Hazard,
    Inspection,
    Organisation,
    PlanDocument,
    Site,
)
from inspector_app.i18n import N_, _, ngettext

PLACE_KINDS = ("site", "building", "floor")
MAX_NAME = {"site": 200, "building": 200, "floor": 100}

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
        while session.scalar(select(Site.id).where(Site.organisation_id == organisation.id, Site.code == code)):
            count += 1
            code = f"S{count + 1:02d}"
    # Codes are an organisation's own: another county may have an LL1 too (hazard numbers stay apart by site).
    if session.scalar(select(Site.id).where(Site.organisation_id == organisation.id, Site.code == code)):
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


def area_type_of_floor(session: Session, floor_id: uuid.UUID) -> str:
    """The area type of the building a floor is in ("" if unknown): what a new hazard there is likely to be."""
    building = session.get(Building, get_floor(session, floor_id).building_id)
    return building.area_type if building is not None else ""


# -- setting up places: add, rename, remove (the navigator and the CLI) -------------------------------
Place = Site | Building | Floor


def kind_word(kind: str) -> str:
    return {"site": _("site"), "building": _("building"), "floor": _("floor")}[kind]


def get_place(session: Session, kind: str, place_id: uuid.UUID | str) -> Place:
    pid = place_id if isinstance(place_id, uuid.UUID) else parse_uuid(str(place_id).strip(), kind_word(kind))
    found: Place | None = (session.get(Site, pid) if kind == "site" else session.get(Building, pid)
                           if kind == "building" else session.get(Floor, pid))
    if found is None:
        raise NotFoundError(_("No {kind} with the id {id}.").format(kind=kind_word(kind), id=place_id))
    return found


def _clean_name(kind: str, name: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InspectorError(_("The {kind} needs a name.").format(kind=kind_word(kind)))
    if len(cleaned) > MAX_NAME[kind]:
        raise InspectorError(_("The name is too long: at most {count} characters.").format(count=MAX_NAME[kind]))
    return cleaned


def _siblings(session: Session, kind: str, parent_id: uuid.UUID) -> list[Place]:
    if kind == "site":
        return list(session.scalars(select(Site).where(Site.organisation_id == parent_id)))
    if kind == "building":
        return list(session.scalars(select(Building).where(Building.site_id == parent_id)))
    return list(session.scalars(select(Floor).where(Floor.building_id == parent_id)))


def _parent_id(place: Place) -> uuid.UUID:
    if isinstance(place, Site):
        return place.organisation_id
    if isinstance(place, Building):
        return place.site_id
    return place.building_id


def _refuse_duplicate(session: Session, kind: str, parent_id: uuid.UUID, name: str,
                      itself: uuid.UUID | None = None) -> None:
    for sibling in _siblings(session, kind, parent_id):
        if sibling.id != itself and sibling.name.casefold() == name.casefold():
            raise InspectorError({
                "site": _("There is already a site named '{name}'."),
                "building": _("This site already has a building named '{name}'."),
                "floor": _("This building already has a floor named '{name}'."),
            }[kind].format(name=name))


def ledger_organisation(session: Session, organisation_id: uuid.UUID | str | None, name: str) -> Organisation:
    """The organisation new sites belong to; an empty ledger gets one, named after its first site."""
    from inspector_app.core.organisation import choose_organisation, top_level_organisations

    if organisation_id is None and not top_level_organisations(session):
        return create_organisation(session, name)
    return choose_organisation(session, organisation_id)


def add_site(session: Session, name: str, code: str | None = None,
             organisation_id: uuid.UUID | str | None = None) -> Site:
    name = _clean_name("site", name)
    if code is not None:
        code = code.strip().upper()
        if not code or len(code) > 20 or not code.replace("-", "").replace("_", "").isalnum():
            raise InspectorError(_("A site code is 1 to 20 letters or digits, e.g. LL1."))
    org = ledger_organisation(session, organisation_id, name)
    _refuse_duplicate(session, "site", org.id, name)
    return create_site(session, org, name, code)


def add_building(session: Session, site_id: uuid.UUID | str, name: str, area_type: str = "other") -> Building:
    site = get_place(session, "site", site_id)
    assert isinstance(site, Site)
    name = _clean_name("building", name)
    _refuse_duplicate(session, "building", site.id, name)
    return create_building(session, site, name, area_type)


def add_floor(session: Session, building_id: uuid.UUID | str, name: str, level: int | None = None) -> Floor:
    """A new floor; without a level it goes above the building's highest one."""
    building = get_place(session, "building", building_id)
    assert isinstance(building, Building)
    name = _clean_name("floor", name)
    _refuse_duplicate(session, "floor", building.id, name)
    if level is None:
        level = (session.scalar(select(func.max(Floor.level)).where(Floor.building_id == building.id)) or 0) + 1
    return create_floor(session, building, name, level)


def rename_place(session: Session, kind: str, place_id: uuid.UUID | str, name: str) -> Place:
    place = get_place(session, kind, place_id)
    name = _clean_name(kind, name)
    _refuse_duplicate(session, kind, _parent_id(place), name, itself=place.id)
    place.name = name
    session.flush()
    return place


def _count(session: Session, query: object) -> int:
    return session.scalar(query) or 0  # type: ignore[call-overload]


def removal_refusal(session: Session, kind: str, place_id: uuid.UUID | str) -> str | None:
    """Why this place cannot be removed, saying what it holds and what to do instead; None when it is
    empty. Asked before removing (the navigator asks it before it asks "Remove?") and by remove_place."""
    place = get_place(session, kind, place_id)
    count = functools.partial(_count, session)
    what, name = kind_word(kind), place.name
    if kind == "site":
        hazards = count(select(func.count()).select_from(Hazard).where(Hazard.site_id == place.id))
        children = count(select(func.count()).select_from(Building).where(Building.site_id == place.id))
        holds = ngettext("it holds {count} building", "it holds {count} buildings", children).format(count=children)
        records = count(select(func.count()).select_from(Inspection).where(Inspection.site_id == place.id))
    elif kind == "building":
        hazards = count(select(func.count()).select_from(Hazard).join(Floor, Hazard.floor_id == Floor.id)
                        .where(Floor.building_id == place.id))
        children = count(select(func.count()).select_from(Floor).where(Floor.building_id == place.id))
        holds = ngettext("it holds {count} floor", "it holds {count} floors", children).format(count=children)
        records = count(select(func.count()).select_from(ChecklistRun).where(ChecklistRun.building_id == place.id))
    else:
        hazards = count(select(func.count()).select_from(Hazard).where(Hazard.floor_id == place.id))
        children, holds = 0, ""
        records = count(select(func.count()).select_from(ChecklistRun).where(ChecklistRun.floor_id == place.id))
    found = ngettext("{count} hazard", "{count} hazards", hazards).format(count=hazards)
    if hazards and children:
        return _("Cannot remove the {kind} '{name}': {holds}, with {hazards} found there. Hazards stay in the "
                 "ledger with the place they were found in, so it stays too; rename it if its name is wrong.").format(
            kind=what, name=name, holds=holds, hazards=found)
    if hazards:
        return _("Cannot remove the {kind} '{name}': {hazards} were found there, and hazards stay in the ledger with "
                 "the place they were found in; rename it if its name is wrong.").format(
            kind=what, name=name, hazards=found)
    if children:
        return _("Cannot remove the {kind} '{name}': {holds}. Remove them first.").format(
            kind=what, name=name, holds=holds)
    if records:
        return _("Cannot remove the {kind} '{name}': {records}, and inspection records stay in the ledger; rename "
                 "it if its name is wrong.").format(kind=what, name=name, records=ngettext(
                     "{count} inspection record names it", "{count} inspection records name it",
                     records).format(count=records))
    return None


def remove_place(session: Session, kind: str, place_id: uuid.UUID | str) -> dict[str, object]:
    """Remove an empty site, building or floor (a floor's plan versions go with it; their files stay in
    the store). Anything that holds hazards, inspections or other places is refused, saying what it
    holds and what to do instead (``removal_refusal``)."""
    place = get_place(session, kind, place_id)
    refusal = removal_refusal(session, kind, place.id)
    if refusal:
        raise InspectorError(refusal)
    described = place_json(place)
    if isinstance(place, Floor):
        for plan in session.scalars(select(PlanDocument).where(PlanDocument.floor_id == place.id)):
            session.delete(plan)
        session.flush()
    session.delete(place)
    session.flush()
    return described


def place_json(place: Place) -> dict[str, object]:
    if isinstance(place, Site):
        return {"kind": "site", "id": str(place.id), "name": place.name, "code": place.code,
                "organisation_id": str(place.organisation_id)}
    if isinstance(place, Building):
        return {"kind": "building", "id": str(place.id), "name": place.name, "site_id": str(place.site_id),
                "area_type": place.area_type}
    return {"kind": "floor", "id": str(place.id), "name": place.name, "building_id": str(place.building_id),
            "level": place.level}
