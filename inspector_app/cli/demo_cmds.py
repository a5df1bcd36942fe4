"""`inspector-app demo [--lang zh|en]`: fill a ledger with the demo school, all of it in one language
(default: the language of the program's messages), which becomes its organisation's language."""

from __future__ import annotations

import argparse
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _, current_language, normalise_language


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("demo", help=_("create a demo project (one school, three buildings)"))
    parser.add_argument("--lang", dest="demo_language", choices=("zh", "en"),
                        help=_("the school's language: its names, texts and documents (default: the UI language)"))
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
    language = normalise_language(args.demo_language) if args.demo_language else current_language()
    print_json(create_demo(db, context.catalogue, actor=context.actor, language=language))
    return 0
