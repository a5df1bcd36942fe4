"""The shared ledger: organisation settings in the ledger, row clocks for merging, the change log a
server hands out, the laptop's identity and its knowledge of the server, and server accounts.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CLOCKED_TABLES = ("organisations", "sites", "buildings", "floors", "plan_documents", "inspections",
                  "superseded_tokens", "notices", "attachments", "checklist_runs", "checklist_answers", "reviews")


def upgrade() -> None:
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("public_base_url", sa.String(length=300), nullable=False, server_default=""))
        batch.add_column(sa.Column("language", sa.String(length=10), nullable=False, server_default=""))
    for table in CLOCKED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("sync_clock", sa.String(length=60), nullable=False, server_default=""))
            batch.create_index(f"ix_{table}_sync_clock", ["sync_clock"])

    op.create_table(
        "replica",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("device_index", sa.Integer(), nullable=True),
        sa.Column("server_url", sa.String(length=300), nullable=False),
        sa.Column("pull_cursor", sa.BigInteger(), nullable=False),
        sa.Column("push_cursor", sa.BigInteger(), nullable=False),
        sa.Column("clock", sa.String(length=60), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replica")),
    )
    op.create_table(
        "sync_heads",
        sa.Column("hazard_id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["hazard_id"], ["hazards.id"], name=op.f("fk_sync_heads_hazard_id_hazards")),
        sa.PrimaryKeyConstraint("hazard_id", name=op.f("pk_sync_heads")),
    )
    op.create_table(
        "change_log",
        sa.Column("cursor", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("token_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cursor", name=op.f("pk_change_log")),
    )
    op.create_index("ix_change_log_entity", "change_log", ["entity", "entity_id"])
    op.create_table(
        "known_replicas",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("device_index", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_id", sa.Uuid(), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_replicas")),
        sa.UniqueConstraint("device_index", name=op.f("uq_known_replicas_device_index")),
    )
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("inspector", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_table(
        "api_token_organisations",
        sa.Column("token_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["token_id"], ["api_tokens.id"],
                                name=op.f("fk_api_token_organisations_token_id_api_tokens")),
        sa.PrimaryKeyConstraint("token_id", "organisation_id", name=op.f("pk_api_token_organisations")),
    )
    op.create_table(
        "sync_refusals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_id", sa.Uuid(), nullable=True),
        sa.Column("replica_id", sa.Uuid(), nullable=True),
        sa.Column("entity", sa.String(length=30), nullable=False),
        sa.Column("entity_id", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_refusals")),
    )


def downgrade() -> None:
    op.drop_index("ix_change_log_entity", table_name="change_log")
    for table in ("sync_refusals", "api_token_organisations", "api_tokens", "known_replicas", "change_log",
                  "sync_heads", "replica"):
        op.drop_table(table)
    for table in CLOCKED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_index(f"ix_{table}_sync_clock")
            batch.drop_column("sync_clock")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_column("language")
        batch.drop_column("public_base_url")
