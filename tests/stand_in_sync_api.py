"""A small stand-in for inspector_app.web.sync.api (written elsewhere), with the same entry point:
``create_sync_app(db)``. It echoes what it was sent, so tests see what reached the sync API."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


def create_sync_app(db: object) -> Starlette:
    async def echo(request: Request) -> JSONResponse:
        body = await request.body()
        return JSONResponse({"size": len(body), "path": request.url.path, "tail": body[-4:].decode()})

    async def ping(_request: Request) -> JSONResponse:
        return JSONResponse({"pong": True, "database": type(db).__name__})

    return Starlette(routes=[Route("/echo", echo, methods=["POST", "PUT"]), Route("/ping", ping)])
