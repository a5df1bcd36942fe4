"""The sync API of the central server, mounted at /sync beside the public status pages.

Every request names the sync protocol (X-Inspector-Sync) and carries an inspector's token (Bearer);
an unknown or revoked token gets 401 and changes nothing, an older protocol gets 426 and a word to
update the program. Both are checked from the headers before a byte of the body is read; then the
body is read up to its route's cap (BODY_CAPS, which the laptop's client keeps to as well) and
checked for shape, so that input a laptop would never send is a 4xx that says what is wrong, never
a 500. Files move by content hash, small ones several to a request both ways (up: web/sync/file_batch.py,
down: web/sync/file_fetch.py), large ones in resumable chunks (web/sync/uploads.py, and GET by offset),
and are checked before they enter a store; a file the account may not see is answered for exactly as
one the server lacks.
The work itself is core.sync.server (push) and core.sync.pull_pages (pull); this module only speaks HTTP.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from inspector_app.core import signatures
from inspector_app.core.accounts import Principal, authenticate
from inspector_app.core.db import Database
from inspector_app.core.sync import pull_pages, registration, server
from inspector_app.core.sync.file_access import may_read_file, readable_files
from inspector_app.i18n import _
from inspector_app.web.sync import file_batch, file_fetch
from inspector_app.web.sync.file_batch import DIGEST, SUFFIX
from inspector_app.web.sync.uploads import Uploads

PROTOCOL_HEADER = "x-inspector-sync"
KIB, MIB = 1024, 1024 * 1024
# The largest body each route takes, in bytes (413 beyond it). The laptop's client splits what it
# sends to stay within them (web/sync/client.py), so one table serves both ends; every cap is
# within the Guard's ceiling for any body under /sync/ (guard.DEFAULT_SYNC_BODY_BYTES).
BODY_CAPS = {
    "hello": 16 * KIB,  # an id and a laptop's name
    "pull": 16 * KIB,  # a cursor
    "push": 8 * MIB,  # rows and hazard histories: 1,000 rows are about 2.5 MB
    "files/missing": 1 * MIB,  # MAX_HASHES_PER_REQUEST hashes of 67 bytes each, and room
    "files/batch": file_batch.MAX_BATCH_BYTES + file_batch.MAX_MANIFEST_BYTES + 4,
    "files/fetch": 16 * KIB,  # file_fetch.MAX_FETCH_FILES hashes of 67 bytes each, and room
    "files/chunk": 8 * MIB,  # one piece of a large file (the client sends 4 MiB)
}
MAX_HASHES_PER_REQUEST = 10_000
MAX_CHUNK_BYTES = BODY_CAPS["files/chunk"]
MAX_JSON_DEPTH = 64  # rows nest a few levels; anything deeper is not from a laptop
MAX_CURSOR = 2**63 - 1  # a PostgreSQL bigint
DOWNLOAD_CHUNK = file_fetch.LARGE_FILE_BYTES  # a GET's piece of a file too large for a batch
MAX_NAME_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


class Refused(Exception):
    """Input the API will not take: answered with ``status`` and the reason, in words."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message

    def response(self) -> JSONResponse:
        return _error(self.status, self.message)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _check_shape(data: Any, strings: bool) -> None:
    """Nothing nests deeper than MAX_JSON_DEPTH and, with ``strings``, every string is text that can
    be stored (no lone surrogate from a \\ud800 escape). Iterative, since the depth is what is
    checked; only containers are stacked, so a push of 1,000 rows costs a few milliseconds."""
    too_deep = Refused(400, _("The request nests deeper than {depth} levels.").format(depth=MAX_JSON_DEPTH))
    stack: list[tuple[dict[str, Any] | list[Any], int]] = [(data, 0)] if isinstance(data, dict | list) else []
    while stack:
        container, depth = stack.pop()
        if depth >= MAX_JSON_DEPTH:
            raise too_deep
        children = container.values() if isinstance(container, dict) else container
        if strings and isinstance(container, dict):
            _check_strings(container.keys())
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif strings and isinstance(child, str):
                _check_strings((child,))


def _check_strings(texts: Any) -> None:
    for text in texts:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise Refused(400, _("The request holds text that is not valid Unicode.")) from None


