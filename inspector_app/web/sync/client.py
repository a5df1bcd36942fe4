"""The laptop's end of the sync API over HTTP (httpx): requests with the token and the protocol
version, retries with backoff for a network that drops, and resumable file transfer by hash.

A broken connection during a file resumes from what the other side already holds; a file whose
bytes do not hash to its name is never put in the store. Photos and other small files go several
to a request both ways (up: web/sync/file_batch.py, down: web/sync/file_fetch.py), a few requests at
once. Every request keeps within its route's cap (web/sync/api.py BODY_CAPS): a push too large for
one request goes as several.
"""

from __future__ import annotations

import errno
import json
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

import httpx

from inspector_app.core import signatures
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.store import FileStore, sha256_file
from inspector_app.core.sync.registration import PROTOCOL_VERSION
from inspector_app.i18n import _
from inspector_app.web.sync import file_batch, file_fetch
from inspector_app.web.sync.api import BODY_CAPS, MAX_HASHES_PER_REQUEST, PROTOCOL_HEADER

UPLOAD_CHUNK = 4 * 1024 * 1024
# Requests in flight at once: one batch's round trips and the server's disk writes overlap another's
# transfer. More gains nothing on two cores shared by the laptop, the server and its database.
FILE_WORKERS = 4
RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0)


def network_problem(exc: BaseException | None) -> str:
    """What went wrong on the way to the server, in words (translated), not "[Errno 111] ...": the
    reason is read from the OS error at the bottom of httpx's exception."""
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, OSError):
        cause = cause.__cause__ or cause.__context__
    if isinstance(cause, ConnectionRefusedError):
        return _("connection refused")
    if isinstance(cause, socket.gaierror):
        return _("the name of the server is not known (check the address, and that this laptop is online)")
    if isinstance(cause, ssl.SSLCertVerificationError):
        return _("its certificate could not be checked")
    if isinstance(cause, ssl.SSLError):
        return _("the secure connection failed")
    if isinstance(exc, httpx.TimeoutException) or isinstance(cause, TimeoutError):
        return _("it did not answer in time")
    if isinstance(cause, ConnectionResetError) or isinstance(exc, httpx.RemoteProtocolError):
        return _("the connection was cut off before it answered")
    if cause is not None and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN):
        return _("no network leads there (is this laptop online?)")
    return _("the connection failed ({detail})").format(detail=exc)


