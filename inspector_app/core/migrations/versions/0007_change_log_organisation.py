"""The server's change log says which organisation each changed row belongs to, so that a pull reads
the entries of the organisations its account reaches, not the whole city's (issue 23: a new laptop's
first pull took 229 s with 200,000 hazards of 20 organisations on the server, 68 s with its own
10,000 alone). Existing entries are filled in from the rows they name; an entry whose row is gone
stays empty, and a pull still reads those (and checks each row as before).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 18:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Each kind of entry, and SQL giving the organisation of the row it names (:id is change_log.entity_id).
ORGANISATION_OF = {
    "organisation": "SELECT o.id FROM organisations o WHERE o.id = change_log.entity_id",
    "site": "SELECT s.organisation_id FROM sites s WHERE s.id = change_log.entity_id",
    "building": ("SELECT s.organisation_id FROM buildings b JOIN sites s ON s.id = b.site_id "
                 "WHERE b.id = change_log.entity_id"),
    "floor": ("SELECT s.organisation_id FROM floors f JOIN buildings b ON b.id = f.building_id "
              "JOIN sites s ON s.id = b.site_id WHERE f.id = change_log.entity_id"),
    "plan_document": ("SELECT s.organisation_id FROM plan_documents p JOIN floors f ON f.id = p.floor_id "
                      "JOIN buildings b ON b.id = f.building_id JOIN sites s ON s.id = b.site_id "
                      "WHERE p.id = change_log.entity_id"),
    "inspection": ("SELECT s.organisation_id FROM inspections i JOIN sites s ON s.id = i.site_id "
                   "WHERE i.id = change_log.entity_id"),
    "hazard": ("SELECT s.organisation_id FROM hazards h JOIN sites s ON s.id = h.site_id "
               "WHERE h.id = change_log.entity_id"),
    "event": ("SELECT s.organisation_id FROM hazard_events e JOIN hazards h ON h.id = e.hazard_id "
              "JOIN sites s ON s.id = h.site_id WHERE e.id = change_log.entity_id"),
    "attachment": ("SELECT s.organisation_id FROM attachments a JOIN hazards h ON h.id = a.hazard_id "
                   "JOIN sites s ON s.id = h.site_id WHERE a.id = change_log.entity_id"),
    "notice": ("SELECT COALESCE(n.organisation_id, (SELECT s.organisation_id FROM notice_hazards l "
               "JOIN hazards h ON h.id = l.hazard_id JOIN sites s ON s.id = h.site_id WHERE l.notice_id = n.id "
               "ORDER BY l.position LIMIT 1)) FROM notices n WHERE n.id = change_log.entity_id"),
    "checklist_run": ("SELECT s.organisation_id FROM checklist_runs r JOIN inspections i ON i.id = r.inspection_id "
                      "JOIN sites s ON s.id = i.site_id WHERE r.id = change_log.entity_id"),
    "checklist_answer": ("SELECT s.organisation_id FROM checklist_answers a JOIN checklist_runs r ON r.id = a.run_id "
                         "JOIN inspections i ON i.id = r.inspection_id JOIN sites s ON s.id = i.site_id "
                         "WHERE a.id = change_log.entity_id"),
}


def upgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Uuid(), nullable=True))
        batch.create_index("ix_change_log_organisation", ["organisation_id", "cursor"])
    if op.get_bind().dialect.name != "postgresql":
        return  # a laptop's log is its own: it never pulls by organisation
    for entity, query in ORGANISATION_OF.items():
        op.execute(sa.text(f"UPDATE change_log SET organisation_id = ({query}) WHERE entity = :entity")
                   .bindparams(entity=entity))


def downgrade() -> None:
    with op.batch_alter_table("change_log") as batch:
        batch.drop_index("ix_change_log_organisation")
        batch.drop_column("organisation_id")
