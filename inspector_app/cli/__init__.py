"""`inspector-app`: the command line over the same use-case functions the desktop program calls.

Each group of subcommands lives in its own module with a ``register(subparsers)`` function; data is
printed as JSON (or CSV where asked); errors go to stderr with a non-zero exit, never a traceback.
A command that may make a new ledger where none is says so with ``set_defaults(creates_ledger=True)``;
the rest refuse a missing ledger (see app/context.py).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from inspector_app.app.context import AppContext
from inspector_app.cli import (
    audit_cmds,
    backup_cmds,
    bundle_cmds,
    demo_cmds,
    due_cmds,
    forms_cmds,
    gui_cmds,
    hazard_cmds,
    ledger_cmds,
    notice_cmds,
    notify_cmds,
    org_cmds,
    plan_cmds,
    report_cmds,
    serve_cmds,
    structure_cmds,
    summary_cmds,
    sync_cmds,
    token_cmds,
)
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _, normalise_language, set_language, system_language

COMMAND_MODULES = (gui_cmds, demo_cmds, hazard_cmds, audit_cmds, forms_cmds, plan_cmds, serve_cmds, ledger_cmds,
                   notice_cmds, org_cmds, sync_cmds, bundle_cmds, token_cmds, summary_cmds, backup_cmds,
                   structure_cmds, report_cmds, due_cmds, notify_cmds)


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, _("{prog}: error: {message}\n").format(prog=self.prog, message=message))


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="inspector-app", description=_("Fire-Risk Inspector: hazards, notices and the ledger."))
    parser.add_argument("--db", metavar="PATH", help=_("the ledger file (SQLite); default: in the user data folder"))
    parser.add_argument("--database-url", metavar="URL", help=_("a database URL instead (e.g. PostgreSQL)"))
    parser.add_argument("--lang", choices=("zh", "en"), help=_("language of messages and output"))
    parser.add_argument("--as", dest="actor", metavar="NAME", help=_("who is acting (recorded in the history)"))
    parser.add_argument("--forms", action="append", default=[], metavar="DIR",
                        help=_("an organisation's own forms folder (repeatable)"))
    subparsers = parser.add_subparsers(dest="command", parser_class=Parser)
    for module in COMMAND_MODULES:
        module.register(subparsers)
    parser.set_defaults(handler=gui_cmds.run_gui, creates_ledger=False)  # a command's own default wins
    return parser


def _is_database_error(exc: BaseException) -> bool:
    """An error of SQLAlchemy's, asked without importing it: a command that never loaded it raised none."""
    errors = sys.modules.get("sqlalchemy.exc")
    return errors is not None and isinstance(exc, errors.SQLAlchemyError)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--plan-sandbox-child"]:  # a frozen build starting its own plan sandbox (plans.sandbox)
        from inspector_app.plans.sandbox import child_main

        child_main()
        return 0
    # Messages of the parser itself follow --lang too, so look for it before parsing.
    language = None
    if "--lang" in argv and argv.index("--lang") + 1 < len(argv):
        language = normalise_language(argv[argv.index("--lang") + 1])
    context = AppContext.from_environment()
    set_language(language or normalise_language(context.settings.language) or system_language())
    parser = build_parser()
    args = parser.parse_args(argv)
    context.configure(args)
    try:
        return int(args.handler(context, args) or 0)
    except InspectorError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`... | head`): not an error worth a word.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # last: the clauses above are Exceptions too
        if not _is_database_error(exc):
            raise
        from inspector_app.core.db import database_problem

        # e.g. a ledger damaged past the pages read when it was opened
        print(_("error: the ledger {path} could not be read or written: {problem}").format(
            path=context.ledger_path or context.url, problem=database_problem(exc)), file=sys.stderr)
        return 1
    finally:
        context.close()