class HttpTransport:
    def __init__(self, server_url: str, token: str, timeout: float = 60.0,
                 sleep: Callable[[float], None] = time.sleep, client: httpx.Client | None = None,
                 caps: dict[str, int] | None = None) -> None:
        """``client`` lets a test hand in an in-process one (Starlette's TestClient) instead of a socket;
        ``caps`` the server's smaller caps, where a test gave it some."""
        url = server_url.strip().rstrip("/")
        if not url.startswith(("http://", "https://")):
            raise InspectorError(_("The server address must start with http:// or https://; got '{url}'.").format(
                url=server_url))
        if not token.strip():
            raise InspectorError(_("A sync needs the inspector's token (--token)."))
        self.server_url = url
        self._sleep = sleep
        self.caps = {**BODY_CAPS, **(caps or {})}
        self._client = client or httpx.Client(base_url=url + "/sync", timeout=timeout)
        self._client.headers.update({"authorization": f"Bearer {token.strip()}",
                                     PROTOCOL_HEADER: str(PROTOCOL_VERSION)})

    def close(self) -> None:
        self._client.close()

    def _request(self, method: str, path: str, passthrough: tuple[int, ...] = (), **kwargs: Any) -> httpx.Response:
        """``passthrough``: statuses handed back to the caller rather than raised."""
        last: Exception | None = None
        for delay in (*RETRY_DELAYS, None):
            try:
                response = self._client.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                last = exc
            else:
                if response.status_code in passthrough:
                    return response
                if response.status_code < 500:
                    return self._check(response)
                last = InspectorError(_("The server answered {status}: {text}").format(
                    status=response.status_code, text=response.text[:200]))
            if delay is None:
                break
            self._sleep(delay)
        if isinstance(last, InspectorError):  # it answered, with an error of its own: said as it is
            raise last
        raise self._unreachable(last)

    def _unreachable(self, problem: BaseException | None) -> InspectorError:
        # Asked again each time it is shown: a message kept on screen follows a switch of language.
        return InspectorError(lambda: _("Cannot reach the server at {url}: {problem}.").format(
            url=self.server_url, problem=network_problem(problem)))

    def _check(self, response: httpx.Response) -> httpx.Response:
        if response.status_code == 401:
            raise InspectorError(_("The server refused the token (unknown or revoked): ask the administrator "
                                   "for a new one."))
        if response.status_code == 426:
            raise InspectorError(_("The server needs a newer version of the program: {message}").format(
                message=_message(response)))
        if response.status_code >= 400 and response.status_code != 409:
            raise InspectorError(_("The server refused the request ({status}): {message}").format(
                status=response.status_code, message=_message(response)))
        return response

    def hello(self, replica_id: uuid.UUID, name: str, public_key: str | None = None) -> dict[str, Any]:
        """signatures.KeyTaken when the server will not bind ``public_key`` to this token and laptop."""
        body: dict[str, Any] = {"replica_id": str(replica_id), "name": name}
        if public_key is not None:
            body["public_key"] = public_key
        response = self._request("POST", "/hello", json=body)
        if response.status_code == 409:
            raise signatures.KeyTaken(_message(response))
        return dict(response.json())

    def pull(self, cursor: int) -> dict[str, Any]:
        return dict(self._request("POST", "/pull", json={"cursor": cursor}).json())

    def push(self, replica_id: uuid.UUID, items: list[dict[str, Any]]) -> dict[str, Any]:
        """Push ``items``, in as many requests as the server's cap on a push's bytes asks for; the
        answer is theirs together. Parents go before children within the items already, and the
        pieces go in that order. An item too large for any request is sent alone, and the server's
        refusal of it says so."""
        results: list[dict[str, Any]] = []
        ranges: list[list[int]] = []
        for body in push_bodies(replica_id, items, self.caps["push"]):
            answer = self._request("POST", "/push", content=body, headers={"content-type": "application/json"}).json()
            results += answer["results"]
            if answer.get("cursor_range"):
                ranges.append(answer["cursor_range"])
        return {"results": results, "cursor_range": joined_range(ranges)}

    def missing_files(self, hashes: list[str]) -> list[str]:
        missing: list[str] = []
        for start in range(0, len(hashes), MAX_HASHES_PER_REQUEST):
            part = hashes[start:start + MAX_HASHES_PER_REQUEST]
            missing += self._request("POST", "/files/missing", json={"hashes": part}).json()["missing"]
        return missing

    def upload_many(self, files: list[tuple[str, str]], progress: Callable[[int, int], None] | None = None) -> None:
        """Send these (digest, path) files: small ones in batches, large ones alone and resumable;
        ``progress(done, total)`` counts files. An older server without batches gets them one by one."""
        sizes = {digest: Path(path).stat().st_size for digest, path in files}
        paths = dict(files)
        small = [(digest, size) for digest, size in sizes.items() if size <= file_batch.SMALL_FILE_BYTES]
        done = 0
        with ThreadPoolExecutor(max_workers=FILE_WORKERS) as pool:
            futures = {pool.submit(self._send_batch, batch, paths): len(batch) for batch in file_batch.group(small)}
            futures.update({pool.submit(self.upload, digest, paths[digest]): 1
                            for digest, size in sizes.items() if size > file_batch.SMALL_FILE_BYTES})
            for future in as_completed(futures):
                future.result()
                done += futures[future]
                if progress:
                    progress(done, len(files))

    def _send_batch(self, digests: list[str], paths: dict[str, str]) -> None:
        batch = [file_batch.BatchFile(d, Path(paths[d]).name[len(d):], Path(paths[d]).read_bytes()) for d in digests]
        response = self._request("POST", "/files/batch", content=file_batch.encode(batch),
                                 headers={"content-type": "application/octet-stream"}, passthrough=(404, 405))
        if response.status_code in (404, 405):  # a server from before batches
            for digest in digests:
                self.upload(digest, paths[digest])
            return
        results = response.json().get("results", {})
        for digest in digests:
            if results.get(digest) not in ("stored", "present"):
                raise InspectorError(_("The server did not take the file {hash}: its bytes on this laptop do not "
                                       "match its hash (damaged on disk?).").format(hash=digest[:12]))

    def upload(self, digest: str, path: str, progress: Callable[[int, int], None] | None = None) -> None:
        source = Path(path)
        total = source.stat().st_size
        suffix = source.name[len(digest):]
        offset = 0  # a server holding part of it already answers 409 with its size: we go on from there
        with source.open("rb") as fh:
            while True:
                fh.seek(offset)
                chunk = fh.read(UPLOAD_CHUNK)
                final = offset + len(chunk) >= total
                response = self._request("PUT", f"/files/{digest}", content=chunk, params={
                    "offset": offset, "final": "1" if final else "0", "suffix": suffix})
                answer = response.json()
                if response.status_code == 409:  # the server holds a different amount: go on from there
                    offset = int(answer["size"])
                    continue
                if answer.get("complete"):
                    return
                offset = int(answer["size"])
                if progress:
                    progress(offset, total)

    def download_many(self, digests: list[str], database: Database) -> int:
        """Fetch the files among ``digests`` that this laptop's store lacks; returns how many arrived.
        Small ones come in batches, a few requests at once, each file kept as soon as it hashes to its
        name; large ones alone and resumable. Every file that can be kept is kept before an
        InspectorError names those the server lacks (or will not give this account) or sent damaged."""
        store = database.store
        wanted = [d for d in dict.fromkeys(digests) if store.find(d) is None]
        outcome = _Fetched()
        parts = [wanted[i:i + file_fetch.MAX_FETCH_FILES] for i in range(0, len(wanted), file_fetch.MAX_FETCH_FILES)]
        with ThreadPoolExecutor(max_workers=FILE_WORKERS) as pool:
            for future in as_completed([pool.submit(self._fetch_part, part, store, outcome) for part in parts]):
                future.result()
        for digest in outcome.large:
            self.download(digest, database)
        if outcome.missing:
            raise InspectorError(_("The server does not have the file {hash} that a received record names, or "
                                   "this account may not read it ({count} such files).").format(
                hash=outcome.missing[0][:12], count=len(outcome.missing)))
        if outcome.damaged:
            raise InspectorError(_("The file {hash} from the server does not match its hash, twice; it was not "
                                   "kept ({count} such files).").format(
                hash=outcome.damaged[0][:12], count=len(outcome.damaged)))
        return len(wanted)

    def _fetch_part(self, digests: list[str], store: FileStore, outcome: _Fetched) -> None:
        """One batch's files, asking again for what an answer did not bring: those it put off (over
        its byte cap), those cut off with the connection, and once those that arrived damaged."""
        wanted, failures = list(digests), 0
        damaged_once: set[str] = set()
        while wanted:
            received = file_fetch.Received()
            try:
                if not self._fetch_once(wanted, store, received):  # a server from before batches
                    with outcome.lock:
                        outcome.large += wanted  # one GET each
                    return
            except (httpx.TransportError, file_fetch.Truncated, _ServerTrouble) as exc:
                failures += 1
                if failures > len(RETRY_DELAYS):
                    if isinstance(exc, _ServerTrouble):
                        raise InspectorError(str(exc)) from exc
                    raise self._unreachable(exc) from exc
                self._sleep(RETRY_DELAYS[failures - 1])
            except file_fetch.FetchError as exc:
                raise InspectorError(_("The server's answer to a download is not one this program reads: "
                                       "{problem}.").format(problem=exc)) from exc
            settled = {*received.kept, *received.missing, *received.large}
            twice = [d for d in received.mismatched if d in damaged_once]
            damaged_once.update(received.mismatched)
            settled.update(twice)
            with outcome.lock:
                outcome.missing += received.missing
                outcome.large += received.large
                outcome.damaged += twice
            wanted = [d for d in wanted if d not in settled]

    def _fetch_once(self, wanted: list[str], store: FileStore, received: file_fetch.Received) -> bool:
        """Ask once; False if the server has no batched downloads (404/405 for the route)."""
        request = self._client.build_request("POST", "/files/fetch", json={"hashes": wanted})
        response = self._client.send(request, stream=True)
        try:
            if response.status_code in (404, 405):
                return False
            if response.status_code >= 400:
                response.read()
                if response.status_code >= 500:
                    raise _ServerTrouble(_("The server answered {status}: {text}").format(
                        status=response.status_code, text=response.text[:200]))
                self._check(response)
            file_fetch.receive(response.iter_bytes(), set(wanted), store, received)
            return True
        finally:
            response.close()

    def download(self, digest: str, database: Database) -> None:
        """One file by GET, resumable from what arrived: a large file, or any from an older server."""
        partial = database.store.partial_path(digest, "download")
        suffix = ""
        while True:
            offset = partial.stat().st_size if partial.exists() else 0
            response = self._request("GET", f"/files/{digest}", params={"offset": offset})
            total = int(response.headers.get("x-total-size", "0"))
            suffix = response.headers.get("x-file-suffix", "")
            with partial.open("ab") as fh:
                fh.write(response.content)
            if offset + len(response.content) >= total or not response.content:
                break
        if sha256_file(partial) != digest:
            partial.unlink(missing_ok=True)
            raise InspectorError(_("The file {hash} from the server does not match its hash; it was not kept.").format(
                hash=digest[:12]))
        database.store.adopt(partial, digest, suffix)


