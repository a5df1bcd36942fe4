"""Alembic environment: runs on the engine the program opened (passed in config.attributes).

On SQLite a migration that changes a constraint copies the table ("batch" mode) and drops the old
one, which foreign keys forbid while other tables point at it: they are off while the migrations
run, checked whole afterwards (a migration that broke one fails here), and on again."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from inspector_app.core.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.execute(text("PRAGMA foreign_keys=OFF"))  # outside a transaction, or SQLite ignores it
        connection.commit()
    try:
        with connection.begin():
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=True,  # SQLite can only ALTER by copying the table
                compare_type=True,
            )
            context.run_migrations()
            if sqlite:
                broken = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows pointing at nothing: {broken[:5]}")
    finally:
        if sqlite:
            connection.execute(text("PRAGMA foreign_keys=ON"))
            connection.commit()
