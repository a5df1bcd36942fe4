"""Authorship the server can vouch for (issue 21): every event carries the signature of the laptop
that delivered it, laptops keep their private key in their own ledger, and every replica keeps the
public keys the server registered, so any of them can check every signature. Events written before
this revision stay unsigned; the audit counts them apart.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hazard_events") as batch:
        batch.add_column(sa.Column("signer", sa.String(64), nullable=True))
        batch.add_column(sa.Column("signature", sa.String(100), nullable=True))
    with op.batch_alter_table("replica") as batch:
        batch.add_column(sa.Column("signing_key", sa.String(100), nullable=True))
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("replica_id", sa.Uuid(), nullable=True),
        sa.Column("inspector", sa.String(100), nullable=False),
        sa.Column("token_id", sa.Uuid(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
    )
    op.create_index(op.f("ix_signing_keys_token_id"), "signing_keys", ["token_id"])


def downgrade() -> None:
    op.drop_index("ix_signing_keys_token_id", "signing_keys")
    op.drop_table("signing_keys")
    with op.batch_alter_table("replica") as batch:
        batch.drop_column("signing_key")
    with op.batch_alter_table("hazard_events") as batch:
        batch.drop_column("signature")
        batch.drop_column("signer")
