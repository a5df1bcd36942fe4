"""Opening a ledger database: engine, sessions, SQLite pragmas, refusing what is not a ledger, and
migrating an older schema to the newest.

The engine is made when the program starts and handed to whoever needs it (``Database``); nothing
connects at import time, so a test points the whole program at a temporary file with one argument.

Opening checks the schema version by reading ``alembic_version`` and comparing it with
``HEAD_REVISION``; Alembic (slow to import) is loaded only when the ledger needs upgrading or is new.
A SQLite path with no ledger is created only when the caller says it may be (``may_create``): a
mistyped path must not look like an empty ledger. Every failure to open is a ``LedgerError`` whose
message is one line naming the file and the problem.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from inspector_app.core.errors import InspectorError
from inspector_app.core.hazard_rows import HEAD_REVISION
from inspector_app.core.store import FileStore
from inspector_app.i18n import _

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
# pg_advisory_lock key held while a server database's schema is created or upgraded and its replica
# identity made: servers started together on a new database would otherwise all create the tables
# at once, and all but one fail on a duplicate key in PostgreSQL's catalogue.
SCHEMA_LOCK = 84_700_003


class LedgerError(InspectorError):
    """A ledger that cannot be opened. ``reason`` says why, for whoever offers a way out:
    "missing", "empty", "not_ledger", "damaged", "newer"; and from core.ledger_lock, "in_use" (another
    running program has it open) and "no_lock" (its lock file cannot be made or locked)."""

    def __init__(self, message: str, reason: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.reason, self.path = reason, path


def database_problem(exc: BaseException) -> str:
    """An SQLAlchemy or driver error as one line a person can read: the driver's own words, without
    the statement, the parameters or SQLAlchemy's "Background on this error" link."""
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        message = str(exc.orig)
    elif isinstance(exc, SQLAlchemyError):
        message = exc._message()
    else:
        message = str(exc)
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    first = lines[0] if lines else type(exc).__name__
    return first.split("(Background on this error")[0].strip()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL, not NORMAL: in WAL mode NORMAL may lose the last commits to a power cut (a flat battery);
    # FULL syncs every commit, so an edit the program acknowledged is on the disk (benchmarks/ledger_file.py).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def open_transaction(session: Session) -> None:
    """Make sure SQLite is inside a real transaction before savepoints are taken. Python's sqlite3
    begins one by itself only before a write, never before SAVEPOINT, so a savepoint taken first
    became the transaction and releasing it committed and synced: each row of a pulled page was a
    commit of its own (5 ms apiece) and a page was not the one transaction it claims to be. A plain
    BEGIN only where savepoints follow: elsewhere the driver's way keeps readers from ever waiting to
    write (a read transaction that later writes fails at once if another wrote meanwhile)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.driver_connection
        if driver is not None and not driver.in_transaction:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def known_revisions() -> tuple[str, ...]:
    """Every revision in the migrations folder (loads Alembic)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return tuple(script.revision for script in ScriptDirectory.from_config(config).walk_revisions())


def migration_heads() -> tuple[str, ...]:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return tuple(ScriptDirectory.from_config(config).get_heads())


def current_revision(engine: Engine) -> str | None:
    """The schema revision stored in the database, read with plain SQL (no Alembic)."""
    with engine.connect() as connection:
        return _stored_revision(connection)


def _stored_revision(connection: Any) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database or another kind of server."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def sqlite_url(path: Path) -> str:
    # Quoted, so '#', '%' or '[' in a file name survive SQLAlchemy's parsing of the URL.
    return URL.create("sqlite", database=str(path)).render_as_string()


def ledger_exists(path: Path) -> bool:
    """A file is there to open (an empty file counts as none: SQLite would silently fill it)."""
    try:
        return path.stat().st_size > 0
    except OSError:
        return False


def check_sqlite_header(path: Path) -> None:
    """Refuse, before SQLite touches it, a file that is not an SQLite database at all."""
    try:
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise LedgerError(_("Cannot read the ledger {path}: {problem}").format(
            path=path, problem=exc.strerror or exc), "damaged", path) from exc
    if header != SQLITE_HEADER:
        raise LedgerError(_("{path} is not a ledger: it is not an SQLite database file.").format(path=path),
                          "not_ledger", path)


def newer_schema_message(where: str, revision: str) -> str:
    return _("The ledger {path} was written by a newer version of Fire-Risk Inspector (schema {found}; this "
             "program knows up to {known}). Open it with the newer version.").format(
        path=where, found=revision, known=HEAD_REVISION)


