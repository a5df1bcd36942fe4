"""What every command needs, made once at start-up and passed in: settings, the database (opened
only when a command asks for it), the forms catalogue and who is acting.

The database, forms and ledger modules are imported when first asked for, not at the top: every command
and the window's first paint load this module, and most commands need only some of them.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inspector_app.core.errors import InspectorError
from inspector_app.core.settings import Settings, load_settings, save_settings
from inspector_app.i18n import _
from inspector_app.paths import default_database_path

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from inspector_app.core.db import Database
    from inspector_app.core.forms import Catalogue
    from inspector_app.core.models import Floor


@dataclass
class AppContext:
    settings: Settings
    db_path: Path | None = None
    database_url: str | None = None
    actor: str = ""
    actor_given: bool = False  # --as NAME: the command line's choice wins over the inspector's setting
    forms_dirs: list[Path] = field(default_factory=list)
    _db: Database | None = None
    _catalogue: Catalogue | None = None

    @classmethod
    def from_environment(cls) -> AppContext:
        return cls(settings=load_settings())

    def configure(self, args: argparse.Namespace) -> None:
        self.db_path = Path(args.db) if args.db else None
        self.database_url = args.database_url
        self.actor_given = bool(args.actor)
        self.actor = args.actor or self.inspector_or_login_name()
        self.forms_dirs = [Path(d) for d in (*self.settings.extra_forms_dirs, *args.forms)]

    def inspector_or_login_name(self) -> str:
        """The inspector's own name (asked at first start, in the settings) rather than the login name."""
        if self.settings.inspector_name:
            return self.settings.inspector_name
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "inspector"

    def use_inspector_name(self, name: str) -> None:
        """The name just set in the settings acts from now on, unless --as chose someone."""
        self.settings.inspector_name = name
        if not self.actor_given:
            self.actor = self.inspector_or_login_name()

    @property
    def url(self) -> str:
        from inspector_app.core.db import sqlite_url

        if self.database_url:
            return self.database_url
        return sqlite_url((self.db_path or default_database_path()).resolve())

    @property
    def db(self) -> Database:
        if self._db is None:
            from inspector_app.core.db import open_database

            self._db = open_database(self.url)
            self._migrate_user_settings(self._db)
        return self._db

    def _migrate_user_settings(self, db: Database) -> None:
        """Once per ledger: the user's former per-user base URL and notice prefix go into the ledger's
        top-level organisations (where empty), and the ledger is remembered so it never happens again."""
        from inspector_app.core.organisation import migrate_user_settings

        settings = self.settings
        url = settings.public_base_url if settings.public_base_url != Settings().public_base_url else ""
        key = ledger_key(self.url)
        if key in settings.migrated_ledgers or not (url or settings.notice_prefix):
            return
        with db.session() as session:
            changed = migrate_user_settings(session, url, settings.notice_prefix)
        if changed is not None:  # None: no organisation yet, try again when the ledger has one
            settings.migrated_ledgers.append(key)
            save_settings(settings)

    @property
    def catalogue(self) -> Catalogue:
        if self._catalogue is None:
            from inspector_app.core.forms import load_catalogue

            self._catalogue = load_catalogue(self.forms_dirs)
        return self._catalogue

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()
            self._db = None


def ledger_key(url: str) -> str:
    """How the user settings name a ledger: a digest of its URL, which may hold a database password."""
    return hashlib.sha256(url.encode()).hexdigest()[:24]


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def floor_from_args(session: Session, args: argparse.Namespace) -> Floor:
    """The floor named by --floor ID, or by --site, --building and --floor-name."""
    from inspector_app.core.structure import find_floor_by_names, get_floor

    if args.floor:
        return get_floor(session, args.floor)
    if args.site and args.building and args.floor_name:
        return find_floor_by_names(session, args.site, args.building, args.floor_name)
    raise InspectorError(_("Say where: --floor ID, or --site, --building and --floor-name."))
