"""Major-hazard decisions (issue 26): a hazard confirmed as a major hazard under a rule of
forms/major_hazards names that rule in ``hazards.major_rule`` ("" for every other hazard). The
decision itself (answers, group decision, expert review, the rule file and its edition) lives in the
hazard's history as a "major_decided" event; the column is the state those events leave, tracked by
the audit chain like every other field, indexed so the ledger finds these hazards without a scan.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hazards") as batch:
        batch.add_column(sa.Column("major_rule", sa.String(80), nullable=False, server_default=""))
    op.create_index(op.f("ix_hazards_major_rule"), "hazards", ["major_rule"])


def downgrade() -> None:
    op.drop_index("ix_hazards_major_rule", "hazards")
    with op.batch_alter_table("hazards") as batch:
        batch.drop_column("major_rule")
