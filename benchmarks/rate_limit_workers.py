"""What one client gets through the rate limit of `serve --workers N`: each worker process keeps its
own token buckets (web/guard.py), so a client's allowance depends on how its requests spread over
the workers. This prints, for N = 1, 2, ... workers, how many requests of a burst of REQUESTS are
answered (not 429) when the configured burst is BURST and the refill rate about zero:

  * over one kept-alive connection (a phone, a laptop: one worker serves it all along);
  * over a new connection per request (the kernel hands each to whichever worker accepts first).

    .venv/bin/python benchmarks/rate_limit_workers.py [--workers 1 2 4] [--burst 20] [--requests 200]
        [--database-url postgresql+psycopg://.../EMPTY_DB]

Loopback only; no asserts. Measured here (2 cores, SQLite demo ledger, burst 20, 200 requests):
one kept-alive connection 20 answered with 1, 2 and 4 workers; a new connection each 20, 40 and 69
(docs/shared-ledger.md, "Trust model: the HTTP layer", says what follows from it).
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def count_answered(port: int, requests: int, keep_alive: bool) -> int:
    answered = 0
    if keep_alive:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            return sum(client.get("/healthz").status_code == 200 for _ in range(requests))
    for _ in range(requests):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            answered += client.get("/healthz").status_code == 200
    return answered


def serve(app: list[str], workers: int, burst: int, files: Path) -> tuple[int, subprocess.Popen[bytes]]:
    port = free_port()
    env = {**os.environ, "INSPECTOR_RATE_PER_SECOND": "0.0001", "INSPECTOR_BURST": str(burst)}
    process = subprocess.Popen([*app, "serve", "--port", str(port), "--workers", str(workers), "--files", str(files),
                                "--max-connections-per-client", "100000"], env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    time.sleep(1.5 if workers > 1 else 0.3)  # every worker listening
    return port, process


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--burst", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", help="an empty database (default: a SQLite ledger)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ledger = ["--database-url", args.database_url] if args.database_url else ["--db", str(Path(tmp) / "b.sqlite")]
        app = [sys.executable, "-m", "inspector_app", *ledger]
        subprocess.run([*app, "demo"], check=True, capture_output=True)
        for workers in args.workers:
            for keep_alive in (True, False):
                port, process = serve(app, workers, args.burst, Path(tmp) / "files")  # fresh buckets each time
                try:
                    answered = count_answered(port, args.requests, keep_alive)
                finally:
                    process.terminate()
                    process.wait(20)
                how = "one kept-alive connection" if keep_alive else "a new connection each"
                print(f"{workers} worker(s), {how:26}: {answered:4} of {args.requests} answered "
                      f"(burst {args.burst}; at most {workers * args.burst} if every worker's bucket is used)",
                      flush=True)


if __name__ == "__main__":
    main()
