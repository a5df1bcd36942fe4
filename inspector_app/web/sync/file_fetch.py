"""Batched downloads, ``POST /sync/files/fetch``: a laptop names up to MAX_FETCH_FILES hashes and the
server streams back every small file among them that it holds and the account may read, so one token
check, one permission query and one round trip serve dozens of photos instead of one each.

The request is JSON, ``{"hashes": [...]}``. The answer is framed like an upload batch
(web/sync/file_batch.py), with more in its manifest:

    4 bytes   the length N of the manifest, big-endian
    N bytes   the manifest, JSON: {"files": [{"digest", "suffix", "size"}, ...],
                                   "missing": [...], "large": [...], "later": [...]}
    ...       the files' bytes, one after another, in the manifest's order

* ``missing``: the server lacks the file *or the account may not read it*, one answer for both, so
  that a hash never tells that another county holds a photo;
* ``large``: over LARGE_FILE_BYTES; fetched alone through ``GET /files/{digest}``, which resumes
  from an offset (a cut batch loses at most the file in flight; for a 40 MB PDF plan on a mobile
  link that is too much to fetch again from its start);
* ``later``: would take the answer past MAX_FETCH_BYTES; asked for again in the next request.

The server reads one file at a time from disk into the stream (never the whole batch in memory). The
laptop hashes each file as its last byte arrives and keeps it only if it hashes to its name, at once,
so a connection cut mid-stream loses nothing already verified and the rest is asked for again.
"""

from __future__ import annotations

import json
import struct
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from inspector_app.core.store import FileStore
from inspector_app.web.sync.file_batch import DIGEST, MAX_MANIFEST_BYTES, SUFFIX

# Files up to this size come in batches. The single-file GET hands out a file 8 MiB a request and
# resumes only between requests, so below that it saves nothing on a cut and costs a request per
# file; above it, a 40 MB plan resumes 8 MiB at a time. (Uploads split at 2 MiB: a cut upload
# batch is sent again whole.) A photo stored at up to 4096 px, JPEG quality 90, is a few MB: batched.
LARGE_FILE_BYTES = 8 * 1024 * 1024
# Hashes per request, and files per answer: the request stays a few KB (BODY_CAPS["files/fetch"]),
# the permission check one query per kind of row, and 2,000 photos take ~32 requests, enough for the
# client's FILE_WORKERS to overlap one answer's server work with another's transfer.
MAX_FETCH_FILES = 64
# File bytes per answer. Not memory (the answer is streamed file by file, and what a cut costs is
# one file, not the batch): it bounds how long one answer holds a server connection, ~30 s for
# 32 MiB on a 10 Mbit/s link; 64 photos of up to 500 KB fit in one answer, and any file below
# LARGE_FILE_BYTES does.
MAX_FETCH_BYTES = 32 * 1024 * 1024
_LENGTH = struct.Struct(">I")
READ_AHEAD_BYTES = 1024 * 1024  # files read from disk per hop to a worker thread (and one file more)


@dataclass(frozen=True)
class Planned:
    """What the server will send for one request: the head (length and manifest), then the files."""

    head: bytes
    paths: list[tuple[Path, int]]

    @property
    def length(self) -> int:
        """The answer's length, sent as Content-Length: a client can tell a cut answer from a whole one."""
        return len(self.head) + sum(size for _path, size in self.paths)


def plan(store: FileStore, hashes: Iterable[str], visible: set[str]) -> Planned:
    """Sort the requested ``hashes`` into files sent now, large, later and missing, in request order.
    ``visible``: those the store holds and the account may read (every other one is "missing")."""
    files: list[dict[str, object]] = []
    paths: list[tuple[Path, int]] = []
    missing: list[str] = []
    large: list[str] = []
    later: list[str] = []
    total = 0
    for digest in dict.fromkeys(hashes):
        path = store.find(digest) if digest in visible else None
        size = path.stat().st_size if path is not None else -1
        if path is None:
            missing.append(digest)
        elif size > LARGE_FILE_BYTES:
            large.append(digest)
        elif files and total + size > MAX_FETCH_BYTES:
            later.append(digest)
        else:
            files.append({"digest": digest, "suffix": path.name[len(digest):], "size": size})
            paths.append((path, size))
            total += size
    manifest = json.dumps({"files": files, "missing": missing, "large": large, "later": later}).encode()
    return Planned(_LENGTH.pack(len(manifest)) + manifest, paths)


