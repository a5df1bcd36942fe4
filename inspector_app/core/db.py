"""Opening a ledger database: engine, sessions, SQLite pragmas and migrating to the newest schema.

The engine is made when the program starts and handed to whoever needs it (``Database``); nothing
connects at import time, so a test points the whole program at a temporary file with one argument.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from inspector_app.core.errors import InspectorError
from inspector_app.core.store import FileStore
from inspector_app.i18n import _

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def migration_heads() -> tuple[str, ...]:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return tuple(ScriptDirectory.from_config(config).get_heads())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


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
    return f"sqlite:///{path}"


@dataclass
class Database:
    """An open ledger: its engine, a session factory, and the file store of plans and photos."""

    engine: Engine
    sessions: sessionmaker[Session]
    store: FileStore
    url: str

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends normally, rolled back on any error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
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


def open_database(url: str, store_dir: Path | None = None, migrate: bool = True) -> Database:
    """Open (creating if needed) a ledger and bring its schema to the newest revision.

    ``store_dir`` defaults to a folder beside a SQLite file; a server database needs one given.
    """
    engine = make_engine(url)
    parsed = make_url(url)
    if store_dir is None:
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
            db_path = Path(parsed.database or "")
            store_dir = db_path.with_name(db_path.stem + "-files")
        else:
            from inspector_app.paths import user_data_dir

            store_dir = user_data_dir() / "files"
    try:
        if migrate:
            upgrade(engine)
    except Exception as exc:
        engine.dispose()
        raise InspectorError(
            _("Cannot open the database {url}: {problem}").format(url=parsed.render_as_string(), problem=exc)
        ) from exc
    sessions = sessionmaker(engine, expire_on_commit=False)
    from inspector_app.core.sync import tracking

    # Always, migrated here or not (server workers open a schema that `serve` migrated once): a
    # change made without its change-log entry would never reach another ledger.
    try:
        tracking.install(sessions)
    except Exception as exc:
        engine.dispose()
        raise InspectorError(_("Cannot open the database {url}: {problem}").format(
            url=parsed.render_as_string(), problem=exc)) from exc
    return Database(engine=engine, sessions=sessions, store=FileStore(store_dir), url=url)
