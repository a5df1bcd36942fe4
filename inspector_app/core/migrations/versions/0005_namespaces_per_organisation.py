"""Site codes and notice numbers belong to an organisation: two organisations on one server may both
have a site LL1 and a notice 吕教安〔2026〕第0001号. Notices learn their organisation (from the hazards
they cover) so that their numbers can run per organisation.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sites") as batch:
        batch.drop_constraint("uq_sites_code", type_="unique")
        batch.create_unique_constraint("uq_sites_organisation_id", ["organisation_id", "code"])
    with op.batch_alter_table("notices") as batch:
        batch.add_column(sa.Column("organisation_id", sa.Uuid(), nullable=True))
    # Each notice's organisation is that of the first hazard it covers (all of them share one).
    op.execute(sa.text(
        "UPDATE notices SET organisation_id = (SELECT sites.organisation_id FROM notice_hazards "
        "JOIN hazards ON hazards.id = notice_hazards.hazard_id JOIN sites ON sites.id = hazards.site_id "
        "WHERE notice_hazards.notice_id = notices.id ORDER BY notice_hazards.position LIMIT 1)"))
    with op.batch_alter_table("notices") as batch:
        batch.drop_constraint("uq_notices_prefix", type_="unique")
        batch.create_unique_constraint("uq_notices_organisation_id", ["organisation_id", "prefix", "year", "seq"])
        batch.create_foreign_key("fk_notices_organisation_id_organisations", "organisations",
                                 ["organisation_id"], ["id"])
        batch.create_index("ix_notices_organisation_id", ["organisation_id"])


def downgrade() -> None:
    with op.batch_alter_table("notices") as batch:
        batch.drop_index("ix_notices_organisation_id")
        batch.drop_constraint("fk_notices_organisation_id_organisations", type_="foreignkey")
        batch.drop_constraint("uq_notices_organisation_id", type_="unique")
        batch.create_unique_constraint("uq_notices_prefix", ["prefix", "year", "seq"])
        batch.drop_column("organisation_id")
    with op.batch_alter_table("sites") as batch:
        batch.drop_constraint("uq_sites_organisation_id", type_="unique")
        batch.create_unique_constraint("uq_sites_code", ["code"])
