"""SQLAlchemy 2 typed models of the hazard ledger.

Organisation > Site > Building > Floor; PlanDocument versions per floor; Inspection (a walk-through);
Hazard with its append-only, hash-chained HazardEvent history; Notice; Attachment (photos).
Ids are UUIDs because ledgers from several laptops are later merged; people see short numbers.
Relationships load with ``lazy="raise"`` so a hidden query fails loudly instead of slowing a list.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from inspector_app.core import dates

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    # The program's one clock (core.dates), so a test that fixes it fixes every stored instant.
    return dates.now()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, uuid.UUID: Uuid}


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="school")  # region / county / school / owner
    notice_prefix: Mapped[str] = mapped_column(String(40), default="")
    show_personal_data: Mapped[bool] = mapped_column(Boolean, default=False)
    # What every laptop of the organisation prints the same way: the address its QR codes carry and
    # the language of its documents. Data in the ledger, synced like the rest (not a user setting).
    public_base_url: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str] = mapped_column(String(10), default="")
    # Its own supervision (督办) rules, key by key over its parents' and forms/supervision.yaml's
    # (core.supervision_rules); {} inherits everything. Changed by its admin only, like the above.
    supervision: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)

    sites: Mapped[list[Site]] = relationship(back_populates="organisation", lazy="raise")


class Site(Base):
    __tablename__ = "sites"
    # A site code is its organisation's (two counties may both have an LL1); hazard numbers start with it.
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(20))
    address: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="sites", lazy="raise")
    buildings: Mapped[list[Building]] = relationship(back_populates="site", lazy="raise")


class Building(Base):
    __tablename__ = "buildings"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    area_type: Mapped[str] = mapped_column(String(40), default="other")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)

    site: Mapped[Site] = relationship(back_populates="buildings", lazy="raise")
    floors: Mapped[list[Floor]] = relationship(back_populates="building", lazy="raise")


class Floor(Base):
    __tablename__ = "floors"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    building_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("buildings.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[int] = mapped_column(Integer, default=1)
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)

    building: Mapped[Building] = relationship(back_populates="floors", lazy="raise")


class PlanDocument(Base):
    """One version of a floor's plan; the file lives in the content-addressed store."""

    __tablename__ = "plan_documents"
    __table_args__ = (UniqueConstraint("floor_id", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    floor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("floors.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    file_hash: Mapped[str] = mapped_column(String(64), index=True)  # a file download is checked by it
    filename: Mapped[str] = mapped_column(String(260))
    format: Mapped[str] = mapped_column(String(10))
    page: Mapped[int] = mapped_column(Integer, default=0)
    page_count: Mapped[int] = mapped_column(Integer, default=1)
    width: Mapped[float] = mapped_column(Float)
    height: Mapped[float] = mapped_column(Float)
    units: Mapped[str] = mapped_column(String(20), default="px")
    # Where pins pinned on earlier versions move when this drawing is offset (normalised units).
    offset_x: Mapped[float] = mapped_column(Float, default=0.0)
    offset_y: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)


class Inspection(Base):
    __tablename__ = "inspections"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20), default="patrol")  # patrol / periodic / special / joint
    inspectors: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)


# Covering indexes: the ledger reads the ids of 100,000 hazards in any order from the index alone.
LEDGER_SORT_INDEXES = {
    "ix_hazards_ledger_number": ("site_id", "seq", "id"),
    "ix_hazards_ledger_status": ("status", "site_id", "seq", "id"),
    "ix_hazards_ledger_deadline": ("deadline", "seq", "id"),
    "ix_hazards_ledger_category": ("category", "seq", "id"),
    "ix_hazards_ledger_severity": ("severity", "seq", "id"),
    "ix_hazards_ledger_responsible": ("responsible_person", "seq", "id"),
    "ix_hazards_ledger_found": ("found_at", "seq", "id"),
    "ix_hazards_ledger_floor": ("floor_id", "room", "seq", "id"),
    "ix_hazards_ledger_description": ("description", "seq", "id"),
}


