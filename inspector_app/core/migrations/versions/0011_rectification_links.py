"""The responsible unit's private rectification links (issue 24): one row per link, holding only the
SHA-256 of its secret, synced like the hazard's photos.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 00:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rectification_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.String(20), nullable=False),
        sa.Column("sync_clock", sa.String(60), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazards.id"], name=op.f("fk_rectification_links_hazard_id_hazards")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_links")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_rectification_links_secret_hash")),
    )
    op.create_index(op.f("ix_rectification_links_hazard_id"), "rectification_links", ["hazard_id"])
    op.create_index(op.f("ix_rectification_links_sync_clock"), "rectification_links", ["sync_clock"])


def downgrade() -> None:
    op.drop_index("ix_rectification_links_sync_clock", "rectification_links")
    op.drop_index("ix_rectification_links_hazard_id", "rectification_links")
    op.drop_table("rectification_links")
