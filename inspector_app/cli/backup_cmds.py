"""`inspector-app init | backup | restore`: making a ledger on purpose, copying it, putting a copy back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.cli.common import print_json
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _


def register(subparsers: Any) -> None:
    init = subparsers.add_parser("init", help=_("make a new, empty ledger at --db PATH"))
    init.set_defaults(handler=run_init, creates_ledger=True)

    backup = subparsers.add_parser("backup", help=_("copy the ledger (safe while the program runs)"))
    backup.add_argument("--out", metavar="FILE",
                        help=_("where to write the copy (default: a dated copy in the ledger's backups folder)"))
    backup.set_defaults(handler=run_backup)

    listing = subparsers.add_parser("backups", help=_("list the ledger's automatic backups, newest first"))
    listing.set_defaults(handler=run_list)

    restore = subparsers.add_parser("restore", help=_("replace the ledger by a backup (the replaced one is kept)"))
    source = restore.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", metavar="FILE", help=_("the backup or copy to restore"))
    source.add_argument("--latest", action="store_true", help=_("the newest automatic backup"))
    restore.set_defaults(handler=run_restore, creates_ledger=True)


def _ledger_file(context: AppContext) -> Path:
    path = context.ledger_path
    if path is None:
        raise InspectorError(_("Backups work on a ledger file (--db PATH); back up a server database with "
                               "its own tools (pg_dump)."))
    return path.resolve()


def run_init(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core.db import HEAD_REVISION, ledger_exists

    path = context.ledger_path
    if path is not None and ledger_exists(path):
        raise InspectorError(_("There is already a ledger at {path}: nothing was changed.").format(path=path))
    db = context.db  # creates it, and says so on stderr
    print_json({"ledger": str(db.path or db.url), "schema": HEAD_REVISION})
    return 0


def _existing_ledger_file(context: AppContext) -> Path:
    from inspector_app.core.db import ledger_exists

    ledger = _ledger_file(context)
    if not ledger_exists(ledger):
        raise InspectorError(_("no ledger at {path}").format(path=ledger))
    return ledger


def run_backup(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core import backups

    ledger = _existing_ledger_file(context)
    if args.out:
        out = Path(args.out).resolve()
        if out == ledger:
            raise InspectorError(_("{path} is the ledger itself: choose another file for the copy.").format(
                path=out))
        backups.copy_ledger(ledger, out)
    else:
        out = backups.make_backup(ledger, context.settings.backup_days).path
    print_json({"ledger": str(ledger), "backup": str(out), "bytes": out.stat().st_size})
    return 0


def run_list(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core import backups

    ledger = _existing_ledger_file(context)
    print_json([{"backup": str(b.path), "made_at": b.made_at.isoformat(), "bytes": b.path.stat().st_size}
                for b in backups.list_backups(ledger)])
    return 0


def run_restore(context: AppContext, args: argparse.Namespace) -> int:
    from inspector_app.core import backups

    ledger = _ledger_file(context)
    if args.latest:
        newest = backups.latest_backup(ledger)
        if newest is None:
            raise InspectorError(_("There is no automatic backup of {path} in {folder}.").format(
                path=ledger, folder=backups.backup_dir(ledger)))
        source = newest.path
    else:
        source = Path(args.file)
    context.close()  # nothing of the old ledger stays open while it is moved aside
    done = backups.restore_ledger(ledger, source)
    if done.replaced_kept_at is not None:
        print(_("Restored {path} from {source}; the ledger it replaced is kept at {kept}").format(
            path=done.ledger, source=done.source, kept=done.replaced_kept_at), file=sys.stderr)
    else:
        print(_("Created a new ledger at {path} from {source}").format(path=done.ledger, source=done.source),
              file=sys.stderr)
    print_json({"ledger": str(done.ledger), "restored_from": str(done.source),
                "replaced_kept_at": str(done.replaced_kept_at) if done.replaced_kept_at else None})
    return 0
