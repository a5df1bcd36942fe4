"""Sync speed: a laptop's first sync of 10,000 hazards with 2,000 photos (~300 KB each) to a real
`inspector-app serve` on PostgreSQL, an incremental sync of one change, and the same bytes sent as a
plain HTTP upload for comparison; the photos downloaded by a new laptop against a plain HTTP download
of the same bytes (benchmarks/file_downloads.py, budget 1.3x); then the status pages from PostgreSQL
with two server processes (benchmarks/status_server.py --workers 2).

    .venv/bin/python benchmarks/sync.py --database-url postgresql+psycopg://USER@HOST:PORT/postgres
        [--hazards 10000] [--photos 2000] [--workers N] [--skip-status]
        [--other-organisations K --other-hazards M]   (a new laptop's first pull with K other counties there)
        [--clone-organisations K]   (and again once the server holds K copies of the county: 99 for 1,000,000)
    .venv/bin/python benchmarks/sync.py --apply-only [--hazards 10000] [--photos 2000]
        (only a laptop applying a first pull's pages: no server, no PostgreSQL; budget 12,000 rows < 5 s)

The URL names any database of a server where the benchmark may create and drop its own databases
(scripts/test.sh's throwaway cluster will do; INSPECTOR_TEST_PG_URL is used when it is set).
Loopback only, bounded. Budgets (issue 10): first sync < 20 s, incremental < 300 ms, status
>= 1,500 req/s with p99 < 25 ms; (issue 23) a laptop applies 12,000 pulled rows in < 5 s. Prints
figures and ratios; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import city_clone, file_downloads  # noqa: E402
from benchmarks.status_server import cpu_seconds, free_port, wait_for  # noqa: E402
from inspector_app.core import accounts, audit, hazards, structure  # noqa: E402
from inspector_app.core.db import Database, open_database, sqlite_url  # noqa: E402
from inspector_app.core.forms import load_catalogue  # noqa: E402
from inspector_app.core.models import Attachment, Hazard, Organisation  # noqa: E402
from inspector_app.core.sync.run import synchronise  # noqa: E402
from inspector_app.web.sync.client import HttpTransport  # noqa: E402

PHOTO_BYTES = 300 * 1024
APPLY_BUDGET = 5.0  # seconds for a laptop to apply 12,000 pulled rows (issue 23, item 3)
APPLY_ROWS = 12_000


def fresh_database(admin_url: str) -> tuple[str, object]:
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.rsplit("/", 1)[0] + f"/{name}", drop


def build_laptop(path: Path, hazard_count: int, photo_count: int, county: str = "Bench county",
                 photo_bytes: int = PHOTO_BYTES) -> Database:
    """A laptop ledger as an inspector's would be after a campaign (photos as stored JPEG bytes)."""
    catalogue = load_catalogue()
    codes = [c for c in catalogue.categories][:20]
    db = open_database(sqlite_url(path))
    rng = random.Random(7)
    with db.session() as session:
        org = structure.create_organisation(session, county, kind="county")
        floors = []
        for school in range(10):
            site = structure.create_site(session, org, f"School {school}", code=f"B{school:02d}")
            for building_no in range(2):
                building = structure.create_building(session, site, f"Building {building_no}", "dormitory")
                floors += [structure.create_floor(session, building, f"{level}F", level).id for level in (1, 2, 3)]
        made: list[Hazard] = []
        for number in range(hazard_count):
            made.append(hazards.add_hazard(session, catalogue, db.store, actor="bench",
                                           category=codes[number % len(codes)],
                                           floor_id=floors[number % len(floors)], x=rng.random(), y=rng.random(),
                                           description=f"hazard {number}"))
        for number in range(photo_count):
            hazard = made[number * max(1, hazard_count // max(1, photo_count)) % len(made)]
            digest = db.store.put(b"\xff\xd8\xff\xe0" + os.urandom(photo_bytes - 6) + b"\xff\xd9", ".jpg")
            attachment = Attachment(id=uuid.uuid4(), hazard_id=hazard.id, role="before", file_hash=digest,
                                    filename=f"IMG_{number:04d}.jpg", mime="image/jpeg", width=1600, height=1200,
                                    overlay={}, created_by="bench")
            session.add(attachment)
            session.flush()
            audit.append_event(session, hazard, "photo_added", "bench", extra={
                "attachment_id": str(attachment.id), "role": "before", "file_hash": digest})
    return db


def serve(url: str, files: Path, workers: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "inspector_app", "--database-url", url, "serve", "--host",
                                "127.0.0.1", "--port", str(port), "--files", str(files), "--workers", str(workers)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    wait_for(port)
    return process, f"http://127.0.0.1:{port}"


def plain_upload_seconds(files: list[Path], json_bytes: int) -> float:
    """The same bytes PUT to a server that only writes them to disk: the floor any sync stands on."""
    sink = Path(tempfile.mkdtemp())
    script = ("import sys,uvicorn\nfrom pathlib import Path\nfrom starlette.applications import Starlette\n"
              "from starlette.routing import Route\nfrom starlette.responses import Response\n"
              "async def put(r):\n    Path(sys.argv[2], r.path_params['n']).write_bytes(await r.body())\n"
              "    return Response(b'ok')\n"
              "uvicorn.run(Starlette(routes=[Route('/{n}', put, methods=['PUT'])]), host='127.0.0.1',"
              " port=int(sys.argv[1]), log_level='warning')\n")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", script, str(port), str(sink)])
    wait_for(port)
    try:
        payload = b"x" * json_bytes
        started = time.perf_counter()
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for index, path in enumerate(files):
                client.put(f"/{index}", content=path.read_bytes())
            for start in range(0, len(payload), 4 * 1024 * 1024):
                client.put(f"/json{start}", content=payload[start:start + 4 * 1024 * 1024])
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait()


def county_token(url: str, work: Path) -> str:
    """A new inspector's token for the first county (so that every file is checked as it would be)."""
    central = open_database(url, store_dir=work / "central-files")
    try:
        with central.session() as session:
            county_id = session.scalars(select(Organisation.id).where(Organisation.name == "Bench county")).one()
            return accounts.create_token(session, "bench inspector", "inspector", [county_id])[1]
    finally:
        central.dispose()


def first_pull(args: argparse.Namespace, work: Path, url: str, base: str, admin: str, first_push: float) -> None:
    """A new laptop of the first county joins with an inspector's token: its first pull, after the
    other counties (if any) pushed theirs. With --clone-organisations, a second new laptop's first
    pull after the server was filled with that many copies of the county (benchmarks/city_clone.py),
    and the ratio of the two."""
    for county in range(args.other_organisations):
        other = build_laptop(work / f"other-{county}.sqlite", args.other_hazards, 0, f"Other county {county}")
        transport = HttpTransport(base, admin)
        try:
            synchronise(other, transport, "bench", server_url=base)
        finally:
            transport.close()
            other.dispose()
    others = f" with {args.other_organisations} other counties of {args.other_hazards} hazards on the server" \
        if args.other_organisations else ""
    alone = _timed_first_pull(url, base, work, "newcomer", others, first_push)
    if not args.clone_organisations:
        return
    print(f"filling the server with {args.clone_organisations} copies of the county ...", flush=True)
    seconds = city_clone.fill_city(url, "Bench county", args.clone_organisations)
    central = open_database(url, store_dir=work / "central-files")
    with central.session() as session:
        city = session.scalar(select(func.count()).select_from(Hazard))
    central.dispose()
    print(f"  made in {seconds:.0f} s: {city} hazards of {args.clone_organisations + 1} organisations on the server")
    crowded = _timed_first_pull(url, base, work, "newcomer-in-city", f" with {city} hazards on the server",
                                first_push)
    print(f"  -> first pull in the city / first pull alone = {crowded / alone:.2f}  budget <= 1.2")


def _timed_first_pull(url: str, base: str, work: Path, name: str, others: str, first_push: float) -> float:
    token = county_token(url, work)
    newcomer = open_database(sqlite_url(work / f"{name}.sqlite"))
    transport = HttpTransport(base, token)
    spent = {"pull": 0.0, "download": 0.0}

    def timed(name: str, call):  # type: ignore[no-untyped-def]
        def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started
        return wrapper

    from inspector_app.core.sync import laptop as laptop_side

    transport.pull = timed("pull", transport.pull)  # type: ignore[method-assign]
    transport.download_many = timed("download", transport.download_many)  # type: ignore[method-assign]
    spent["apply"] = 0.0
    apply_page = laptop_side.apply_page
    laptop_side.apply_page = timed("apply", apply_page)  # type: ignore[assignment]
    try:
        started = time.perf_counter()
        cpu = time.process_time()
        report = synchronise(newcomer, transport, "bench", server_url=base)
        pull = time.perf_counter() - started
        laptop_cpu = time.process_time() - cpu
    finally:
        laptop_side.apply_page = apply_page  # type: ignore[assignment]
        transport.close()
        newcomer.dispose()
    print(f"a new laptop's first pull{others}: {pull:.2f} s ({report.pulled} rows, {report.files_received} files)"
          f"  -> first pull / first push = {pull / first_push:.2f}  budget <= 1.5")
    rest = pull - spent["pull"] - spent["download"] - spent["apply"]
    scaled = spent["apply"] * APPLY_ROWS / max(1, report.pulled)
    print(f"  of which /pull requests {spent['pull']:.1f} s, file downloads {spent['download']:.1f} s, applying "
          f"pages on the laptop {spent['apply']:.1f} s, the rest {rest:.1f} s; laptop CPU {laptop_cpu:.1f} s  -> "
          f"applying per 12,000 rows {scaled:.2f} s / {APPLY_BUDGET:.0f} s budget = {scaled / APPLY_BUDGET:.2f} "
          f"(load average {os.getloadavg()[0]:.2f})")
    return pull


def apply_pages(work: Path, hazard_count: int, photo_count: int) -> None:
    """A new laptop applying a first pull's pages, alone: the pages are what the server's pull hands
    an admin (core/sync/pull_pages.pull, read here from a laptop ledger of the same data, so no
    server is needed), applied one transaction each as core/sync/run.py applies them. The photos'
    bytes do not matter here (files arrive before a page is applied): they are 2 KB."""
    from inspector_app.core.accounts import Principal
    from inspector_app.core.sync import laptop as laptop_side
    from inspector_app.core.sync import pull_pages

    print(f"a laptop applying a first pull: building {hazard_count} hazards, {photo_count} photos ...")
    source = build_laptop(work / "apply-source.sqlite", hazard_count, photo_count, photo_bytes=2048)
    admin = Principal(token_id=uuid.uuid4(), inspector="bench", role="admin", granted=frozenset())
    pages: list[list[dict[str, object]]] = []
    cursor = 0
    try:
        while True:
            with source.session() as session:
                page = pull_pages.pull(session, admin, cursor)
            pages.append(page["items"])
            cursor = int(page["cursor"])
            if not page["more"]:
                break
    finally:
        source.dispose()
    newcomer = open_database(sqlite_url(work / "apply-newcomer.sqlite"))
    rows: set[tuple[str, str]] = set()
    try:
        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        for items in pages:
            with newcomer.session() as session:
                report = laptop_side.apply_page(session, items, "bench")
                assert not report.failed, report.problems[:3]
                rows.update(report.applied)
        spent, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        newcomer.dispose()
    items_count = sum(len(items) for items in pages)
    scaled = spent * APPLY_ROWS / len(rows)
    print(f"  applied {len(rows)} rows ({items_count} items: hazards come again with later events) in "
          f"{len(pages)} pages: {spent:.2f} s wall, {cpu:.2f} s CPU, load average {load:.2f} -> per 12,000 rows "
          f"{scaled:.2f} s / {APPLY_BUDGET:.0f} s budget = {scaled / APPLY_BUDGET:.2f}")


def signature_cost(laptop: Database, first_sync: float) -> None:
    """What the laptop signatures of issue 21 add to a first sync: signing every event's hash on the
    laptop, and checking each on the server (the server's check is the same call as below)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from sqlalchemy import select

    from inspector_app.core.models import HazardEvent
    from inspector_app.core.signatures import LaptopKey, signature_valid

    with laptop.session() as session:
        hashes = list(session.scalars(select(HazardEvent.hash)))
    key = LaptopKey(Ed25519PrivateKey.generate())
    started = time.process_time()
    signed = [key.sign(digest) for digest in hashes]
    signing = time.process_time() - started
    started = time.process_time()
    assert all(signature_valid(key.public_key, digest, sig) for digest, sig in zip(hashes, signed, strict=True))
    checking = time.process_time() - started
    print(f"  signatures: {len(hashes)} events signed in {signing * 1000:.0f} ms CPU, checked in "
          f"{checking * 1000:.0f} ms CPU  -> {(signing + checking) / first_sync:.1%} of the first sync")


def postgres_cpu_seconds() -> float:
    """CPU time of every PostgreSQL process on this machine (the benchmark's server is the one that works)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, rest = text[text.index("(") + 1:text.rindex(")")], text[text.rindex(")") + 2:].split()
        if name.startswith("postgres"):
            total += int(rest[11]) + int(rest[12])  # utime, stime (fields 14 and 15 of /proc/PID/stat)
    return total / tick


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("INSPECTOR_TEST_PG_URL"))
    parser.add_argument("--hazards", type=int, default=10_000)
    parser.add_argument("--photos", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=1, help="server processes for the sync server")
    parser.add_argument("--skip-status", action="store_true")
    parser.add_argument("--other-organisations", type=int, default=0,
                        help="counties of --other-hazards hazards each pushed to the server before a new laptop of "
                             "the first county pulls (what that pull costs must not follow them)")
    parser.add_argument("--other-hazards", type=int, default=2_000)
    parser.add_argument("--clone-organisations", type=int, default=0,
                        help="after the first pull, fill the server with this many copies of the county (99: a "
                             "city of a million hazards) and pull again with a new laptop")
    parser.add_argument("--apply-only", action="store_true",
                        help="only a laptop applying a first pull's pages (no server, no PostgreSQL)")
    args = parser.parse_args()
    if args.apply_only:
        apply_pages(Path(tempfile.mkdtemp(prefix="sync-bench-")), args.hazards, args.photos)
        return
    if not args.database_url:
        sys.exit("give --database-url (a PostgreSQL server the benchmark may create databases on)")
    work = Path(tempfile.mkdtemp(prefix="sync-bench-"))
    print(f"building a laptop ledger: {args.hazards} hazards, {args.photos} photos of {PHOTO_BYTES // 1024} KB ...")
    started = time.perf_counter()
    laptop = build_laptop(work / "laptop.sqlite", args.hazards, args.photos)
    print(f"  built in {time.perf_counter() - started:.1f} s")
    url, drop = fresh_database(args.database_url)
    central = open_database(url, store_dir=work / "central-files")
    with central.session() as session:
        secret = accounts.create_token(session, "bench", "admin")[1]
    central.dispose()
    process, base = serve(url, work / "central-files", args.workers)
    print(f"sync server: serve --workers {args.workers} on PostgreSQL")
    try:
        transport = HttpTransport(base, secret)
        sent: list[int] = []
        original_push = transport.push

        def counting_push(replica_id, items):  # type: ignore[no-untyped-def]
            import json

            sent.append(len(json.dumps({"replica_id": str(replica_id), "items": items})))
            return original_push(replica_id, items)

        transport.push = counting_push  # type: ignore[method-assign]
        phases: dict[str, list[float]] = {}

        def progress(phase: str, _done: int, _total: int) -> None:
            phases.setdefault(phase, []).append(time.perf_counter())

        cpu_before = (time.process_time(), cpu_seconds(process.pid) or 0.0, postgres_cpu_seconds())
        started = time.perf_counter()
        report = synchronise(laptop, transport, "bench", server_url=base, progress=progress)
        first = time.perf_counter() - started
        cpu_after = (time.process_time(), cpu_seconds(process.pid) or 0.0, postgres_cpu_seconds())
        laptop_cpu, server_cpu, database_cpu = (after - before for after, before in zip(cpu_after, cpu_before,
                                                                                       strict=True))
        marks = [started] + [stamps[-1] for stamps in phases.values()]
        print("  phases: " + ", ".join(f"{name} until {stamps[-1] - started:.1f} s" for name, stamps in phases.items())
              + f" (the last ends at {max(marks) - started:.1f} s)")
        print(f"first sync: {first:.2f} s  (pushed {report.pushed} rows, {report.files_sent} files, "
              f"{sum(sent) / 1e6:.1f} MB of JSON)  budget < 20 s")
        print(f"  CPU: laptop {laptop_cpu:.1f} s, sync server {server_cpu:.1f} s, PostgreSQL {database_cpu:.1f} s "
              f"(sum / wall = {(laptop_cpu + server_cpu + database_cpu) / first:.2f} on {os.cpu_count()} cores)")
        signature_cost(laptop, first)
        incremental = []
        with laptop.session() as session:
            some = session.scalars(__import__("sqlalchemy").select(Hazard).limit(1)).one()
        for round_no in range(7):
            with laptop.session() as session:
                hazards.update_hazard(session, session.get(Hazard, some.id), "bench", room=f"room {round_no}")
            started = time.perf_counter()
            synchronise(laptop, transport, "bench", server_url=base)
            incremental.append(time.perf_counter() - started)
        median = statistics.median(incremental)
        print(f"incremental sync of one change: median {median * 1000:.0f} ms (min {min(incremental) * 1000:.0f}, "
              f"max {max(incremental) * 1000:.0f})  budget < 300 ms")
        transport.close()
        first_pull(args, work, url, base, secret, first)
        with laptop.session() as session:
            photos = list(session.scalars(select(Attachment.file_hash)))
        file_downloads.compare(base, county_token(url, work), process.pid, work / "central-files", photos)
        photo_paths = [p for p in (laptop.store.root).rglob("*.jpg")]
        plain = plain_upload_seconds(photo_paths, sum(sent))
        print(f"plain HTTP upload of the same bytes: {plain:.2f} s  -> first sync / plain upload = {first / plain:.2f}")
    finally:
        process.terminate()
        process.wait()
        laptop.dispose()
        drop()  # type: ignore[operator]
    if not args.skip_status:
        status_url, drop_status = fresh_database(args.database_url)
        try:
            print("status pages from PostgreSQL, two server processes:")
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / "status_server.py"), "--workers", "2",
                            "--database-url", status_url], check=False)
        finally:
            drop_status()  # type: ignore[operator]


if __name__ == "__main__":
    main()
