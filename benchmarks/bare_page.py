"""The bare reference for benchmarks/status_server.py: uvicorn answering one fixed body (the status
page's own bytes, read once from BARE_PAGE_FILE) with no framework, no guard and no database, so
the status server's figures can be given as a share of what uvicorn alone does on the same machine
in the same run.

    BARE_PAGE_FILE=page.html python -m uvicorn benchmarks.bare_page:app --workers N
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

BODY = Path(os.environ["BARE_PAGE_FILE"]).read_bytes()
HEADERS = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(BODY)).encode())]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":  # lifespan: nothing to start or stop
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
