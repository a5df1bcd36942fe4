"""Deadlines nobody forgets (issue 25): an organisation's own supervision (督办) rules, synced like its
other settings; the role of the token a laptop last synced with (so a laptop refuses what its server
would); an index of events by kind (the "supervised" ones are read for every list); and, on the
central server, where each organisation's daily digest goes and what each day's send did, and the
admins' sessions on the bureau's overview page.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 23:59:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("supervision", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("replica") as batch:
        batch.add_column(sa.Column("role", sa.String(20), nullable=False, server_default=""))
    op.create_index("ix_hazard_events_kind", "hazard_events", ["kind", "hazard_id"])
    op.create_table(
        "notify_targets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("target", sa.String(500), nullable=False),
        sa.Column("secret", sa.String(500), nullable=False),
        sa.Column("at_time", sa.String(5), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_targets")),
    )
    op.create_index(op.f("ix_notify_targets_organisation_id"), "notify_targets", ["organisation_id"])
    op.create_table(
        "digest_sends",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("target_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("claimed_by", sa.String(100), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["target_id"], ["notify_targets.id"], ondelete="CASCADE",
                                name=op.f("fk_digest_sends_target_id_notify_targets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_sends")),
        sa.UniqueConstraint("target_id", "day", name=op.f("uq_digest_sends_target_id")),
    )
    op.create_index(op.f("ix_digest_sends_target_id"), "digest_sends", ["target_id"])
    op.create_table(
        "bureau_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("token_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["token_id"], ["api_tokens.id"], ondelete="CASCADE",
                                name=op.f("fk_bureau_sessions_token_id_api_tokens")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bureau_sessions")),
    )
    op.create_index(op.f("ix_bureau_sessions_token_id"), "bureau_sessions", ["token_id"])


def downgrade() -> None:
    op.drop_index("ix_bureau_sessions_token_id", "bureau_sessions")
    op.drop_table("bureau_sessions")
    op.drop_index("ix_digest_sends_target_id", "digest_sends")
    op.drop_table("digest_sends")
    op.drop_index("ix_notify_targets_organisation_id", "notify_targets")
    op.drop_table("notify_targets")
    op.drop_index("ix_hazard_events_kind", "hazard_events")
    with op.batch_alter_table("replica") as batch:
        batch.drop_column("role")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("supervision")
