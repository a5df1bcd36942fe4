"""A realistic demo project: one school, its teaching building, dormitory and canteen, floor plans
drawn here, and a ledger of hazards in every state (some overdue), one of them confirmed a major
hazard by the school's group and others flagged as possible major hazards (the e-bikes in the lobby,
item 6 of the education guide), so a new user sees the program as it looks in the middle of a campaign.

The school is built in one language (its organisation's), all of its data with it. Its history is
one that could have happened: every hazard found on the inspection day, deadlines after it, and
each event dated when it would have been recorded (work started days later, re-inspection after the
report), so the public timeline and the ledger read like a real campaign's.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector_app.core import audit, dates, structure
from inspector_app.core.db import Database
from inspector_app.core.forms import Catalogue
from inspector_app.core.hazards import add_hazard, change_status, update_hazard
from inspector_app.core.major_hazards import GroupDecision, decide
from inspector_app.core.models import Attachment, Floor, Hazard, HazardEvent
from inspector_app.core.notice_register import today as issue_day
from inspector_app.core.plans_store import PageFacts, add_plan_version
from inspector_app.core.workflow import Status
from inspector_app.i18n import current_language, use_language

PLAN_SIZE = (2000, 1200)

# (zh, en) pairs: the demo speaks the language the user runs the program in.
SCHOOL = ("吕梁市第一实验中学", "Lüliang No. 1 Experimental Middle School")
ORG = ("吕梁市教育局", "Lüliang Education Bureau")
BUILDINGS: list[tuple[tuple[str, str], str, int, list[str]]] = [
    (("教学楼", "Teaching building"), "teaching_building", 3, ["electrical", "evacuation", "fire_equipment"]),
    (("学生宿舍", "Dormitory"), "dormitory", 2, ["electrical", "fire_use", "evacuation", "combustibles"]),
    (("食堂", "Canteen"), "canteen", 1, ["kitchen", "fire_equipment", "electrical"]),
]
FLOOR_NAMES = (("一层", "1F"), ("二层", "2F"), ("三层", "3F"))
UNITS = (("总务处", "General Affairs Office"), ("宿管中心", "Dormitory Office"), ("后勤处", "Logistics Office"))
PEOPLE = (("王建国", "Wang Jianguo"), ("李秀英", "Li Xiuying"), ("张伟", "Zhang Wei"), ("刘洋", "Liu Yang"))
ADDRESS = ("山西省吕梁市离石区", "Lishi District, Lüliang, Shanxi")
PREFIX = ("吕教安", "LLEB")
CHINA = dt.timezone(dt.timedelta(hours=8), "CST")  # the school's clock: events happen in its working day
INSPECTION_DAYS_AGO = 40  # the campaign's special inspection
RECURRED_DAYS_AGO = 12  # a closed hazard came back, reported outside any inspection
DEADLINE_DAYS = (7, 15, 30, 45, 60, 90)  # after the inspection day: some passed by now, some not


def pick(pair: tuple[str, str]) -> str:
    return pair[0] if current_language().startswith("zh") else pair[1]


def draw_floor_plan(path: Path, label: str, rooms_per_side: int = 8) -> None:
    """A plain architectural plan: outer walls, a corridor, rooms with doors, two stairs, exits."""
    width, height = PLAN_SIZE
    image = Image.new("RGB", PLAN_SIZE, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=28)
    small = ImageFont.load_default(size=22)
    margin, wall = 80, 10
    draw.rectangle([margin, margin, width - margin, height - margin], outline="black", width=wall)
    corridor_top, corridor_bottom = height // 2 - 90, height // 2 + 90
    stair_w = 180
    left, right = margin + stair_w, width - margin - stair_w
    for x in (left, right):
        draw.line([x, margin, x, height - margin], fill="black", width=wall)
    for y in (corridor_top, corridor_bottom):
        draw.line([left, y, right, y], fill="black", width=6)
    room_w = (right - left) / rooms_per_side
    for i in range(rooms_per_side):
        x0 = left + i * room_w
        if i:
            draw.line([x0, margin, x0, corridor_top], fill="black", width=6)
            draw.line([x0, corridor_bottom, x0, height - margin], fill="black", width=6)
        door = x0 + room_w / 2
        for y in (corridor_top, corridor_bottom):
            draw.line([door - 35, y, door + 35, y], fill="white", width=8)
            swing = [door - 35, y - 70, door + 35, y] if y == corridor_top else [door - 35, y, door + 35, y + 70]
            draw.arc(swing, 0, 360, fill="#999999")
        draw.text((x0 + 20, margin + 20), f"{label[0]}{i * 2 + 1:02d}", fill="black", font=font)
        draw.text((x0 + 20, height - margin - 55), f"{label[0]}{i * 2 + 2:02d}", fill="black", font=font)
    for x0 in (margin, right):
        for step in range(12):
            y = margin + 60 + step * 70
            draw.line([x0 + 20, y, x0 + stair_w - 20, y], fill="#555555", width=3)
        draw.text((x0 + 30, height // 2 - 15), "STAIR", fill="#333333", font=small)
    for x in (margin, width - margin):
        draw.rectangle([x - 12, height // 2 - 60, x + 12, height // 2 + 60], fill="#2e7d32")
        draw.text((x - 30 if x == margin else x - 60, height // 2 + 70), "EXIT", fill="#2e7d32", font=small)
    draw.text((margin, 20), label, fill="black", font=font)
    image.save(path, format="PNG", optimize=True)


def make_photo(path: Path, text: str, colour: str) -> None:
    image = Image.new("RGB", (1024, 768), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle([40, 40, 984, 728], outline="white", width=8)
    draw.text((80, 340), text, fill="white", font=ImageFont.load_default(size=64))
    image.save(path, format="JPEG", quality=85)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CHINA)


def _dated(session: Session, hazard: Hazard, when: dt.datetime, step: Callable[[], object]) -> None:
    """Run one use case on the hazard, then date the events (and photos) it wrote at `when`."""
    since = session.scalar(select(func.max(HazardEvent.seq)).where(HazardEvent.hazard_id == hazard.id)) or 0
    step()
    _redate(session, hazard, since, when)


def _redate(session: Session, hazard: Hazard, since: int, when: dt.datetime) -> None:
    """Date the hazard's events after seq `since` (and their photos) at `when`, a second apart.

    The use cases stamp events with the present; the demo's past is written before anyone has seen
    it, and the chain is re-hashed from the first redated event, so `audit verify` still holds."""
    session.flush()
    events = session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id, HazardEvent.seq > since)
                             .order_by(HazardEvent.seq)).all()
    previous = session.scalar(select(HazardEvent.hash).where(HazardEvent.hazard_id == hazard.id,
                                                             HazardEvent.seq == since)) or audit.GENESIS
    for offset, event in enumerate(events):
        event.at = (when + dt.timedelta(seconds=offset)).astimezone(dt.UTC)
        event.prev_hash = previous
        event.hash = previous = audit.event_hash(previous, event)
        if event.kind == "photo_added":
            attachment = session.get(Attachment, uuid.UUID(event.data["attachment_id"]))
            if attachment is not None:
                attachment.created_at = event.at
    if events:
        hazard.updated_at = events[-1].at
    if hazard.closed_at is not None:
        hazard.closed_at = when.astimezone(dt.UTC)
    session.flush()


def create_demo(db: Database, catalogue: Catalogue, actor: str = "demo", seed: int = 7,
                today: dt.date | None = None, language: str | None = None) -> dict[str, object]:
    """Fill an empty ledger with the demo school, all in one language (default: the current one,
    which becomes the organisation's); returns a summary of what was made."""
    with use_language(language or current_language()):
        return _create_demo(db, catalogue, actor, seed, today or issue_day())


def _create_demo(db: Database, catalogue: Catalogue, actor: str, seed: int, today: dt.date) -> dict[str, object]:
    rng = random.Random(seed)
    timing = random.Random(seed + 1)  # when each step happened: apart from rng, which places the hazards
    language = current_language()
    inspection_day = today - dt.timedelta(days=INSPECTION_DAYS_AGO)
    people = [pick(p) for p in PEOPLE]
    by_group: dict[str, list[str]] = {}
    for known in catalogue.categories.values():
        by_group.setdefault(known.group, []).append(known.code)
    with tempfile.TemporaryDirectory() as tmp_name, db.session() as session:
        tmp = Path(tmp_name)
        before = tmp / "before.jpg"
        after = tmp / "after.jpg"
        make_photo(before, "BEFORE", "#8d3b2f")
        make_photo(after, "AFTER", "#2f6d3b")
        org = structure.create_organisation(session, pick(ORG), kind="county", notice_prefix=pick(PREFIX))
        org.language = language
        site = structure.create_site(session, org, pick(SCHOOL), code="LL1", address=pick(ADDRESS))
        inspection = structure.create_inspection(
            session, site, inspection_day, kind="special", inspectors=", ".join(people[:2]),
            notes=pick(("安全隐患排查整治专项检查", "Hazard campaign special inspection")))
        floors: list[tuple[Floor, list[str], str]] = []
        for b_index, (name, area_type, floor_count, groups) in enumerate(BUILDINGS):
            building = structure.create_building(session, site, pick(name), area_type)
            for level in range(1, floor_count + 1):
                floor = structure.create_floor(session, building, pick(FLOOR_NAMES[level - 1]), level)
                plan_path = tmp / f"plan-{b_index}-{level}.png"
                draw_floor_plan(plan_path, f"{'TDC'[b_index]}{level} {name[1]} {FLOOR_NAMES[level - 1][1]}")
                add_plan_version(session, db.store, floor, plan_path,
                                 PageFacts("raster", 1, float(PLAN_SIZE[0]), float(PLAN_SIZE[1])))
                floors.append((floor, groups, pick(UNITS[b_index])))
        plan = [Status.OPEN] * 14 + [Status.IN_PROGRESS] * 10 + [Status.AWAITING_REINSPECTION] * 8 \
            + [Status.CLOSED] * 8 + ["fixed_on_spot"] * 4 + [Status.WITHDRAWN] * 2
        rng.shuffle(plan)
        counts: dict[str, int] = {}
        for index, target in enumerate(plan):
            floor, groups, unit = floors[index % len(floors)]
            # Cycle the groups across a floor's hazards, not across floors, so each floor has a mix.
            codes = by_group.get(groups[(index // len(floors)) % len(groups)]) or sorted(catalogue.categories)
            category = codes[rng.randrange(len(codes))]
            # The walk-through: one hazard every few minutes from nine in the morning. The draw that
            # once chose a random finding day now chooses the deadline, so that pins, rooms and
            # people stay where they always were in the demo (tests and screenshots know them).
            deadline_days = DEADLINE_DAYS[rng.randint(2, 60) % len(DEADLINE_DAYS)]
            found = at(inspection_day, 9) + dt.timedelta(minutes=6 * index)
            phrases = catalogue.categories[category].phrases
            description = phrases[0].get() if phrases else catalogue.categories[category].name.get()
            # Campaign ledgers hold a few major hazards beyond the categories that are major by default.
            severity = "major" if index % 9 == 4 else None
            hazard = add_hazard(
                session, catalogue, db.store, actor=actor, category=category, floor_id=floor.id, severity=severity,
                x=round(rng.uniform(0.12, 0.88), 4), y=round(rng.uniform(0.15, 0.85), 4),
                description=description, room=f"{rng.randint(1, 3)}{rng.randint(1, 16):02d}",
                inspection_id=inspection.id, responsible_unit=unit, responsible_person=rng.choice(people),
                funding=rng.choice(("", "2000", "15000")), photos=[before], today=inspection_day,
                deadline=inspection_day + dt.timedelta(days=deadline_days),
                found_at=found.astimezone(dt.UTC),
            )
            _redate(session, hazard, 0, found)
            _walk_to(session, db, hazard, target, actor, after, found, today, timing)
            counts[str(target)] = counts.get(str(target), 0) + 1
        # One hazard that came back after it had been closed: a new hazard linked to the old one,
        # reported by the school between inspections (so it belongs to none).
        closed = next(h for h in session.query(Hazard).filter(Hazard.status == Status.CLOSED))
        recurred_day = today - dt.timedelta(days=RECURRED_DAYS_AGO)
        found = at(recurred_day, 15, 20)
        recurring = add_hazard(session, catalogue, db.store, actor=actor, category=closed.category,
                               floor_id=closed.floor_id, x=closed.x, y=closed.y, previous_hazard_id=closed.id,
                               today=recurred_day, found_at=found.astimezone(dt.UTC),
                               deadline=recurred_day + dt.timedelta(days=30),
                               responsible_unit=closed.responsible_unit, responsible_person=closed.responsible_person)
        _redate(session, recurring, 0, found)
        _dated(session, recurring, found + dt.timedelta(minutes=5),
               lambda: update_hazard(session, recurring, actor, description=closed.description))
        _confirm_major(session, catalogue, actor, people, inspection_day, today)
        _supervision_examples(session, actor, today)
        return {"site": site.name, "site_id": str(site.id), "floors": len(floors), "language": language,
                "hazards": len(plan) + 1, "by_target": counts}


# The dormitory's barred windows: confirmed a major hazard under item 9 by the school's group two days
# after the inspection. The e-bikes in the lobbies (electrical.ebike_indoor_charging) are left as they
# were recorded, general hazards that the program flags under item 6 for the inspector to decide.
MAJOR_RULE = "edu2024.3.1.9"
MAJOR_TIME_LIMIT_DAYS = 60
MAJOR_CONCLUSION = (
    "经集体讨论，该宿舍外窗设置全封闭金属防盗网，影响逃生和灭火救援，依据《教育系统重大事故隐患判定指南》"
    "第三条（一）第9项，判定为重大事故隐患，实行挂牌督办，限期拆除或改为可从内部开启的逃生窗。",
    "After group discussion: the dormitory's outer windows are sealed by metal bars that hinder escape and "
    "rescue. Under Art. 3 (1) item 9 of the education system's guide this is a major accident hazard, under "
    "listed supervision until the bars are removed or replaced by escape windows that open from inside.")


def _confirm_major(session: Session, catalogue: Catalogue, actor: str, people: list[str], inspection_day: dt.date,
                   today: dt.date) -> None:
    if MAJOR_RULE not in catalogue.major_rules:  # an organisation's forms replaced the guide's rules
        return
    hazard = session.scalars(select(Hazard).where(Hazard.category == "evacuation.window_bars",
                                                  Hazard.status == Status.OPEN).order_by(Hazard.seq)).first()
    if hazard is None:
        return
    decided_on = min(inspection_day + dt.timedelta(days=2), today)
    group = GroupDecision(tuple(people[:3]), decided_on, pick(MAJOR_CONCLUSION))
    _dated(session, hazard, at(decided_on, 15), lambda: decide(
        session, catalogue, hazard, MAJOR_RULE, confirm=True, actor=actor, answers=[True, True], group=group,
        today=today))
    # Listed supervision sets the time limit of the whole correction (the bars removed, escape windows fitted).
    _dated(session, hazard, at(decided_on, 15, 10), lambda: update_hazard(
        session, hazard, actor, note=pick(("挂牌督办整改时限", "Time limit under listed supervision")),
        deadline=decided_on + dt.timedelta(days=MAJOR_TIME_LIMIT_DAYS)))
def _supervision_examples(session: Session, actor: str, today: dt.date) -> None:
    """A hazard at each supervision level (issue 25): the walk leaves some overdue for weeks (督办,
    挂牌督办) and some not yet due; here one deadline is brought within the reminder's days (the school
    asked for less time). Supervision by hand is left out: it is an administrator's act, and the server
    would refuse it from the inspector's token a demo ledger may first be synced with."""
    unfinished = session.scalars(select(Hazard).where(Hazard.status.in_((Status.OPEN, Status.IN_PROGRESS)),
                                                      Hazard.deadline > today + dt.timedelta(days=5),
                                                      Hazard.major_rule == "")  # its limit is the group's
                                 .order_by(Hazard.seq)).all()
    soon = unfinished[0]
    _dated(session, soon, at(today - dt.timedelta(days=1), 10),
           lambda: update_hazard(session, soon, actor, deadline=today + dt.timedelta(days=2),
                                 note=pick(("学校承诺提前完成整改", "The school promised to fix it sooner"))))


def _walk_to(session: Session, db: Database, hazard: Hazard, target: str, actor: str, after: Path,
             found: dt.datetime, today: dt.date, rng: random.Random) -> None:
    """Take the hazard to its target state, each step on a plausible later day (never after today)."""
    latest = min(at(today, 8), dates.now() - dt.timedelta(minutes=1))
    span = (today - found.date()).days  # days between the find and today: every step fits in them

    def step(days: int, hour: int, to: str, note: str = "", photos: tuple[Path, ...] = ()) -> dt.datetime:
        when = min(at(found.date() + dt.timedelta(days=days), hour, rng.randrange(60)), latest)
        _dated(session, hazard, when, lambda: change_status(session, db.store, hazard, to, actor, note=note,
                                                            photos=list(photos)))
        return when

    if target == Status.OPEN:
        return
    if target == "fixed_on_spot":
        when = found + dt.timedelta(minutes=25)  # the same walk-through
        _dated(session, hazard, when, lambda: change_status(
            session, db.store, hazard, Status.CLOSED, actor, note=pick(("当场整改", "Fixed on the spot")),
            photos=[after]))
        return
    if target == Status.WITHDRAWN:
        step(1, 10, Status.WITHDRAWN, note=pick(("重复登记", "Recorded twice")))
        return
    started = rng.randint(1, max(1, min(5, span // 4)))
    step(started, 10, Status.IN_PROGRESS)
    if target == Status.IN_PROGRESS:
        return
    reported = max(started + 1, min(started + rng.randint(3, 20), span - 2))
    step(reported, 16, Status.AWAITING_REINSPECTION, note=pick(("已整改，申请复查", "Fixed, re-inspection requested")))
    if target == Status.CLOSED:
        passed = max(reported + 1, min(reported + rng.randint(1, 3), span - 1))
        step(passed, 11, Status.CLOSED, note=pick(("复查合格", "Re-inspection passed")),
             photos=(after,))
