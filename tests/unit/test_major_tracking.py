"""A confirmed major hazard is tracked until it is fixed: counted apart in the summary, listed first and
marked in the exported ledger (XLSX, CSV, PDF share its lines), marked on the public status page and in
its JSON; once closed it is neither counted apart nor marked any more."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from inspector_app.core.demo import create_demo
from inspector_app.core.hazards import change_status
from inspector_app.core.models import Hazard
from inspector_app.core.summary import summarise
from inspector_app.exports.ledger_table import ledger_lines
from inspector_app.i18n import use_language
from inspector_app.web.public.pages import status_page
from inspector_app.web.public.status import lookup


def confirmed(session) -> Hazard:
    return session.scalars(select(Hazard).where(Hazard.major_rule != "")).one()


def test_counted_apart_listed_first_and_marked_until_closed(db, catalogue, jpeg_photo):
    with use_language("zh_CN"):
        create_demo(db, catalogue)
    with db.session() as session, use_language("zh_CN"):
        hazard = confirmed(session)
        summary = summarise(session)
        assert summary.major_listed == 1 and summary.major > summary.major_listed  # the others merely marked major
        lines = ledger_lines(session, catalogue)
        assert lines[0].values["number"] == hazard.number and lines[0].listed
        assert lines[0].values["severity"] == "重大隐患 · 挂牌督办\n(edu2024.3.1.9)"
        assert [line.values["number"] for line in lines[1:]] == sorted(line.values["number"] for line in lines[1:])
        assert not any(line.listed for line in lines[1:])
        view = lookup(session, catalogue, hazard.public_token)
        assert view is not None and view.listed_supervision and view.as_json()["listed_supervision"] is True
        page = status_page(view, "zh_CN", "/h/x").decode()
        assert "重大事故隐患 · 挂牌督办，直至整改完毕" in page
        other = session.scalars(select(Hazard).where(Hazard.major_rule == "", Hazard.severity == "major")).first()
        plain = lookup(session, catalogue, other.public_token)
        assert plain is not None and not plain.listed_supervision
        assert "挂牌督办" not in status_page(plain, "zh_CN", "/h/y").decode()
    with db.session() as session:
        hazard = confirmed(session)
        change_status(session, db.store, hazard, "awaiting_reinspection", "li", note="防盗网已拆除")
        change_status(session, db.store, hazard, "closed", "li", note="复查合格", photos=[jpeg_photo])
    with db.session() as session, use_language("en"):
        hazard = confirmed(session)  # its rule stays in its record; it is no longer under supervision
        assert summarise(session, today=dt.date.today()).major_listed == 0
        line = next(line for line in ledger_lines(session, catalogue) if line.values["number"] == hazard.number)
        assert not line.listed and line.values["severity"] == "Major"
        view = lookup(session, catalogue, hazard.public_token)
        assert view is not None and not view.listed_supervision
