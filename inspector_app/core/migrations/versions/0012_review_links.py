"""The principal's private review links (issue 24): one open link per school, each row holding only
the SHA-256 of its secret, synced like the unit's rectification links (0011).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_reason", sa.String(20), nullable=False),
        sa.Column("sync_clock", sa.String(60), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_review_links_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_links")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_review_links_secret_hash")),
    )
    op.create_index(op.f("ix_review_links_site_id"), "review_links", ["site_id"])
    op.create_index(op.f("ix_review_links_sync_clock"), "review_links", ["sync_clock"])


def downgrade() -> None:
    op.drop_index("ix_review_links_sync_clock", "review_links")
    op.drop_index("ix_review_links_site_id", "review_links")
    op.drop_table("review_links")
