"""A city on one central server: PostgreSQL holding a million hazards of a hundred counties, a pool
of server processes, a couple of hundred laptops each syncing a few changes as an inspector's laptop
does through the day, and wrk reading status pages all the while. Prints sync latency (p50/p99), the
server's CPU per sync, the status pages' p99 under that load, and which process was busiest (the
first bottleneck). Not part of CI: it takes ten minutes or more.

    .venv/bin/python benchmarks/city.py --database-url postgresql+psycopg://USER@HOST:PORT/postgres
        [--laptops 200] [--rounds 3] [--changes 3] [--clients 4] [--workers 2] [--city-hazards 1000000]

How: a county of 10,000 hazards is built and pushed, then copied inside PostgreSQL until the server
holds --city-hazards (benchmarks/city_clone.py). Each simulated laptop is a real laptop ledger (one
school, 20 hazards, its own county and inspector token) that made its first sync before the
measurement; a round has every laptop edit --changes hazards and sync (push and pull), the laptops
shared among --clients processes, each syncing one laptop at a time (so at most --clients syncs are in
flight: a bounded crowd, as laptops spread over an hour would be). Meanwhile wrk, one connection per
server process, asks for one status page after another.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import city_clone  # noqa: E402
from benchmarks.status_server import cpu_seconds  # noqa: E402
from benchmarks.sync import build_laptop, fresh_database, postgres_cpu_seconds, serve  # noqa: E402
from inspector_app.core import accounts, hazards, structure  # noqa: E402
from inspector_app.core.db import Database, open_database, sqlite_url  # noqa: E402
from inspector_app.core.forms import load_catalogue  # noqa: E402
from inspector_app.core.models import Hazard, Organisation  # noqa: E402
from inspector_app.core.sync.run import synchronise  # noqa: E402
from inspector_app.web.sync.client import HttpTransport  # noqa: E402

SCHOOL_HAZARDS = 20


def make_laptop(work: Path, number: int, base: str, url: str) -> tuple[Path, str]:
    """A laptop of its own county, as one joins: the administrator makes the county and an inspector's
    token on the server, the new laptop's first sync brings the county down, and the inspector adds
    a school with its hazards, sent by a second sync."""
    central = open_database(url)
    try:
        with central.session() as session:
            org = structure.create_organisation(session, f"City county {number}", kind="county")
            org_id = org.id
            session.flush()
            token = accounts.create_token(session, f"inspector {number}", "inspector", [org_id])[1]
    finally:
        central.dispose()
    catalogue = load_catalogue()
    path = work / f"laptop-{number:03d}.sqlite"
    db = open_database(sqlite_url(path))
    actor = f"inspector {number}"
    try:
        _sync(db, base, token, actor)
        with db.session() as session:
            county = session.get(Organisation, org_id)
            assert county is not None, "the county did not come down with the first sync"
            site = structure.create_site(session, county, f"School {number}", code=f"C{number:03d}")
            building = structure.create_building(session, site, "Teaching building", "teaching")
            floor = structure.create_floor(session, building, "1F", 1)
            codes = list(catalogue.categories)[:10]
            for index in range(SCHOOL_HAZARDS):
                hazards.add_hazard(session, catalogue, db.store, actor=actor, category=codes[index % len(codes)],
                                   floor_id=floor.id, x=0.1 + index / 40, y=0.5, description=f"hazard {index}")
        _sync(db, base, token, actor)
    finally:
        db.dispose()
    return path, token


def _sync(db: Database, base: str, token: str, actor: str) -> None:
    transport = HttpTransport(base, token)
    try:
        report = synchronise(db, transport, actor, server_url=base)
    finally:
        transport.close()
    if report.refused or report.problems:
        raise SystemExit(f"a laptop's sync was refused: {report.refused or report.problems}")


def _client(laptops: list[tuple[str, str]], base: str, rounds: int, changes: int,
            latencies: list[float]) -> None:
    """One client process: its laptops in turn, each round a few edits and a sync, latency noted."""
    for round_no in range(rounds):
        for path, token in laptops:
            db = open_database(sqlite_url(Path(path)))
            try:
                with db.session() as session:
                    chosen = session.query(Hazard).order_by(Hazard.seq).limit(changes).all()
                    for hazard in chosen:
                        hazards.update_hazard(session, hazard, "inspector", room=f"room {round_no}")
                transport = HttpTransport(base, token)
                started = time.perf_counter()
                try:
                    synchronise(db, transport, "inspector", server_url=base)
                finally:
                    transport.close()
                latencies.append(time.perf_counter() - started)
            finally:
                db.dispose()


def _client_process(laptops: list[tuple[str, str]], base: str, rounds: int, changes: int,
                    out: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    latencies: list[float] = []
    try:
        _client(laptops, base, rounds, changes, latencies)
    finally:
        out.put(latencies)


STATUS_BURST_SECONDS = 5


def status_load(url: str, connections: int, done: threading.Event, bursts: list[tuple[float, float]]) -> None:
    """wrk on one status page in bursts of a few seconds until the syncs are done: (req/s, p99 ms) each."""
    while not done.is_set():
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{STATUS_BURST_SECONDS}s", "--latency", url],
                             capture_output=True, text=True, check=False).stdout
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
        p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
        if rps and p99:
            value, unit = float(p99.group(1)), p99.group(2)
            bursts.append((float(rps.group(1)), value / 1000 if unit == "us" else value * 1000 if unit == "s"
                           else value))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=os.environ.get("INSPECTOR_TEST_PG_URL"))
    parser.add_argument("--laptops", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--changes", type=int, default=3, help="hazards each laptop edits before each sync")
    parser.add_argument("--clients", type=int, default=4, help="client processes (syncs in flight at once)")
    parser.add_argument("--workers", type=int, default=2, help="server processes")
    parser.add_argument("--city-hazards", type=int, default=1_000_000)
    args = parser.parse_args()
    if not args.database_url:
        sys.exit("give --database-url (a PostgreSQL server the benchmark may create databases on)")
    work = Path(tempfile.mkdtemp(prefix="city-bench-"))
    url, drop = fresh_database(args.database_url)
    central = open_database(url, store_dir=work / "central-files")
    with central.session() as session:
        admin = accounts.create_token(session, "city admin", "admin")[1]
    central.dispose()
    server, base = serve(url, work / "central-files", args.workers)
    try:
        started = time.perf_counter()
        county = build_laptop(work / "county.sqlite", 10_000, 0)
        transport = HttpTransport(base, admin)
        try:
            synchronise(county, transport, "bench", server_url=base)
        finally:
            transport.close()
            county.dispose()
        copies = max(0, args.city_hazards // 10_000 - 1)
        city_clone.fill_city(url, "Bench county", copies, progress=False)
        print(f"the city: {(copies + 1) * 10_000} hazards of {copies + 1} counties "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
        started = time.perf_counter()
        laptops = [make_laptop(work, number, base, url) for number in range(args.laptops)]
        print(f"{args.laptops} laptops of {SCHOOL_HAZARDS} hazards made and synced once "
              f"({time.perf_counter() - started:.0f} s)", flush=True)
        token = _a_status_token(url)
        _report(args, "syncs alone", _measure(args, laptops, base, token, server.pid, with_status=False))
        _report(args, "syncs while wrk reads status pages as fast as they come",
                _measure(args, laptops, base, token, server.pid, with_status=True))
    finally:
        server.terminate()
        server.wait()
        drop()  # type: ignore[operator]
        shutil.rmtree(work, ignore_errors=True)


def _a_status_token(url: str) -> str:
    central = open_database(url)
    try:
        with central.session() as session:
            return str(session.query(Hazard.public_token).filter(Hazard.status == "open").limit(1).scalar())
    finally:
        central.dispose()


def _measure(args: argparse.Namespace, laptops: list[tuple[Path, str]], base: str, token: str,
             server_pid: int, with_status: bool) -> dict[str, object]:
    """The rounds of syncs (with wrk reading status pages throughout if asked); CPU of each side."""
    groups = [[(str(path), secret) for path, secret in laptops[index::args.clients]] for index in range(args.clients)]
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    cpu_before = (cpu_seconds(server_pid) or 0.0, postgres_cpu_seconds())
    started = time.perf_counter()
    clients = [multiprocessing.Process(target=_client_process, args=(group, base, args.rounds, args.changes, queue))
               for group in groups]
    for client in clients:
        client.start()
    done = threading.Event()
    bursts: list[tuple[float, float]] = []
    wrk = threading.Thread(target=status_load, args=(f"{base}/h/{token}", args.workers, done, bursts))
    if with_status and shutil.which("wrk"):
        wrk.start()
    latencies: list[float] = []
    for _client in clients:
        latencies += queue.get()
    for client in clients:
        client.join()
    wall = time.perf_counter() - started
    cpu_after = (cpu_seconds(server_pid) or 0.0, postgres_cpu_seconds())
    done.set()
    if wrk.ident is not None:
        wrk.join()
    return {"latencies": latencies, "wall": wall, "bursts": bursts,
            "server_cpu": cpu_after[0] - cpu_before[0], "database_cpu": cpu_after[1] - cpu_before[1]}


def _report(args: argparse.Namespace, title: str, measured: dict[str, object]) -> None:
    latencies = sorted(measured["latencies"])  # type: ignore[call-overload]
    if not latencies:
        sys.exit("no sync came through (see the clients' messages above)")
    wall = float(measured["wall"])  # type: ignore[arg-type]
    syncs = len(latencies)
    bursts: list[tuple[float, float]] = measured["bursts"]  # type: ignore[assignment]
    p50 = statistics.median(latencies)
    p99 = latencies[min(syncs - 1, int(syncs * 0.99))]
    server_cpu, database_cpu = float(measured["server_cpu"]), float(measured["database_cpu"])  # type: ignore[arg-type]
    print(f"{title}: {syncs} syncs of {args.changes} changes by {args.laptops} laptops over {args.clients} "
          f"clients in {wall:.0f} s ({syncs / wall:.1f} syncs/s), server processes: {args.workers}, "
          f"on {os.cpu_count()} cores")
    print(f"  sync latency: p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
    share = " (the status pages' included)" if bursts else ""
    print(f"  server CPU per sync{share}: sync server {server_cpu / syncs * 1000:.0f} ms, "
          f"PostgreSQL {database_cpu / syncs * 1000:.0f} ms")
    if bursts:
        print(f"  status pages meanwhile (wrk, {args.workers} connections, {len(bursts)} bursts of "
              f"{STATUS_BURST_SECONDS} s): median {statistics.median(b[0] for b in bursts):.0f} req/s, p99 median "
              f"{statistics.median(b[1] for b in bursts):.1f} ms, worst {max(b[1] for b in bursts):.1f} ms")
    busiest = max((("sync server", server_cpu), ("PostgreSQL", database_cpu)), key=lambda pair: pair[1])
    share = busiest[1] / (wall * (os.cpu_count() or 1))
    print(f"  busiest: {busiest[0]} at {share:.0%} of the machine's CPU over the measurement "
          f"(the clients, on the same machine, used the rest)")


if __name__ == "__main__":
    main()
