"""Slow clients against the status server: N connections from one address sending their headers a
byte a second (slowloris), while another address asks for a page now and then.

    .venv/bin/python benchmarks/hostile_clients.py [--connections 300] [--header-timeout 15]

Prints how many of the slow connections the server refused at once, how many it closed later and
when (the slowest), and how long the other client's requests took meanwhile. The server is
`inspector-app serve` on a demo SQLite ledger in its own process with its default limits (apart
from --header-timeout); the attacker binds 127.0.0.2, the visitor 127.0.0.1 (both loopback).
No asserts. Measured here (loaded 2-core machine), 300 connections, 25 s run:
before (commit 54d6230): all 300 still open at the end; visitor 47/47 answered, median 9.4 ms.
after: 236 refused with 503 within 0.2 s, the other 64 closed (408) at 15.0 s; visitor 48/48
answered, median 6.3 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.status_server import free_port, wait_for


async def slow_client(port: int, until: float) -> tuple[str, float]:
    """('refused'|'closed'|'open', seconds until the server ended it)."""
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=("127.0.0.2", 0))
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 1000
    sent = 0
    try:
        while time.monotonic() < until:
            try:
                answer = await asyncio.wait_for(reader.read(4096), timeout=1.0)
            except TimeoutError:
                answer = None
            if answer is not None:  # an answer or the end: the server acted
                kind = "refused" if b" 503 " in answer[:16] else "closed"
                return kind, time.monotonic() - started
            writer.write(request[sent:sent + 1])
            sent += 1
            await writer.drain()
        return "open", time.monotonic() - started
    except OSError:
        return "closed", time.monotonic() - started
    finally:
        writer.close()


async def visitor(port: int, path: str, until: float) -> list[float]:
    import httpx

    times = []
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                 transport=httpx.AsyncHTTPTransport(local_address="127.0.0.1")) as client:
        while time.monotonic() < until:
            begin = time.perf_counter()
            response = await client.get(path)
            times.append((time.perf_counter() - begin) * 1000 if response.status_code == 200 else float("inf"))
            await asyncio.sleep(0.5)
    return times


async def attack(port: int, path: str, connections: int, seconds: float) -> None:
    until = time.monotonic() + seconds
    slow = [asyncio.create_task(slow_client(port, until)) for _ in range(connections)]
    await asyncio.sleep(0.5)
    visits = await visitor(port, path, until)
    results = await asyncio.gather(*slow)
    for kind in ("refused", "closed", "open"):
        ended = [t for k, t in results if k == kind]
        if ended:
            print(f"slow connections {kind:8} {len(ended):4}   after {min(ended):5.1f}-{max(ended):5.1f} s")
    ok = [t for t in visits if t != float("inf")]
    print(f"visitor meanwhile: {len(ok)}/{len(visits)} pages answered 200, median {statistics.median(ok):.1f} ms,"
          f" slowest {max(ok):.1f} ms" if ok else f"visitor meanwhile: 0/{len(visits)} pages answered")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--header-timeout", type=float, default=15.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        app = [sys.executable, "-m", "inspector_app", "--db", str(Path(tmp) / "b.sqlite")]
        subprocess.run([*app, "demo"], check=True, capture_output=True)
        rows = json.loads(subprocess.run([*app, "hazard", "list"], check=True, capture_output=True, text=True).stdout)
        token = next(r["token"] for r in rows if r["status"] == "in_progress")
        port = free_port()
        server = subprocess.Popen([*app, "serve", "--port", str(port), "--header-timeout", str(args.header_timeout)],
                                  stderr=subprocess.DEVNULL)
        try:
            wait_for(port)
            print(f"{args.connections} connections sending headers a byte a second; header timeout"
                  f" {args.header_timeout:g} s, other limits at their defaults")
            asyncio.run(attack(port, f"/h/{token}.json", args.connections, args.header_timeout + 10))
        finally:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main()
