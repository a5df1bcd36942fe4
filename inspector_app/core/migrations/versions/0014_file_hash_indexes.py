"""Indexes on plan_documents.file_hash and reviews.signature_hash: every batch of files a laptop
downloads is checked against the rows that name them (core/sync/file_access.py), which scanned the
whole city's plans and reviews for each batch; photos got theirs in 0006.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 04:05:00
"""

from __future__ import annotations

from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("plan_documents") as batch:
        batch.create_index("ix_plan_documents_file_hash", ["file_hash"])
    with op.batch_alter_table("reviews") as batch:
        batch.create_index("ix_reviews_signature_hash", ["signature_hash"])


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.drop_index("ix_reviews_signature_hash")
    with op.batch_alter_table("plan_documents") as batch:
        batch.drop_index("ix_plan_documents_file_hash")