def _read(paths: list[tuple[Path, int]]) -> bytes:
    parts = []
    for path, size in paths:
        data = path.read_bytes()
        if len(data) != size:  # cannot happen to a store's file; if it does, cut the answer short
            raise OSError(f"{path.name} changed while it was sent")
        parts.append(data)
    return b"".join(parts)


async def stream(planned: Planned) -> AsyncIterator[bytes]:
    """The answer's bytes: the head, then the files, about READ_AHEAD_BYTES at a time (a hop to a
    thread per 300 KB photo cost more than reading it)."""
    yield planned.head
    group: list[tuple[Path, int]] = []
    size = 0
    for path, length in planned.paths:
        group.append((path, length))
        size += length
        if size >= READ_AHEAD_BYTES:
            yield await run_in_threadpool(_read, group)
            group, size = [], 0
    if group:
        yield await run_in_threadpool(_read, group)


class FetchError(ValueError):
    """An answer that does not follow the format (a server that is not ours, or a broken one)."""


class Truncated(FetchError):
    """The answer ended before its manifest said: what arrived whole and verified is kept."""


@dataclass
class Received:
    """What one answer brought, filled in as it arrives (so it holds what was kept before a cut)."""

    kept: list[str] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    large: list[str] = field(default_factory=list)
    later: list[str] = field(default_factory=list)


class _Reader:
    """Exact reads from the answer's chunks, copying each byte once (into the file it belongs to):
    600 MB of photos went through a growing buffer three times before."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._rest = memoryview(b"")

    def read(self, count: int) -> bytes:
        parts: list[memoryview] = []
        need = count
        while need:
            if not self._rest:
                chunk = next(self._chunks, None)
                if chunk is None:
                    raise Truncated(f"the answer ended {need} bytes early")
                self._rest = memoryview(chunk)
            parts.append(self._rest[:need])
            need -= len(parts[-1])
            self._rest = self._rest[len(parts[-1]):]
        return b"".join(parts)


def _hash_list(manifest: dict[str, object], name: str, asked: set[str]) -> list[str]:
    value = manifest.get(name, [])
    if not isinstance(value, list) or not all(isinstance(d, str) and d in asked for d in value):
        raise FetchError(f"the manifest's '{name}' names files that were not asked for")
    return value


def receive(chunks: Iterable[bytes], asked: set[str], store: FileStore, received: Received) -> None:
    """Read an answer and put every file that hashes to its name into ``store``, as it arrives; a file
    that does not is not kept (``received.mismatched``). FetchError for an answer not in the format,
    Truncated for one cut short; ``received`` then holds what was kept before."""
    reader = _Reader(chunks)
    (length,) = _LENGTH.unpack(reader.read(_LENGTH.size))
    if length > MAX_MANIFEST_BYTES:
        raise FetchError("the manifest is over 64 KB")
    try:
        manifest = json.loads(reader.read(length))
    except ValueError:
        raise FetchError("the manifest is not JSON") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise FetchError("the manifest lists no files")
    entries: list[tuple[str, str, int]] = []
    for entry in manifest["files"]:
        digest, suffix, size = (entry.get(k) for k in ("digest", "suffix", "size")) if isinstance(
            entry, dict) else (None, None, None)
        # The suffix becomes part of a file name on this laptop: only what the store itself writes.
        if not (isinstance(digest, str) and DIGEST.match(digest) and digest in asked and isinstance(suffix, str)
                and SUFFIX.match(suffix) and isinstance(size, int) and not isinstance(size, bool)
                and 0 <= size <= LARGE_FILE_BYTES):
            raise FetchError("a manifest entry is not a file that was asked for")
        entries.append((digest, suffix, size))
    received.missing = _hash_list(manifest, "missing", asked)
    received.large = _hash_list(manifest, "large", asked)
    received.later = _hash_list(manifest, "later", asked)
    if received.later and not entries:  # nothing sent and all put off: asking again would loop
        raise FetchError("the answer puts off every file")
    for digest, suffix, size in entries:
        data = reader.read(size)
        try:
            store.put(data, suffix, expected=digest)  # hashes once, and writes only bytes that match
        except ValueError:
            received.mismatched.append(digest)
        else:
            received.kept.append(digest)