class _ServerTrouble(Exception):
    """A 5xx answer to a download: tried again like a dropped connection."""


class _Fetched:
    """What the download's batches found, gathered from its worker threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.missing: list[str] = []
        self.large: list[str] = []
        self.damaged: list[str] = []


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def push_bodies(replica_id: uuid.UUID, items: list[dict[str, Any]], cap: int) -> list[bytes]:
    """The push's request bodies, in order, each within ``cap`` bytes when its items allow."""
    head = b'{"replica_id":' + _json(str(replica_id)) + b',"items":['
    bodies: list[bytes] = []
    part: list[bytes] = []
    size = len(head) + 2  # and "]}"
    for item in items:
        encoded = _json(item)
        if part and size + len(encoded) + 1 > cap:
            bodies.append(head + b",".join(part) + b"]}")
            part, size = [], len(head) + 2
        part.append(encoded)
        size += len(encoded) + 1
    if part or not bodies:
        bodies.append(head + b",".join(part) + b"]}")
    return bodies


def joined_range(ranges: list[list[int]]) -> list[int] | None:
    """The change-log cursors the pieces of one push took, as one range while they follow each other
    (another laptop may push between two pieces: the range then ends before its changes, which
    only means our own later ones come back in the next pull, and are recognised there)."""
    if not ranges:
        return None
    low, high = ranges[0]
    for next_low, next_high in ranges[1:]:
        if next_low != high + 1:
            break
        high = next_high
    return [low, high]


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error", response.text))
    except ValueError:
        return response.text[:200]
