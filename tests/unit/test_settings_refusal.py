"""An organisation's settings are its administrator's (core.organisation.settings_refusal): a laptop
that syncs with an inspector's token is refused, before anything changes, a change the server would
refuse at the next push: for an organisation it pulled or already sent. A new one it made itself and
has not sent, a ledger that never synced, and an administrator's laptop may change them."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from inspector_app.core import structure
from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Organisation, Replica
from inspector_app.core.organisation import set_organisation
from inspector_app.core.supervision import set_rules
from inspector_app.core.sync import tracking


def _synced_with(db, role: str) -> None:
    with db.session() as session:
        replica = session.scalars(select(Replica)).one()
        replica.server_url, replica.role = "https://ledger.example.cn", role


def _county(db, pulled: bool) -> uuid.UUID:
    with db.session() as session:
        org = structure.create_organisation(session, "Lüliang Education Bureau", kind="county")
        session.flush()
        if pulled:
            tracking.log_change(session, "organisation", org.id, source="pulled")
        return org.id


def test_an_inspectors_laptop_may_not_change_a_pulled_organisations_settings(db, english):
    org_id = _county(db, pulled=True)
    _synced_with(db, "inspector")
    with db.session() as session:
        org = session.get(Organisation, org_id)
        with pytest.raises(InspectorError, match="Only the administrator may change the settings of Lüliang"):
            set_organisation(session, org, notice_prefix="吕教安", language="en")
        with pytest.raises(InspectorError, match="Only the administrator"):
            set_rules(session, org, {"supervise_after_days": 3})
    with db.session() as session:
        org = session.get(Organisation, org_id)
        assert org.notice_prefix == "" and org.language != "en" and not org.supervision  # nothing changed
        assert set_organisation(session, org, notice_prefix="") == {}  # no change asked: no refusal


def test_an_organisation_already_sent_is_the_servers_too(db, english):
    org_id = _county(db, pulled=False)
    _synced_with(db, "inspector")
    with db.session() as session:
        replica = session.scalars(select(Replica)).one()
        replica.push_cursor = 10**9  # everything logged so far was pushed
    with db.session() as session, pytest.raises(InspectorError, match="Only the administrator"):
        set_organisation(session, session.get(Organisation, org_id), name="Another name")


@pytest.mark.parametrize("role, pulled", [("admin", True), ("inspector", False), ("", True)])
def test_who_may_change_them(db, english, role, pulled):
    org_id = _county(db, pulled=pulled)
    _synced_with(db, role)
    with db.session() as session:
        org = session.get(Organisation, org_id)
        assert set_organisation(session, org, notice_prefix="吕教安") == {"notice_prefix": ["", "吕教安"]}
        assert set_rules(session, org, {"supervise_after_days": 3})


def test_a_ledger_that_never_synced_decides_alone(db, english):
    org_id = _county(db, pulled=True)
    with db.session() as session:
        assert set_organisation(session, session.get(Organisation, org_id), language="en")
