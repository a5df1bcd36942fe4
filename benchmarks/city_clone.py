"""Fill a central PostgreSQL ledger with a city: copies of one organisation's rows, made inside the
database (INSERT ... SELECT), so that a million hazards take a minute or two instead of the hours a
million pushes would. Used by benchmarks/sync.py (--clone-organisations) to measure a new laptop's
first pull on a server that holds the whole city beside the one the server holds alone.

Each copy gets new ids derived from the old ones (md5 of the id and the copy's number, so rows that
point at each other still do), its own organisation name, hazard tokens and short codes, and its own
change-log entries after the original's, in the original's order. Photos' files are shared (the rows
name the same file hashes). What is copied: the organisation and its sites, buildings, floors,
inspections, hazards with their events, photos, sync heads, superseded tokens and change log.
Accounts, signing keys and anything not named here stay as they are.

    .venv/bin/python benchmarks/city_clone.py --database-url URL --organisation NAME --copies 99
"""

from __future__ import annotations

import argparse
import time
import uuid

from sqlalchemy import Connection, create_engine, text

# (table, which of its rows belong to the organisation :org)
SITES = "SELECT id FROM sites WHERE organisation_id = :org"
HAZARDS = f"SELECT id FROM hazards WHERE site_id IN ({SITES})"
TABLES: tuple[tuple[str, str], ...] = (
    ("organisations", "id = :org"),
    ("sites", "organisation_id = :org"),
    ("buildings", f"site_id IN ({SITES})"),
    ("floors", f"building_id IN (SELECT id FROM buildings WHERE site_id IN ({SITES}))"),
    ("inspections", f"site_id IN ({SITES})"),
    ("hazards", f"site_id IN ({SITES})"),
    ("hazard_events", f"hazard_id IN ({HAZARDS})"),
    ("attachments", f"hazard_id IN ({HAZARDS})"),
    ("sync_heads", f"hazard_id IN ({HAZARDS})"),
    ("superseded_tokens", f"hazard_id IN ({HAZARDS})"),
)
# Id columns that point outside the copy (the parent organisation, the account that pushed): kept.
KEPT_IDS = {("organisations", "parent_id"), ("change_log", "token_id")}
# Text columns that must stay unique across copies.
RENAMED = {("organisations", "name"): "name || ' #' || copy.n",
           # Still a well-formed code (the pages refuse others unread): its end replaced by the copy's number.
           ("hazards", "public_token"): "left(public_token, -6) || lpad(to_hex(copy.n), 6, '0')",
           ("hazards", "short_code"): "short_code || '-' || copy.n"}
COPIES_PER_STATEMENT = 20  # one INSERT per table makes this many copies (generate_series)


def _columns(conn: Connection, table: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in conn.execute(text(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' "
        "AND table_name = :table ORDER BY ordinal_position"), {"table": table})]


def _expression(table: str, column: str, data_type: str) -> str:
    if (table, column) in RENAMED:
        return RENAMED[(table, column)]
    if data_type == "uuid" and (table, column) not in KEPT_IDS:
        return f"CASE WHEN {column} IS NULL THEN NULL ELSE md5({column}::text || ':' || copy.n)::uuid END"
    return column


def clone(conn: Connection, organisation_id: uuid.UUID, first: int, last: int) -> None:
    """Copies number ``first`` to ``last`` of the organisation's rows, change log included, one
    statement per table (the caller commits)."""
    values = {"org": organisation_id, "first": first, "last": last}
    for table, belongs in (*TABLES, ("change_log", "organisation_id = :org")):
        columns = [(name, kind) for name, kind in _columns(conn, table) if not (table == "change_log" and
                                                                                name == "cursor")]
        names = ", ".join(name for name, _kind in columns)
        chosen = ", ".join(_expression(table, name, kind) for name, kind in columns)
        order = " ORDER BY copy.n, cursor" if table == "change_log" else ""
        copies = "generate_series(CAST(:first AS integer), CAST(:last AS integer)) AS copy(n)"
        conn.execute(text(f"INSERT INTO {table} ({names}) SELECT {chosen} FROM {table} CROSS JOIN {copies} "
                          f"WHERE {belongs}{order}"), values)


def fill_city(url: str, organisation: str, copies: int, progress: bool = True,
              per_statement: int = COPIES_PER_STATEMENT) -> float:
    """``copies`` copies of the organisation named; returns the seconds it took."""
    engine = create_engine(url)
    started = time.perf_counter()
    try:
        with engine.connect() as conn:
            organisation_id = conn.execute(text("SELECT id FROM organisations WHERE name = :name"),
                                           {"name": organisation}).scalar_one()
            for first in range(1, copies + 1, per_statement):
                last = min(copies, first + per_statement - 1)
                clone(conn, organisation_id, first, last)
                conn.commit()
                if progress:
                    print(f"  {last} of {copies} copies made ({time.perf_counter() - started:.0f} s)", flush=True)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))  # as autovacuum would have done on a server that grew slowly
    finally:
        engine.dispose()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--organisation", required=True, help="the name of the organisation to copy")
    parser.add_argument("--copies", type=int, required=True)
    args = parser.parse_args()
    seconds = fill_city(args.database_url, args.organisation, args.copies)
    print(f"{args.copies} copies of {args.organisation} made in {seconds:.0f} s")


if __name__ == "__main__":
    main()
