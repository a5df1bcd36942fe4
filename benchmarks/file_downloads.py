"""Files down against a plain HTTP download of the same bytes (issue 23: at most 1.3x), for
benchmarks/sync.py: the laptop's batched download (POST /sync/files/fetch, HttpTransport.download_many)
into an empty store, the one-GET-per-file download it replaced, and a bare uvicorn app answering
GET /{digest} with the file, fetched one after another by httpx and written to disk.

Rounds alternate plain and batched so that both see the same noise on a shared machine; each prints
wall time, this process's CPU (the laptop's side) and the server's CPU, and the ratio to the plain
download of the same round. Prints figures; asserts nothing.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from benchmarks.status_server import cpu_seconds, free_port, wait_for
from inspector_app.core.db import Database, open_database, sqlite_url
from inspector_app.web.sync.client import HttpTransport

_PLAIN_SERVER = """
import sys, uvicorn
from pathlib import Path
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
root = Path(sys.argv[2])
async def get(request):
    digest = request.path_params["digest"]
    return Response((root / digest[:2] / request.query_params["name"]).read_bytes())
uvicorn.run(Starlette(routes=[Route("/{digest}", get)]), host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""


def _server_cpu(pid: int) -> float:
    """The server's CPU seconds, its workers included (0 once it has gone)."""
    return cpu_seconds(pid) or 0.0


def _measure(run: Callable[[], None], server_pid: int) -> tuple[float, float, float]:
    wall, cpu, server = time.perf_counter(), time.process_time(), _server_cpu(server_pid)
    run()
    return time.perf_counter() - wall, time.process_time() - cpu, _server_cpu(server_pid) - server


def _plain(port: int, names: list[str], sink: Path) -> None:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
        for name in names:
            (sink / name).write_bytes(client.get(f"/{name[:64]}", params={"name": name}).content)


def _into_new_laptop(work: Path, fetch: Callable[[HttpTransport, Database], None], base: str, token: str,
                     server_pid: int) -> tuple[float, float, float]:
    """Measure ``fetch`` into a new laptop's store; the ledger is made first, outside the timing."""
    laptop = open_database(sqlite_url(work / "laptop.sqlite"), store_dir=work / "files")
    transport = HttpTransport(base, token)
    try:
        return _measure(lambda: fetch(transport, laptop), server_pid)
    finally:
        transport.close()
        laptop.dispose()


def _round(round_no: int, work: Path, port: int, plain_pid: int, names: list[str], base: str, token: str,
           server_pid: int, digests: list[str]) -> tuple[float, float]:
    (work / "plain").mkdir()
    plain = _measure(lambda: _plain(port, names, work / "plain"), plain_pid)
    batched = _into_new_laptop(work / "batched", lambda t, db: t.download_many(digests, db), base, token, server_pid)
    ratio, cpu_ratio = batched[0] / plain[0], batched[1] / plain[1]
    print(f"  round {round_no + 1}: plain HTTP download {plain[0]:.2f} s ({plain[1]:.2f}, {plain[2]:.2f})"
          f"  batched {batched[0]:.2f} s ({batched[1]:.2f}, {batched[2]:.2f})"
          f"  -> batched / plain = {ratio:.2f} (budget 1.3), laptop CPU {cpu_ratio:.2f}")
    if round_no == 0:
        def one_by_one(transport: HttpTransport, laptop: Database) -> None:
            for digest in digests:
                transport.download(digest, laptop)

        single = _into_new_laptop(work / "single", one_by_one, base, token, server_pid)
        print(f"  one GET per file (before batches): {single[0]:.2f} s ({single[1]:.2f}, {single[2]:.2f})"
              f"  -> / plain = {single[0] / plain[0]:.2f}")
    return ratio, cpu_ratio


def compare(base: str, token: str, server_pid: int, central_files: Path, digests: list[str], rounds: int = 5) -> None:
    """``digests``: files the token may read, held in ``central_files`` (the sync server's store)."""
    names = [next((central_files / d[:2]).glob(f"{d}*")).name for d in digests]
    total = sum((central_files / n[:2] / n).stat().st_size for n in names)
    port = free_port()
    plain_server = subprocess.Popen([sys.executable, "-c", _PLAIN_SERVER, str(port), str(central_files)])
    wait_for(port)
    print(f"files down: {len(digests)} files, {total / 1e6:.0f} MB (wall s, laptop CPU s, server CPU s)")
    ratios: list[tuple[float, float]] = []
    try:
        for round_no in range(rounds):
            work = Path(tempfile.mkdtemp(prefix="downloads-"))
            try:
                ratios.append(_round(round_no, work, port, plain_server.pid, names, base, token, server_pid,
                                     digests))
            finally:
                shutil.rmtree(work, ignore_errors=True)
    finally:
        plain_server.terminate()
        plain_server.wait()
    print(f"files down / plain HTTP download: median {statistics.median(r[0] for r in ratios):.2f} of {rounds} "
          f"paired rounds (laptop CPU: {statistics.median(r[1] for r in ratios):.2f})")