class Hazard(Base):
    __tablename__ = "hazards"
    __table_args__ = (
        UniqueConstraint("site_id", "seq"),
        *(Index(name, *columns) for name, columns in LEDGER_SORT_INDEXES.items()),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(40), index=True)
    inspection_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspections.id"), index=True)
    # A hazard found from a checklist may wait for its pin: floor and position are optional.
    floor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("floors.id"), index=True)
    page: Mapped[int] = mapped_column(Integer, default=0)
    x: Mapped[float | None] = mapped_column(Float)
    y: Mapped[float | None] = mapped_column(Float)
    room: Mapped[str] = mapped_column(String(200), default="")
    area_type: Mapped[str] = mapped_column(String(40), default="")
    category: Mapped[str] = mapped_column(String(80), index=True)
    severity: Mapped[str] = mapped_column(String(10), default="general")  # general / major
    description: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    required_measures: Mapped[str] = mapped_column(Text, default="")
    interim_safeguards: Mapped[str] = mapped_column(Text, default="")
    responsible_unit: Mapped[str] = mapped_column(String(200), default="")
    responsible_person: Mapped[str] = mapped_column(String(100), default="")
    funding: Mapped[str] = mapped_column(String(100), default="")
    deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    fixed_on_spot: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(30), default="open", index=True)
    public_token: Mapped[str] = mapped_column(String(64), unique=True)
    short_code: Mapped[str] = mapped_column(String(16), unique=True)
    previous_hazard_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("hazards.id"))
    found_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # The major-hazard rule the hazard was confirmed under (core.major_hazards), "" when none: state
    # derived from its "major_decided" and "severity_lowered" events, kept as a column (tracked like
    # the other fields, so `audit verify` checks it) so the ledger can put these hazards first.
    major_rule: Mapped[str] = mapped_column(String(80), default="", index=True)


class SupersededToken(Base):
    """A token printed on an older notice: the status page says the notice was superseded."""

    __tablename__ = "superseded_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazards.id"), index=True)
    superseded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)


class HazardEvent(Base):
    """Append-only history; each row's hash covers its content and the previous row's hash."""

    __tablename__ = "hazard_events"
    # By kind: the few "supervised" events are read for every list (core.supervision) without a scan.
    __table_args__ = (UniqueConstraint("hazard_id", "seq"), Index("ix_hazard_events_kind", "kind", "hazard_id"))

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazards.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # The laptop that delivered the event to the server signs its hash (core.signatures): ``signer``
    # names the key (a SigningKey), ``signature`` is Ed25519 over ``hash``. Empty on an event not sent yet.
    signer: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[str | None] = mapped_column(String(100))


notice_hazards = Table(
    "notice_hazards",
    Base.metadata,
    Column("notice_id", ForeignKey("notices.id"), primary_key=True),
    Column("hazard_id", ForeignKey("hazards.id"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class Notice(Base):
    __tablename__ = "notices"
    # Numbers run per organisation, prefix and year: one organisation's notices never take another's.
    __table_args__ = (UniqueConstraint("organisation_id", "prefix", "year", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # The organisation of the hazards it covers (None only for notices older than this column).
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    number: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(40), default="")
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20), default="per_hazard")  # per_hazard / per_unit
    language: Mapped[str] = mapped_column(String(10), default="zh_CN")
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(100), default="")
    pdf_hash: Mapped[str] = mapped_column(String(64), default="")
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)


class Attachment(Base):
    """A photo of a hazard; the stored file is a cleaned copy (orientation applied, GPS removed)."""

    __tablename__ = "attachments"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazards.id"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="before")  # before / after
    # Indexed: every photo a laptop downloads is checked against the rows naming it (core.sync.server
    # may_read_file), a sequential scan of every photo of the city without it.
    file_hash: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(260))
    mime: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    overlay: Mapped[dict[str, Any]] = mapped_column(default=dict)  # markup drawn over, never burnt in
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)


