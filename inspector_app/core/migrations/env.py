"""Alembic environment: runs on the engine the program opened (passed in config.attributes)."""

from __future__ import annotations

from alembic import context

from inspector_app.core.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite can only ALTER by copying the table
        compare_type=True,
    )
    context.run_migrations()
