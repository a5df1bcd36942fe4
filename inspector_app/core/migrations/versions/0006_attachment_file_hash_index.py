"""An index on attachments.file_hash: the server checks every photo download against the rows that
name it, which was a sequential scan of the whole city's photos (16.9 ms at 40,000; issue 23).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 18:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.create_index("ix_attachments_file_hash", ["file_hash"])


def downgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.drop_index("ix_attachments_file_hash")