class RectificationLink(Base):
    """The responsible unit's private link to report a hazard's rectification from a phone
    (core.rectification_links): printed once as a QR on the slip that goes to the unit, never on the
    posted notice. Ledgers keep only the SHA-256 of its secret, so neither a laptop's file nor the
    server's database can give the link away. Ended when the hazard is closed or withdrawn, or when a
    new notice (a reprint) gives the unit a new link."""

    __tablename__ = "rectification_links"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazards.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ended_reason: Mapped[str] = mapped_column(String(20), default="")  # replaced / closed / withdrawn
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)


class ReviewLink(Base):
    """A school principal's private link to the school's ledger page (core.review_links), printed once
    as a QR on the review sheet: the principal reads the open and recent hazards there and confirms
    having reviewed them. Kept, like a rectification link, only as the SHA-256 of its secret."""

    __tablename__ = "review_links"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    ended_reason: Mapped[str] = mapped_column(String(20), default="")  # replaced
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)


class ChecklistRun(Base):
    """One walk of an area type's checklist during an inspection; kept with the inspection."""

    __tablename__ = "checklist_runs"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspections.id"), index=True)
    area_type: Mapped[str] = mapped_column(String(40))
    building_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("buildings.id"))
    floor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("floors.id"))
    actor: Mapped[str] = mapped_column(String(100), default="")
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    completed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)


class ChecklistAnswer(Base):
    __tablename__ = "checklist_answers"
    __table_args__ = (UniqueConstraint("run_id", "item_code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checklist_runs.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(80))
    result: Mapped[str] = mapped_column(String(10))  # pass / fail / na
    note: Mapped[str] = mapped_column(Text, default="")
    hazard_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("hazards.id"))
    answered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)


review_hazards = Table(
    "review_hazards",
    Base.metadata,
    Column("review_id", ForeignKey("reviews.id"), primary_key=True),
    Column("hazard_id", ForeignKey("hazards.id"), primary_key=True),
)


class Review(Base):
    """A principal's review of a set of hazards (校长亲自过目台账), with an optional drawn signature."""

    __tablename__ = "reviews"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    reviewer: Mapped[str] = mapped_column(String(100))
    reviewed_on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    signature_hash: Mapped[str] = mapped_column(String(64), default="", index=True)  # a PNG in the file store
    recorded_by: Mapped[str] = mapped_column(String(100), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Hybrid logical clock of the last change (core.sync.clock): the newer row wins when ledgers merge.
    sync_clock: Mapped[str] = mapped_column(String(60), default="", index=True)


# --- The shared ledger: who this ledger is, what a server hands out, what a laptop knows of it ---


class Replica(Base):
    """This ledger's own identity in a shared ledger (one row): the laptop every event names."""

    __tablename__ = "replica"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), default="")
    # Given by the server on the first sync; new hazard and notice numbers are taken from this
    # laptop's own block (index * NUMBER_BLOCK + n), so two laptops offline never take the same one.
    device_index: Mapped[int | None] = mapped_column(Integer)
    server_url: Mapped[str] = mapped_column(String(300), default="")
    pull_cursor: Mapped[int] = mapped_column(BigInteger, default=0)  # the server's change log, read up to here
    push_cursor: Mapped[int] = mapped_column(BigInteger, default=0)  # this ledger's change log, sent up to here
    clock: Mapped[str] = mapped_column(String(60), default="")
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_sync_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # This laptop's Ed25519 private key (raw, base64), made at its first sync; never leaves the ledger.
    signing_key: Mapped[str | None] = mapped_column(String(100))
    # The role of the token it last synced with ("inspector", "admin"; "" before the first sync): what
    # only an admin may record (supervision by hand) is refused here before the server would.
    role: Mapped[str] = mapped_column(String(20), default="")


