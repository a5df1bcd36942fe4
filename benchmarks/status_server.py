"""Status server throughput and latency over loopback: requests per second and p99 for status pages.

    .venv/bin/python benchmarks/status_server.py [--seconds 10] [--connections 32]

The server runs in its own process on a demo ledger (SQLite) with the rate limit raised; the load
comes from wrk (Debian package `wrk`) in another process when it is installed, else from a Python
asyncio client (which then shares the two cores and reports lower figures). Loopback only; bounded
in time. Budget (issue 6): >= 1,000 req/s and p99 < 20 ms on this 2-core machine. No asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SERVER = """
import sys, uvicorn
from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.forms import load_catalogue
from inspector_app.web.app import create_app
db = open_database(sqlite_url(sys.argv[1]))
uvicorn.run(create_app(db, load_catalogue(), rate_per_second=1e9, burst=10**9), host="127.0.0.1",
            port=int(sys.argv[2]), log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def run_wrk(url: str, seconds: int, connections: int) -> tuple[float, float]:
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    assert p99 is not None and "Non-2xx" not in out, out
    value, unit = float(p99.group(1)), p99.group(2)
    return rps, value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


async def python_client(url: str, seconds: int, connections: int) -> tuple[float, float]:
    import httpx

    latencies: list[float] = []
    stop = time.monotonic() + seconds

    async def worker(client: httpx.AsyncClient) -> None:
        while time.monotonic() < stop:
            start = time.perf_counter()
            response = await client.get(url)
            response.raise_for_status()
            latencies.append((time.perf_counter() - start) * 1000)

    begin = time.monotonic()
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=connections)) as client:
        await asyncio.gather(*(worker(client) for _ in range(connections)))
    return len(latencies) / (time.monotonic() - begin), statistics.quantiles(latencies, n=100)[98]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite"
        subprocess.run([sys.executable, "-m", "inspector_app", "--db", str(db), "demo"], check=True,
                       capture_output=True)
        rows = json.loads(subprocess.run([sys.executable, "-m", "inspector_app", "--db", str(db), "hazard", "list"],
                                         check=True, capture_output=True, text=True).stdout)
        token = next(r["token"] for r in rows if r["status"] == "in_progress")
        port = free_port()
        server = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)])
        try:
            wait_for(port)
            for label, path in (("status page (zh)", f"/h/{token}"), ("status page (en)", f"/h/{token}?lang=en"),
                                ("JSON", f"/h/{token}.json")):
                url = f"http://127.0.0.1:{port}{path}"
                if shutil.which("wrk"):
                    rps, p99 = run_wrk(url, args.seconds, args.connections)
                    client = "wrk"
                else:
                    rps, p99 = asyncio.run(python_client(url, args.seconds, args.connections))
                    client = "python"
                print(f"{label:18} {rps:8.0f} req/s   p99 {p99:6.2f} ms   ({client}, {args.connections} connections;"
                      f" budget >= 1000 req/s, p99 < 20 ms)")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
