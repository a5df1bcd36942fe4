"""First schema: places, plans, inspections, hazards with their hash-chained events, notices, photos.

Revision ID: 0001
Revises:
Create Date: 2026-11-28 17:57:42.831742
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "notices",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.String(length=80), nullable=False),
        sa.Column("prefix", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("pdf_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint("prefix", "year", "seq", name=op.f("uq_notices_prefix")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("parent_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("notice_prefix", sa.String(length=40), nullable=False),
        sa.Column("show_personal_data", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["organisations.id"], name=op.f("fk_organisations_parent_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("address", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_sites_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("code", name=op.f("uq_sites_code")),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sites_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "buildings",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("area_type", sa.String(length=40), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_buildings_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_buildings")),
    )
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_buildings_site_id"), ["site_id"], unique=False)

    op.create_table(
        "inspections",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("inspectors", sa.String(length=300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_inspections_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inspections")),
    )
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inspections_site_id"), ["site_id"], unique=False)

    op.create_table(
        "floors",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("building_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["building_id"], ["buildings.id"], name=op.f("fk_floors_building_id_buildings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_floors")),
    )
    with op.batch_alter_table("floors", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_floors_building_id"), ["building_id"], unique=False)

    op.create_table(
        "hazards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=True),
        sa.Column("floor_id", sa.Uuid(), nullable=True),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("x", sa.Float(), nullable=True),
        sa.Column("y", sa.Float(), nullable=True),
        sa.Column("room", sa.String(length=200), nullable=False),
        sa.Column("area_type", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=80), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("required_measures", sa.Text(), nullable=False),
        sa.Column("interim_safeguards", sa.Text(), nullable=False),
        sa.Column("responsible_unit", sa.String(length=200), nullable=False),
        sa.Column("responsible_person", sa.String(length=100), nullable=False),
        sa.Column("funding", sa.String(length=100), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("fixed_on_spot", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("public_token", sa.String(length=64), nullable=False),
        sa.Column("short_code", sa.String(length=16), nullable=False),
        sa.Column("previous_hazard_id", sa.Uuid(), nullable=True),
        sa.Column("found_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["floor_id"], ["floors.id"], name=op.f("fk_hazards_floor_id_floors")),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_hazards_inspection_id_inspections")
        ),
        sa.ForeignKeyConstraint(
            ["previous_hazard_id"], ["hazards.id"], name=op.f("fk_hazards_previous_hazard_id_hazards")
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_hazards_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazards")),
        sa.UniqueConstraint("public_token", name=op.f("uq_hazards_public_token")),
        sa.UniqueConstraint("short_code", name=op.f("uq_hazards_short_code")),
        sa.UniqueConstraint("site_id", "seq", name=op.f("uq_hazards_site_id")),
    )
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hazards_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_deadline"), ["deadline"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_floor_id"), ["floor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_inspection_id"), ["inspection_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_number"), ["number"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hazards_status"), ["status"], unique=False)

    op.create_table(
        "plan_documents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("floor_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=260), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("page", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("width", sa.Float(), nullable=False),
        sa.Column("height", sa.Float(), nullable=False),
        sa.Column("units", sa.String(length=20), nullable=False),
        sa.Column("offset_x", sa.Float(), nullable=False),
        sa.Column("offset_y", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["floor_id"], ["floors.id"], name=op.f("fk_plan_documents_floor_id_floors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_documents")),
        sa.UniqueConstraint("floor_id", "version", name=op.f("uq_plan_documents_floor_id")),
    )
    with op.batch_alter_table("plan_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_documents_floor_id"), ["floor_id"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=260), nullable=False),
        sa.Column("mime", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("overlay", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazards.id"], name=op.f("fk_attachments_hazard_id_hazards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_hazard_id"), ["hazard_id"], unique=False)

    op.create_table(
        "hazard_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["hazards.id"], name=op.f("fk_hazard_events_hazard_id_hazards")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hazard_events")),
        sa.UniqueConstraint("hazard_id", "seq", name=op.f("uq_hazard_events_hazard_id")),
    )
    with op.batch_alter_table("hazard_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hazard_events_hazard_id"), ["hazard_id"], unique=False)

    op.create_table(
        "notice_hazards",
        sa.Column("notice_id", sa.Uuid(), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["hazards.id"], name=op.f("fk_notice_hazards_hazard_id_hazards")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_hazards_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("notice_id", "hazard_id", name=op.f("pk_notice_hazards")),
    )
    op.create_table(
        "superseded_tokens",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hazard_id"], ["hazards.id"], name=op.f("fk_superseded_tokens_hazard_id_hazards")
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_superseded_tokens")),
    )
    with op.batch_alter_table("superseded_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_superseded_tokens_hazard_id"), ["hazard_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("superseded_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_superseded_tokens_hazard_id"))

    op.drop_table("superseded_tokens")
    op.drop_table("notice_hazards")
    with op.batch_alter_table("hazard_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazard_events_hazard_id"))

    op.drop_table("hazard_events")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_hazard_id"))

    op.drop_table("attachments")
    with op.batch_alter_table("plan_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_documents_floor_id"))

    op.drop_table("plan_documents")
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazards_status"))
        batch_op.drop_index(batch_op.f("ix_hazards_site_id"))
        batch_op.drop_index(batch_op.f("ix_hazards_number"))
        batch_op.drop_index(batch_op.f("ix_hazards_inspection_id"))
        batch_op.drop_index(batch_op.f("ix_hazards_floor_id"))
        batch_op.drop_index(batch_op.f("ix_hazards_deadline"))
        batch_op.drop_index(batch_op.f("ix_hazards_category"))

    op.drop_table("hazards")
    with op.batch_alter_table("floors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_floors_building_id"))

    op.drop_table("floors")
    with op.batch_alter_table("inspections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inspections_site_id"))

    op.drop_table("inspections")
    with op.batch_alter_table("buildings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_buildings_site_id"))

    op.drop_table("buildings")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sites_organisation_id"))

    op.drop_table("sites")
    op.drop_table("organisations")
    op.drop_table("notices")
