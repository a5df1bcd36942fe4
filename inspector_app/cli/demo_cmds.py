"""`inspector-app demo`: fill a ledger with the demo school."""

from __future__ import annotations

import argparse
from typing import Any

from inspector_app.cli.context import AppContext, print_json
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help=_("create a demo project (one school, three buildings)"))
    parser.set_defaults(handler=run_demo, creates_ledger=True)


def run_demo(context: AppContext, args: argparse.Namespace) -> int:
    from sqlalchemy import func, select  # here, not at the top: registering a command must stay cheap

    from inspector_app.core.demo import create_demo
    from inspector_app.core.models import Site

    db = context.db
    with db.session() as session:
        if session.scalar(select(func.count()).select_from(Site)):
            raise InspectorError(_("The ledger {url} is not empty: the demo goes into a new file.").format(
                url=db.url))
    print_json(create_demo(db, context.catalogue, actor=context.actor))
    return 0