def decode_json(body: bytes) -> dict[str, Any]:
    """A JSON object as a laptop sends it, or Refused (400) saying what is wrong with it."""
    try:
        data = json.loads(body or b"{}", parse_constant=_no_constant)
    except RecursionError:
        raise Refused(400, _("The request nests deeper than {depth} levels.").format(depth=MAX_JSON_DEPTH)) from None
    except ValueError:
        raise Refused(400, _("The request is not JSON.")) from None
    if not isinstance(data, dict):
        raise Refused(400, _("The request is not a JSON object."))
    # Only a \\uD800-\\uDFFF escape makes a surrogate: without one (nearly always) no string is looked at.
    _check_shape(data, strings=_ESCAPED_SURROGATE.search(body) is not None)
    return data


def _replica_id(data: dict[str, Any]) -> uuid.UUID:
    value = data.get("replica_id")
    try:
        if not isinstance(value, str):
            raise ValueError(value)
        return uuid.UUID(value)
    except ValueError:
        raise Refused(400, _("The laptop's id is missing or malformed.")) from None


def _public_key(data: dict[str, Any]) -> str | None:
    value = data.get("public_key")
    if value is None:
        return None
    try:
        return signatures.checked_public_key(value)
    except signatures.BadKey:
        raise Refused(400, _("The laptop's public key is malformed (base64 of a 32-byte Ed25519 key).")) from None


def _whole_number(data: dict[str, Any], name: str, default: int) -> int:
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_CURSOR:
        raise Refused(400, _("'{name}' must be a whole number from 0 to {top}.").format(name=name, top=MAX_CURSOR))
    return value


def _laptop_name(data: dict[str, Any]) -> str:
    name = data.get("name", "")
    if not isinstance(name, str) or _CONTROL.search(name):
        raise Refused(400, _("The laptop's name must be text without control characters."))
    return name[:MAX_NAME_CHARS]


def _hashes(data: dict[str, Any], most: int = MAX_HASHES_PER_REQUEST) -> list[str]:
    hashes = data.get("hashes")
    if not isinstance(hashes, list) or len(hashes) > most or not all(
            isinstance(h, str) and DIGEST.match(h) for h in hashes):
        raise Refused(400, _("'hashes' must be a list of at most {count} file hashes.").format(count=most))
    return hashes


def _push_items(data: dict[str, Any]) -> list[dict[str, Any]]:
    items = data.get("items")
    if not isinstance(items, list) or not all(
            isinstance(i, dict) and isinstance(i.get("entity"), str) and isinstance(i.get("row", {}), dict)
            and isinstance(i.get("events", []), list) for i in items):
        raise Refused(400, _("A push carries a list of items, each naming its kind of record."))
    return items


