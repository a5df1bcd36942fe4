"""Checklist runs with their answers, principal reviews, and covering indexes for the 100k-row ledger.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 18:30:29.091370
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "reviews",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signature_hash", sa.String(length=64), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
    )
    op.create_table(
        "checklist_runs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("inspection_id", sa.Uuid(), nullable=False),
        sa.Column("area_type", sa.String(length=40), nullable=False),
        sa.Column("building_id", sa.Uuid(), nullable=True),
        sa.Column("floor_id", sa.Uuid(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["building_id"], ["buildings.id"], name=op.f("fk_checklist_runs_building_id_buildings")
        ),
        sa.ForeignKeyConstraint(["floor_id"], ["floors.id"], name=op.f("fk_checklist_runs_floor_id_floors")),
        sa.ForeignKeyConstraint(
            ["inspection_id"], ["inspections.id"], name=op.f("fk_checklist_runs_inspection_id_inspections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_runs")),
    )
    with op.batch_alter_table("checklist_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_runs_inspection_id"), ["inspection_id"], unique=False)

    op.create_table(
        "checklist_answers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("item_code", sa.String(length=80), nullable=False),
        sa.Column("result", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazards.id"], name=op.f("fk_checklist_answers_hazard_id_hazards")),
        sa.ForeignKeyConstraint(
            ["run_id"], ["checklist_runs.id"], name=op.f("fk_checklist_answers_run_id_checklist_runs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checklist_answers")),
        sa.UniqueConstraint("run_id", "item_code", name=op.f("uq_checklist_answers_run_id")),
    )
    with op.batch_alter_table("checklist_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_checklist_answers_run_id"), ["run_id"], unique=False)

    op.create_table(
        "review_hazards",
        sa.Column("review_id", sa.Uuid(), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazards.id"], name=op.f("fk_review_hazards_hazard_id_hazards")),
        sa.ForeignKeyConstraint(["review_id"], ["reviews.id"], name=op.f("fk_review_hazards_review_id_reviews")),
        sa.PrimaryKeyConstraint("review_id", "hazard_id", name=op.f("pk_review_hazards")),
    )
    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.create_index("ix_hazards_ledger_category", ["category", "seq", "id"], unique=False)
        batch_op.create_index("ix_hazards_ledger_description", ["description", "seq", "id"], unique=False)
        batch_op.create_index("ix_hazards_ledger_deadline", ["deadline", "seq", "id"], unique=False)
        batch_op.create_index("ix_hazards_ledger_floor", ["floor_id", "room", "seq", "id"], unique=False)
        batch_op.create_index("ix_hazards_ledger_found", ["found_at", "seq", "id"], unique=False)
        batch_op.create_index("ix_hazards_ledger_number", ["site_id", "seq", "id"], unique=False)
        batch_op.create_index("ix_hazards_ledger_responsible", ["responsible_person", "seq", "id"], unique=False)
        batch_op.create_index("ix_hazards_ledger_severity", ["severity", "seq", "id"], unique=False)
        batch_op.create_index("ix_hazards_ledger_status", ["status", "site_id", "seq", "id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("hazards", schema=None) as batch_op:
        batch_op.drop_index("ix_hazards_ledger_status")
        batch_op.drop_index("ix_hazards_ledger_severity")
        batch_op.drop_index("ix_hazards_ledger_responsible")
        batch_op.drop_index("ix_hazards_ledger_number")
        batch_op.drop_index("ix_hazards_ledger_found")
        batch_op.drop_index("ix_hazards_ledger_floor")
        batch_op.drop_index("ix_hazards_ledger_deadline")
        batch_op.drop_index("ix_hazards_ledger_description")
        batch_op.drop_index("ix_hazards_ledger_category")

    op.drop_table("review_hazards")
    with op.batch_alter_table("checklist_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_answers_run_id"))

    op.drop_table("checklist_answers")
    with op.batch_alter_table("checklist_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_checklist_runs_inspection_id"))

    op.drop_table("checklist_runs")
    op.drop_table("reviews")
