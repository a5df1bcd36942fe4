"""Status server throughput and latency over loopback: requests per second and p99 for status pages.

    .venv/bin/python benchmarks/status_server.py [--seconds 10] [--connections 32] [--workers N]
        [--database-url postgresql+psycopg://.../EMPTY_DB]

The server is `inspector-app serve` as deployed (its Guard, uvicorn options and workers) in its own
process on a demo ledger (SQLite, or the given empty database) with the rate limit raised; the load
comes from wrk (Debian package `wrk`) in another process when it is installed, else from a Python
asyncio client (which then shares the two cores and reports lower figures). Loopback only; bounded
in time. Budget (issue 6): >= 1,000 req/s and p99 < 20 ms on this 2-core machine. No asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


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
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url", help="an empty database to fill with the demo (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = ["--database-url", args.database_url] if args.database_url else ["--db", str(Path(tmp) / "b.sqlite")]
        app = [sys.executable, "-m", "inspector_app", *ledger]
        subprocess.run([*app, "demo"], check=True, capture_output=True)
        rows = json.loads(subprocess.run([*app, "hazard", "list"], check=True, capture_output=True, text=True).stdout)
        token = next(r["token"] for r in rows if r["status"] == "in_progress")
        port = free_port()
        env = {**os.environ, "INSPECTOR_RATE_PER_SECOND": "1e9", "INSPECTOR_BURST": str(10**9)}
        server = subprocess.Popen([*app, "serve", "--port", str(port), "--workers", str(args.workers),
                                   "--files", str(Path(tmp) / "files")], env=env)
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
                print(f"{label:18} {rps:8.0f} req/s   p99 {p99:6.2f} ms   ({client}, {args.connections} connections,"
                      f" {args.workers} workers;"
                      f" budget >= 1000 req/s, p99 < 20 ms)")
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
