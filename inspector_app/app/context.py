"""The application context that the command line and the desktop program both stand on: settings,
the database (opened only when asked for), the forms catalogue and who is acting.

Which commands may create a ledger: a command's parser says so with ``set_defaults(creates_ledger=True)``
(init, demo, bundle import, sync, restore, site add). Every other command gets the top-level default
False (cli/__init__.py) and refuses a SQLite path where no ledger is with "no ledger at PATH", making no
folder or file, so a mistyped path never looks like an empty ledger. Code that builds an ``AppContext``
itself (the GUI after asking, tests) may create (``may_create``, default True). A ledger this opens that
was there already gets its daily automatic backup (core/backups.py).

The desktop program opens its ledger through ``hold_ledger``: it then holds the ledger's lock
(core/ledger_lock.py) until ``close``, so that `restore` in another process refuses to replace the file
under it. Commands open through ``db`` and hold nothing: they are over in a moment.

The database, forms and ledger modules are imported when first asked for, not at the top: every command
and the window's first paint load this module, and most commands need only some of them.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

from inspector_app.core.settings import Settings, load_settings, save_settings
from inspector_app.i18n import _
from inspector_app.paths import default_database_path

if TYPE_CHECKING:
    from inspector_app.core.db import Database
    from inspector_app.core.forms import Catalogue
    from inspector_app.core.ledger_lock import LedgerLock

log = logging.getLogger(__name__)


@dataclass
class AppContext:
    settings: Settings
    db_path: Path | None = None
    database_url: str | None = None
    actor: str = ""
    actor_given: bool = False  # --as NAME: the command line's choice wins over the inspector's setting
    forms_dirs: list[Path] = field(default_factory=list)
    may_create: bool = True
    _db: Database | None = None
    _catalogue: Catalogue | None = None
    _lock: LedgerLock | None = None

    @classmethod
    def from_environment(cls) -> AppContext:
        return cls(settings=load_settings())

    def configure(self, args: argparse.Namespace) -> None:
        self.db_path = Path(args.db) if args.db else None
        self.database_url = args.database_url
        self.actor_given = bool(args.actor)
        self.actor = args.actor or self.inspector_or_login_name()
        self.forms_dirs = [Path(d) for d in (*self.settings.extra_forms_dirs, *args.forms)]
        self.may_create = bool(getattr(args, "creates_ledger", True))

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
    def ledger_title(self) -> str:
        """Where the ledger is, as the window's title says it: the file, or the server without the password.
        Worked out without SQLAlchemy: the title is set before the core is imported (ui/window_frame.py)."""
        if not self.database_url:
            return str((self.db_path or default_database_path()).resolve())
        if self.database_url.startswith("sqlite:///"):
            return unquote(self.database_url.removeprefix("sqlite:///"))
        parts = urlsplit(self.database_url)
        host = parts.hostname or ""
        if parts.username:
            host = f"{parts.username}@{host}"
        if parts.port:
            host = f"{host}:{parts.port}"
        return urlunsplit((parts.scheme, host, parts.path, "", ""))

    @property
    def ledger_path(self) -> Path | None:
        """The SQLite file of the ledger, None for a server database."""
        from inspector_app.core.db import sqlite_file

        return sqlite_file(self.url)

    def ledger_missing(self) -> bool:
        """True if opening would have to create a new, empty ledger file."""
        from inspector_app.core.db import ledger_exists

        path = self.ledger_path
        return path is not None and not ledger_exists(path)

    @property
    def db(self) -> Database:
        if self._db is None:
            from inspector_app.core.db import open_database

            self._db = open_database(self.url, may_create=self.may_create, before_upgrade=self._backup_before_upgrade)
            if self._db.created:
                print(_("Created a new, empty ledger at {path}").format(path=self._db.path), file=sys.stderr)
            else:
                self._daily_backup(self._db)
            self._migrate_user_settings(self._db)
        return self._db

    def hold_ledger(self) -> Database:
        """Open the ledger as the desktop program does: its lock is taken first and held until ``close``.
        ``LedgerInUse`` if another running program holds it; a ledger that fails to open is not held.
        Where no lock can be made at all the ledger opens without one (said in the log): the lock
        guards against `restore`, it must not keep the inspector from working."""
        from inspector_app.core.db import LedgerError, ledger_exists
        from inspector_app.core.ledger_lock import LedgerLock

        path = self.ledger_path
        try:
            if self._lock is None and path is not None and (self.may_create or ledger_exists(path)):
                path.parent.mkdir(parents=True, exist_ok=True)  # a new ledger's folder, as opening makes it
                try:
                    self._lock = LedgerLock.acquire(path)
                except LedgerError as exc:
                    if exc.reason != "no_lock":
                        raise
                    log.warning("%s", exc)
            return self.db
        except BaseException:
            self.close()
            raise

    def _backup_before_upgrade(self, path: Path) -> None:
        """A copy of the ledger as the older program left it; no copy, no upgrade (the error says why)."""
        from inspector_app.core import backups

        backups.make_backup(path, self.settings.backup_days)

    def _daily_backup(self, db: Database) -> None:
        """An automatic backup if the newest is a day old; a failure is said, never in the way of work."""
        from inspector_app.core import backups
        from inspector_app.core.db import LedgerError

        if db.path is None:
            return
        try:
            backups.backup_if_due(db.path, self.settings.backup_days)
        except (OSError, LedgerError) as exc:
            print(_("warning: no automatic backup of {path}: {problem}").format(path=db.path, problem=exc),
                  file=sys.stderr)

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
        if self._lock is not None:  # after the database: nothing of the ledger is open once it is free
            self._lock.release()
            self._lock = None


def ledger_key(url: str) -> str:
    """How the user settings name a ledger: a digest of its URL, which may hold a database password."""
    return hashlib.sha256(url.encode()).hexdigest()[:24]