def _bring_to_head(engine: Engine, where: str, path: Path | None, may_create: bool,
                   before_upgrade: Callable[[Path], None] | None = None) -> None:
    """Upgrade an older schema, create a new one where allowed, refuse what is not ours to open."""
    try:
        with engine.connect() as connection:
            revision = _stored_revision(connection)
            has_tables = revision is not None or bool(inspect(connection).get_table_names())
    except SQLAlchemyError as exc:
        raise LedgerError(_("The ledger {path} is damaged and cannot be read: {problem}").format(
            path=where, problem=database_problem(exc)), "damaged", path) from exc
    if revision == HEAD_REVISION:
        return  # the common case, decided without loading Alembic
    if revision is None and has_tables:
        raise LedgerError(_("{path} is a database but not a ledger: it has no ledger schema.").format(path=where),
                          "not_ledger", path)
    if revision is None and not may_create:
        raise LedgerError(_("no ledger at {path}").format(path=where), "empty", path)
    if revision is not None and revision not in known_revisions():
        raise LedgerError(newer_schema_message(where, revision), "newer", path)
    if revision is not None and path is not None and before_upgrade is not None:
        before_upgrade(path)  # e.g. a backup of the old schema, in case the upgrade goes wrong
    upgrade(engine)


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """On PostgreSQL, one process at a time in here (others wait); elsewhere nothing to do: a SQLite
    ledger has one program at a time (core.ledger_lock)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": SCHEMA_LOCK})
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": SCHEMA_LOCK})


@dataclass
class Database:
    """An open ledger: its engine, a session factory, and the file store of plans and photos.
    ``created``: this open made a new, empty ledger (the caller says so to the user)."""

    engine: Engine
    sessions: sessionmaker[Session]
    store: FileStore
    url: str
    created: bool = False

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return sqlite_file(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends normally, rolled back on any error. A database
        error (damaged pages, a full disk, a lock held too long) becomes one ``InspectorError`` line
        naming the ledger, which the CLI prints and the program shows where the edit was made."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            raise InspectorError(_("The ledger {path} could not be read or written: {problem}").format(
                path=self.path or make_url(self.url).render_as_string(), problem=database_problem(exc))) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def replica_id(self) -> object:
        """This ledger's own id in a shared ledger (the laptop its events name)."""
        tracker = self.sessions.kw.get("info", {}).get("tracker")
        return tracker.replica_id if tracker else None

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, store_dir: Path | None = None, migrate: bool = True,
                  may_create: bool = True, before_upgrade: Callable[[Path], None] | None = None) -> Database:
    """Open a ledger and bring its schema to the newest revision.

    ``may_create``: a SQLite path where no ledger is may become a new, empty one (``Database.created``);
    otherwise it is refused with "no ledger at PATH" and no folder or file is made. Server databases
    (PostgreSQL) get their schema on first open either way: making the database is their admin's act.
    ``before_upgrade(path)`` runs before an existing SQLite ledger's older schema is upgraded.
    ``store_dir`` defaults to a folder beside a SQLite file; a server database needs one given.
    """
    parsed = make_url(url)
    where = parsed.render_as_string()  # hides a password
    path = sqlite_file(url)
    created = False
    if path is not None:
        where = str(path)
        if not ledger_exists(path):
            if not may_create:
                raise LedgerError(_("no ledger at {path}").format(path=path), "missing", path)
            created = True
        else:
            check_sqlite_header(path)
    if store_dir is None:
        if path is not None:
            store_dir = path.with_name(path.stem + "-files")
        else:
            from inspector_app.paths import user_data_dir

            store_dir = user_data_dir() / "files"
    engine = make_engine(url)
    try:
        with schema_lock(engine):  # the revision is read again under the lock, then acted on
            if migrate:
                _bring_to_head(engine, where, path, may_create or path is None, before_upgrade)
            sessions = sessionmaker(engine, expire_on_commit=False)
            from inspector_app.core.sync import tracking

            # Always, migrated here or not (server workers open a schema that `serve` migrated once): a
            # change made without its change-log entry would never reach another ledger.
            tracking.install(sessions)
    except LedgerError:
        engine.dispose()
        raise
    except Exception as exc:
        engine.dispose()
        raise LedgerError(_("Cannot open the ledger {path}: {problem}").format(
            path=where, problem=database_problem(exc)), "damaged", path) from exc
    return Database(engine=engine, sessions=sessions, store=FileStore(store_dir), url=url, created=created)