class SigningKey(Base):
    """A laptop's public key, as the server registered it at ``hello``: the key signs the events the
    laptop delivers, and the server vouches that it belongs to this inspector's token and laptop.
    The id is the SHA-256 of the key itself, so a key cannot be passed off under another's id.
    Laptops keep the keys of the events they hold, so any replica checks every signature."""

    __tablename__ = "signing_keys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    replica_id: Mapped[uuid.UUID | None] = mapped_column()
    inspector: Mapped[str] = mapped_column(String(100), default="")
    token_id: Mapped[uuid.UUID | None] = mapped_column(index=True)  # server side; laptops leave it empty
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SetAside(Base):
    """A pulled row this laptop could not apply (it names a row the laptop does not have, say), kept
    with the reason: the pull's cursor moves on past it, and every later sync tries it again, so one
    bad row never stops the rows after it and is never forgotten either."""

    __tablename__ = "sync_set_aside"

    entity: Mapped[str] = mapped_column(String(30), primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    item: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_tried_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SyncHead(Base):
    """A laptop's knowledge of the server: the last event of a hazard's chain that the server holds."""

    __tablename__ = "sync_heads"

    hazard_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("hazards.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class ChangeLog(Base):
    """Every change of a replicated row, in commit order: what a pull hands out after a cursor."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id"),
                      Index("ix_change_log_organisation", "organisation_id", "cursor"))

    cursor: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                        autoincrement=True)
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[uuid.UUID] = mapped_column()
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    # local: made on this ledger (a laptop pushes these); pulled: arrived from the server; pushed:
    # (server side) arrived in a push.
    source: Mapped[str] = mapped_column(String(10), default="local")
    # The account whose push made the change (server side); empty for changes made on this ledger.
    token_id: Mapped[uuid.UUID | None] = mapped_column()
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # (Server side) the organisation the changed row belongs to, so a pull reads only the entries of
    # the organisations its account reaches instead of the whole city's; None where it was not known.
    organisation_id: Mapped[uuid.UUID | None] = mapped_column()


class KnownReplica(Base):
    """Server side: each laptop that has synced, the account it used and the number block it holds."""

    __tablename__ = "known_replicas"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    device_index: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    token_id: Mapped[uuid.UUID | None] = mapped_column()
    first_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


api_token_organisations = Table(
    "api_token_organisations",
    Base.metadata,
    Column("token_id", ForeignKey("api_tokens.id"), primary_key=True),
    # Not a foreign key: a grant may be made before the organisation's first push reaches the server.
    Column("organisation_id", Uuid, primary_key=True),
)


class ApiToken(Base):
    """An inspector's account on the central server; only the SHA-256 of the secret is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    inspector: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20), default="inspector")  # inspector / admin
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SyncRefusal(Base):
    """Server side: a pushed change that was refused, with the account, the laptop and the reason."""

    __tablename__ = "sync_refusals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    token_id: Mapped[uuid.UUID | None] = mapped_column()
    replica_id: Mapped[uuid.UUID | None] = mapped_column()
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class NotifyTarget(Base):
    """Server side: where an organisation's daily digest goes (core.digest), and how its last sends
    went. The secret (a DingTalk robot's signing key, an SMTP password) stays on the server: this
    table is never replicated to laptops."""

    __tablename__ = "notify_targets"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    # Not a foreign key: a target may be set up before the organisation's first push reaches the server.
    organisation_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(20))  # wecom / dingtalk / json / email
    target: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(500), default="")
    at_time: Mapped[str] = mapped_column(String(5), default="08:00")  # HH:MM, the server's local time
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_attempt_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str] = mapped_column(Text, default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)  # failed sends in a row


class DigestSend(Base):
    """Server side: one target's digest of one day. The unique (target, day) row is how several server
    processes agree that a digest goes out exactly once: whoever inserts it sends it."""

    __tablename__ = "digest_sends"
    __table_args__ = (UniqueConstraint("target_id", "day"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    target_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("notify_targets.id", ondelete="CASCADE"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(10), default="sending")  # sending / sent / failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"1": "HTTP 502", ...} per attempt
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    claimed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class BureauSession(Base):
    """Server side: an admin's signed-in session on the bureau's overview page (web/bureau). The cookie
    holds a random secret; only its SHA-256 is kept, with when it ends. Signing out ends it at once."""

    __tablename__ = "bureau_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's secret
    token_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
