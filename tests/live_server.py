"""Real servers on free loopback ports: an ASGI app under uvicorn run exactly as `serve` runs it
(in this process), or `inspector-app ... serve` itself as a separate process; and the wait, in real
time, until a change shows on a server's status pages."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import httpx
import uvicorn
from starlette.types import ASGIApp

from inspector_app.web.public.versions import FRESH_SECONDS
from inspector_app.web.server_config import UVICORN_OPTIONS


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def live_server(app: ASGIApp) -> Iterator[httpx.Client]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **UVICORN_OPTIONS))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def serve_process(ledger_args: Sequence[str], *options: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """`inspector-app LEDGER_ARGS serve --port P OPTIONS` until it answers /healthz; yields the port,
    and stops the process afterwards (killed if it will not stop)."""
    with serve_process_handle(ledger_args, *options, env=env) as (port, _process):
        yield port


@contextmanager
def serve_process_handle(ledger_args: Sequence[str], *options: str,
                         env: dict[str, str] | None = None) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """serve_process, yielding the process too (its id, to look at its memory). Its messages go to a
    file, not a pipe: a pipe nobody reads fills, and a server writing a long traceback then hangs.
    With INSPECTOR_TEST_SERVER_LOG set, they are added to that file at the end (a 500's traceback)."""
    port = free_port()
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([sys.executable, "-m", "inspector_app", *ledger_args, "serve", "--port", str(port),
                                    *options], stdout=subprocess.DEVNULL, stderr=log,
                                   env={**os.environ, **(env or {})})

        def messages() -> str:
            log.seek(0)
            return log.read().decode(errors="replace")

        try:
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, messages()
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.1)
            yield port, process
        finally:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)
            if os.environ.get("INSPECTOR_TEST_SERVER_LOG"):
                with open(os.environ["INSPECTOR_TEST_SERVER_LOG"], "a", encoding="utf-8") as out:
                    out.write(messages())


def after_the_status_bound(changed_at: float) -> None:
    """Sleeps until the status pages' freshness bound has passed since ``changed_at`` (time.monotonic()
    taken once the change had committed): from then on every server process shows it."""
    time.sleep(max(0.0, changed_at + FRESH_SECONDS - time.monotonic()))
