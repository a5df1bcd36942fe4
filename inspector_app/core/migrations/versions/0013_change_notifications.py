"""Every transaction that writes the central ledger's change log tells the status servers so
(PostgreSQL NOTIFY on the channel web/public/versions.py listens to): a change shows on every server
process's pages as soon as it is committed, not within the one-second bound alone (issue 23). One
statement-level trigger; NOTIFY sends one message per transaction and channel, at commit, and none
for a transaction rolled back. Nothing on SQLite (a laptop serves its pages from its own process).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 03:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

CHANNEL = "inspector_ledger_changed"  # web/public/versions.py CHANNEL


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE OR REPLACE FUNCTION inspector_ledger_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('{CHANNEL}', '');
            RETURN NULL;
        END $$""")
    op.execute("CREATE TRIGGER change_log_notifies AFTER INSERT ON change_log "
               "FOR EACH STATEMENT EXECUTE FUNCTION inspector_ledger_changed()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS change_log_notifies ON change_log")
    op.execute("DROP FUNCTION IF EXISTS inspector_ledger_changed()")
