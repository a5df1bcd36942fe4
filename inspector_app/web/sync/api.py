"""The sync API of the central server, mounted at /sync beside the public status pages.

Every request names the sync protocol (X-Inspector-Sync) and carries an inspector's token (Bearer);
an unknown or revoked token gets 401 and changes nothing, an older protocol gets 426 and a word to
update the program. Files move by content hash, small ones several to a request
(web/sync/file_batch.py), large ones in resumable chunks, and are checked before they enter the store.
The work itself is core.sync.server; this module only speaks HTTP.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from inspector_app.core.accounts import Principal, authenticate
from inspector_app.core.db import Database
from inspector_app.core.store import sha256_file
from inspector_app.core.sync import server
from inspector_app.i18n import _
from inspector_app.web.sync import file_batch
from inspector_app.web.sync.file_batch import DIGEST, SUFFIX

PROTOCOL_HEADER = "x-inspector-sync"
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_CHUNK_BYTES = 16 * 1024 * 1024
DOWNLOAD_CHUNK = 8 * 1024 * 1024


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status)


def _replica_id(data: dict[str, Any]) -> uuid.UUID | Response:
    try:
        return uuid.UUID(str(data.get("replica_id")))
    except ValueError:
        return _error(400, _("The laptop's id is missing or malformed."))


class SyncApi:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _principal(self, request: Request) -> Principal | None:
        header = request.headers.get("authorization", "")
        secret = header[7:].strip() if header.lower().startswith("bearer ") else ""
        with self.db.session() as session:
            return authenticate(session, secret)

    async def _guard(self, request: Request) -> Principal | Response:
        version = request.headers.get(PROTOCOL_HEADER, "")
        if version != str(server.PROTOCOL_VERSION):
            return _error(426, _("This server speaks sync protocol {ours}; the program sent '{theirs}'. "
                                 "Update the program.").format(ours=server.PROTOCOL_VERSION, theirs=version))
        principal = await run_in_threadpool(self._principal, request)
        if principal is None:
            return _error(401, _("Unknown or revoked token."))
        return principal

    async def _json(self, request: Request) -> dict[str, Any] | Response:
        body = await request.body()
        if len(body) > MAX_JSON_BYTES:
            return _error(413, _("The request is too large."))
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return _error(400, _("The request is not JSON."))
        if not isinstance(data, dict):
            return _error(400, _("The request is not a JSON object."))
        return data

    async def _authorised_json(self, request: Request) -> tuple[Principal, dict[str, Any]] | Response:
        """The account and the JSON body of a request, or the answer that refuses it."""
        principal = await self._guard(request)
        if isinstance(principal, Response):
            return principal
        data = await self._json(request)
        if isinstance(data, Response):
            return data
        return principal, data

    async def hello(self, request: Request) -> Response:
        checked = await self._authorised_json(request)
        if isinstance(checked, Response):
            return checked
        principal, data = checked
        replica_id = _replica_id(data)
        if isinstance(replica_id, Response):
            return replica_id

        def work() -> dict[str, Any]:
            with self.db.session() as session:
                return server.hello(session, principal, replica_id, str(data.get("name", "")))

        return JSONResponse(await run_in_threadpool(work))

    async def pull(self, request: Request) -> Response:
        checked = await self._authorised_json(request)
        if isinstance(checked, Response):
            return checked
        principal, data = checked
        try:
            cursor, limit = int(data.get("cursor", 0)), int(data.get("limit", server.PULL_PAGE_LIMIT))
        except (TypeError, ValueError):
            return _error(400, _("The cursor must be a number."))

        def work() -> dict[str, Any]:
            with self.db.session() as session:
                if session.get_bind().dialect.name == "postgresql":
                    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                return server.pull(session, principal, cursor, limit)

        return JSONResponse(await run_in_threadpool(work))

    async def push(self, request: Request) -> Response:
        checked = await self._authorised_json(request)
        if isinstance(checked, Response):
            return checked
        principal, data = checked
        items = data.get("items")
        if not isinstance(items, list) or not all(
                isinstance(i, dict) and isinstance(i.get("row", {}), dict) and isinstance(i.get("events", []), list)
                for i in items):
            return _error(400, _("A push carries a list of items."))
        if len(items) > server.MAX_PUSH_ITEMS:
            return _error(413, _("A push carries at most {limit} rows; this one had {count}.").format(
                limit=server.MAX_PUSH_ITEMS, count=len(items)))
        replica_id = _replica_id(data)
        if isinstance(replica_id, Response):
            return replica_id

        def work() -> dict[str, Any]:
            with self.db.session() as session:
                return server.push(session, self.db.store, principal, replica_id, items)

        return JSONResponse(await run_in_threadpool(work))

    async def missing_files(self, request: Request) -> Response:
        checked = await self._authorised_json(request)
        if isinstance(checked, Response):
            return checked
        _principal, data = checked
        hashes = [h for h in data.get("hashes", []) if isinstance(h, str) and DIGEST.match(h)]
        return JSONResponse({"missing": [h for h in hashes if self.db.store.find(h) is None]})

    async def file_size(self, request: Request) -> Response:
        principal = await self._guard(request)
        if isinstance(principal, Response):
            return principal
        digest = request.path_params["digest"]
        if not DIGEST.match(digest):
            return _error(400, _("Not a file hash."))
        if self.db.store.find(digest) is not None:
            return JSONResponse({"size": None, "complete": True})
        partial = self.db.store.partial_path(digest, "upload")
        return JSONResponse({"size": partial.stat().st_size if partial.exists() else 0, "complete": False})

    async def upload(self, request: Request) -> Response:
        principal = await self._guard(request)
        if isinstance(principal, Response):
            return principal
        digest = request.path_params["digest"]
        suffix = request.query_params.get("suffix", "")
        if not DIGEST.match(digest) or not SUFFIX.match(suffix):
            return _error(400, _("Not a file hash."))
        if self.db.store.find(digest) is not None:
            return JSONResponse({"complete": True})
        try:
            offset = int(request.query_params.get("offset", "0"))
        except ValueError:
            return _error(400, _("The offset must be a number."))
        chunk = await request.body()
        if len(chunk) > MAX_CHUNK_BYTES:
            return _error(413, _("The request is too large."))
        final = request.query_params.get("final") == "1"
        return await run_in_threadpool(self._store_chunk, digest, suffix, offset, chunk, final)

    async def upload_batch(self, request: Request) -> Response:
        """Several small files in one body (web/sync/file_batch.py): each is stored if its bytes hash to
        its name, and the answer says per file "stored", "present" (already here) or "mismatch"."""
        principal = await self._guard(request)
        if isinstance(principal, Response):
            return principal
        body = await request.body()
        if len(body) > file_batch.MAX_BATCH_BYTES + file_batch.MAX_MANIFEST_BYTES + 4:
            return _error(413, _("The request is too large."))
        try:
            files = file_batch.decode(body)
        except file_batch.BatchError as exc:
            return _error(400, _("Not a batch of files: {problem}.").format(problem=exc))
        return JSONResponse({"results": await run_in_threadpool(self._store_batch, files)})

    def _store_batch(self, files: list[file_batch.BatchFile]) -> dict[str, str]:
        results: dict[str, str] = {}
        for item in files:
            if self.db.store.find(item.digest) is not None:
                results[item.digest] = "present"
                continue
            try:
                self.db.store.put(item.data, item.suffix, expected=item.digest)
            except ValueError:
                results[item.digest] = "mismatch"
            else:
                results[item.digest] = "stored"
        return results

    def _may_read(self, principal: Principal, digest: str) -> bool:
        with self.db.session() as session:
            return server.may_read_file(session, principal, digest)

    def _store_chunk(self, digest: str, suffix: str, offset: int, chunk: bytes, final: bool) -> Response:
        partial = self.db.store.partial_path(digest, "upload")
        size = partial.stat().st_size if partial.exists() else 0
        if offset != size:
            return JSONResponse({"error": _("Resume from the size the server holds."), "size": size}, 409)
        with partial.open("ab") as fh:
            fh.write(chunk)
        if not final:
            return JSONResponse({"size": size + len(chunk), "complete": False})
        if sha256_file(partial) != digest:
            partial.unlink(missing_ok=True)
            return _error(422, _("The file that arrived does not match its hash; send it again."))
        self.db.store.adopt(partial, digest, suffix)
        return JSONResponse({"size": size + len(chunk), "complete": True})

    async def download(self, request: Request) -> Response:
        principal = await self._guard(request)
        if isinstance(principal, Response):
            return principal
        digest = request.path_params["digest"]
        if not DIGEST.match(digest):
            return _error(400, _("Not a file hash."))
        path = self.db.store.find(digest)
        if path is None or not await run_in_threadpool(self._may_read, principal, digest):
            # The same answer either way: a refusal must not tell that the file exists.
            return _error(404, _("The server does not have this file."))
        try:
            offset = max(0, int(request.query_params.get("offset", "0")))
        except ValueError:
            return _error(400, _("The offset must be a number."))
        data = await run_in_threadpool(_read_slice, path, offset, DOWNLOAD_CHUNK)
        total = path.stat().st_size
        return Response(data, 200, media_type="application/octet-stream",
                        headers={"x-total-size": str(total), "x-file-suffix": path.name[len(digest):]})


def _read_slice(path: Path, offset: int, length: int) -> bytes:
    with path.open("rb") as fh:
        fh.seek(offset)
        return fh.read(length)


def create_sync_app(db: Database) -> ASGIApp:
    api = SyncApi(db)
    return Starlette(routes=[
        Route("/hello", api.hello, methods=["POST"]),
        Route("/pull", api.pull, methods=["POST"]),
        Route("/push", api.push, methods=["POST"]),
        Route("/files/missing", api.missing_files, methods=["POST"]),
        Route("/files/batch", api.upload_batch, methods=["POST"]),
        Route("/files/{digest}/size", api.file_size, methods=["GET"]),
        Route("/files/{digest}", api.upload, methods=["PUT"]),
        Route("/files/{digest}", api.download, methods=["GET"]),
    ])