class SyncApi:
    def __init__(self, db: Database, caps: dict[str, int] | None = None) -> None:
        """``caps``: BODY_CAPS unless a test wants smaller ones (the client is then given the same)."""
        self.db = db
        self.caps = {**BODY_CAPS, **(caps or {})}
        self.uploads = Uploads(db.store)

    def _principal(self, request: Request) -> Principal | None:
        header = request.headers.get("authorization", "")
        secret = header[7:].strip() if header.lower().startswith("bearer ") else ""
        with self.db.session() as session:
            return authenticate(session, secret)

    async def _guard(self, request: Request) -> Principal:
        """Who is asking, from the headers alone: nothing of the body has been read yet."""
        version = request.headers.get(PROTOCOL_HEADER, "")
        if version != str(registration.PROTOCOL_VERSION):
            raise Refused(426, _("This server speaks sync protocol {ours}; the program sent '{theirs}'. "
                                 "Update the program.").format(ours=registration.PROTOCOL_VERSION, theirs=version[:40]))
        principal = await run_in_threadpool(self._principal, request)
        if principal is None:
            raise Refused(401, _("Unknown or revoked token."))
        return principal

    async def _body(self, request: Request, route: str) -> bytes:
        """The body, read only now and only up to the route's cap (the Guard cuts off one that
        arrives too slowly)."""
        cap = self.caps[route]
        too_large = Refused(413, _("The request is too large: at most {cap} bytes here.").format(cap=cap))
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            raise too_large
        body = bytearray()
        try:
            async for chunk in request.stream():
                body += chunk
                if len(body) > cap:
                    raise too_large
        except ClientDisconnect:
            raise Refused(400, _("The request body did not arrive whole.")) from None
        return bytes(body)

    async def _authorised_json(self, request: Request, route: str) -> tuple[Principal, dict[str, Any]]:
        principal = await self._guard(request)
        return principal, decode_json(await self._body(request, route))

    async def hello(self, request: Request) -> Response:
        principal, data = await self._authorised_json(request, "hello")
        replica_id, name, public_key = _replica_id(data), _laptop_name(data), _public_key(data)

        def work() -> dict[str, Any]:
            with self.db.session() as session:
                return registration.hello(session, principal, replica_id, name, public_key)

        try:
            return JSONResponse(await run_in_threadpool(work))
        except registration.ReplicaClaimed:
            return _error(403, _("This laptop was registered with another account's token; sync it with that "
                                 "token, or ask the administrator."))
        except signatures.KeyTaken:
            # The laptop answers by making a new key pair (web.sync.client): a retired key signs nothing.
            return _error(409, _("This signing key belongs to another account or laptop, or was retired with "
                                 "its token; the laptop must make a new one."))

    async def pull(self, request: Request) -> Response:
        principal, data = await self._authorised_json(request, "pull")
        cursor = _whole_number(data, "cursor", 0)
        limit = _whole_number(data, "limit", pull_pages.PULL_PAGE_LIMIT)

        def work() -> bytes:
            with self.db.session() as session:
                if session.get_bind().dialect.name == "postgresql":
                    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
                return pull_pages.pull_json(session, principal, cursor, limit)

        return Response(await run_in_threadpool(work), media_type="application/json")

    async def push(self, request: Request) -> Response:
        principal, data = await self._authorised_json(request, "push")
        items, replica_id = _push_items(data), _replica_id(data)

        def work() -> dict[str, Any]:
            with self.db.session() as session:
                try:
                    return server.push(session, self.db.store, principal, replica_id, items)
                except server.PushTooLarge as exc:  # refused whole, before anything is applied
                    raise Refused(413, str(exc)) from exc

        return JSONResponse(await run_in_threadpool(work))

    def _visible(self, principal: Principal, digests: list[str]) -> set[str]:
        """The hashes the store holds and the account may see; for any other hash, the answer is
        the one for a file the server lacks."""
        held = [d for d in digests if self.db.store.find(d) is not None]
        if not held:
            return set()
        with self.db.session() as session:
            return readable_files(session, principal, held)

    async def missing_files(self, request: Request) -> Response:
        principal, data = await self._authorised_json(request, "files/missing")
        hashes = _hashes(data)
        visible = await run_in_threadpool(self._visible, principal, hashes)
        return JSONResponse({"missing": [h for h in hashes if h not in visible]})

    async def file_size(self, request: Request) -> Response:
        principal = await self._guard(request)
        digest = request.path_params["digest"]
        if not DIGEST.match(digest):
            return _error(400, _("Not a file hash."))
        if await run_in_threadpool(self._visible, principal, [digest]):
            return JSONResponse({"size": None, "complete": True})
        return JSONResponse({"size": self.uploads.size(principal.token_id, digest), "complete": False})

    async def upload(self, request: Request) -> Response:
        principal = await self._guard(request)
        digest = request.path_params["digest"]
        suffix = request.query_params.get("suffix", "")
        if not DIGEST.match(digest) or not SUFFIX.match(suffix):
            return _error(400, _("Not a file hash."))
        offset_text = request.query_params.get("offset", "0")
        if not offset_text.isdigit() or len(offset_text) > 18:
            return _error(400, _("The offset must be a whole number."))
        if await run_in_threadpool(self._visible, principal, [digest]):
            return JSONResponse({"complete": True})
        chunk = await self._body(request, "files/chunk")
        final = request.query_params.get("final") == "1"
        result = await run_in_threadpool(self.uploads.append, principal.token_id, digest, suffix, int(offset_text),
                                         chunk, final)
        if result.outcome == "resume":
            return JSONResponse({"error": _("Resume from the size the server holds."), "size": result.size}, 409)
        if result.outcome == "quota":
            return _error(413, _("Too many unfinished uploads from this account, or a file too large; finish "
                                 "them or wait a day for them to expire."))
        if result.outcome == "mismatch":
            return _error(422, _("The file that arrived does not match its hash; send it again."))
        return JSONResponse({"size": result.size, "complete": result.outcome == "complete"})

    async def upload_batch(self, request: Request) -> Response:
        """Several small files in one body (web/sync/file_batch.py): each is stored if its bytes hash to
        its name, and the answer says per file "stored" or "mismatch"; a file the server held already
        is "stored" too, so that the answer never tells which files exist."""
        await self._guard(request)
        body = await self._body(request, "files/batch")
        try:
            files = file_batch.decode(body)
        except file_batch.BatchError as exc:
            return _error(400, _("Not a batch of files: {problem}.").format(problem=exc))
        return JSONResponse({"results": await run_in_threadpool(self._store_batch, files)})

    def _store_batch(self, files: list[file_batch.BatchFile]) -> dict[str, str]:
        results: dict[str, str] = {}
        for item in files:
            try:
                self.db.store.put(item.data, item.suffix, expected=item.digest)  # free if held already
            except ValueError:
                results[item.digest] = "mismatch"
            else:
                results[item.digest] = "stored"
        return results

    def _may_read(self, principal: Principal, digest: str) -> bool:
        with self.db.session() as session:
            return may_read_file(session, principal, digest)

    async def fetch_files(self, request: Request) -> Response:
        """Many small files in one streamed answer (web/sync/file_fetch.py); a file the account may not
        read is listed as "missing", as one the server lacks."""
        principal, data = await self._authorised_json(request, "files/fetch")
        hashes = _hashes(data, file_fetch.MAX_FETCH_FILES)

        def work() -> file_fetch.Planned:
            return file_fetch.plan(self.db.store, hashes, self._visible(principal, hashes))

        planned = await run_in_threadpool(work)
        return StreamingResponse(file_fetch.stream(planned), media_type="application/octet-stream",
                                 headers={"content-length": str(planned.length)})

    async def download(self, request: Request) -> Response:
        principal = await self._guard(request)
        digest = request.path_params["digest"]
        if not DIGEST.match(digest):
            return _error(400, _("Not a file hash."))
        path = self.db.store.find(digest)
        if path is None or not await run_in_threadpool(self._may_read, principal, digest):
            # The same answer either way: a refusal must not tell that the file exists.
            return _error(404, _("The server does not have this file."))
        offset_text = request.query_params.get("offset", "0")
        if not offset_text.isdigit() or len(offset_text) > 18:
            return _error(400, _("The offset must be a whole number."))
        data = await run_in_threadpool(_read_slice, path, int(offset_text), DOWNLOAD_CHUNK)
        total = path.stat().st_size
        return Response(data, 200, media_type="application/octet-stream",
                        headers={"x-total-size": str(total), "x-file-suffix": path.name[len(digest):]})


def _read_slice(path: Path, offset: int, length: int) -> bytes:
    with path.open("rb") as fh:
        fh.seek(offset)
        return fh.read(length)


async def _refused(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Refused)
    return exc.response()


def create_sync_app(db: Database, caps: dict[str, int] | None = None) -> ASGIApp:
    api = SyncApi(db, caps)
    return Starlette(exception_handlers={Refused: _refused}, routes=[
        Route("/hello", api.hello, methods=["POST"]),
        Route("/pull", api.pull, methods=["POST"]),
        Route("/push", api.push, methods=["POST"]),
        Route("/files/missing", api.missing_files, methods=["POST"]),
        Route("/files/batch", api.upload_batch, methods=["POST"]),
        Route("/files/fetch", api.fetch_files, methods=["POST"]),
        Route("/files/{digest}/size", api.file_size, methods=["GET"]),
        Route("/files/{digest}", api.upload, methods=["PUT"]),
        Route("/files/{digest}", api.download, methods=["GET"]),
    ])
