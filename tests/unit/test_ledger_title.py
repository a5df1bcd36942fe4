"""The ledger's name in the window title (AppContext.ledger_title): worked out before SQLAlchemy is
imported, it must name the same file SQLAlchemy opens, and never show a server's password."""

from __future__ import annotations

import argparse
from pathlib import Path

from inspector_app.app.context import AppContext
from inspector_app.core.db import sqlite_file, sqlite_url
from inspector_app.core.settings import Settings


def _context(db: str | None = None, database_url: str | None = None) -> AppContext:
    context = AppContext(settings=Settings())
    context.configure(argparse.Namespace(db=db, database_url=database_url, actor="t", forms=[]))
    return context


def test_a_file_is_named_as_it_is_even_with_characters_a_url_quotes(tmp_path):
    ledger = tmp_path / "二中 #3 100%[a].sqlite"
    by_path = _context(db=str(ledger))
    assert by_path.ledger_title == str(ledger.resolve())
    assert by_path.ledger_path == Path(by_path.ledger_title)  # the file SQLAlchemy opens
    by_url = _context(database_url=sqlite_url(ledger.resolve()))
    assert by_url.ledger_title == str(ledger.resolve()) == str(sqlite_file(by_url.url))


def test_a_server_is_named_without_its_password():
    context = _context(database_url="postgresql+psycopg://inspector:s3cret%40x@db.example.cn:5433/fire?sslmode=require")
    assert context.ledger_title == "postgresql+psycopg://inspector@db.example.cn:5433/fire"
    assert "s3cret" not in context.ledger_title
    assert _context(database_url="postgresql://db.example.cn/fire").ledger_title == "postgresql://db.example.cn/fire"
