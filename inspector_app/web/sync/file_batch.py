"""The body of ``POST /sync/files/batch``: several small files (photos) in one request, so that one
token check, one HTTP exchange and one hop to a worker thread serve a dozen photos instead of one
each (measured: the token check alone was a third of the server's time per photo, benchmarks/sync.py).

    4 bytes   the length N of the manifest, big-endian
    N bytes   the manifest, JSON: {"files": [{"digest": "<sha256 hex>", "suffix": ".jpg", "size": 123}, ...]}
    ...       the files' bytes, one after another, in the manifest's order, nothing after them

A file larger than SMALL_FILE_BYTES goes by itself through the resumable ``PUT /files/{digest}``
instead: a batch is sent again whole after a broken connection, which is cheap only for small files.
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass

SMALL_FILE_BYTES = 2 * 1024 * 1024
MAX_BATCH_BYTES = 8 * 1024 * 1024  # of file bytes in one request
MAX_BATCH_FILES = 64
MAX_MANIFEST_BYTES = 64 * 1024
# A file's name on the wire, for the batch and for the single-file routes of web/sync/api.py alike.
DIGEST = re.compile(r"^[0-9a-f]{64}$")
SUFFIX = re.compile(r"^(\.[a-z0-9]{1,5})?$")
_LENGTH = struct.Struct(">I")


@dataclass(frozen=True)
class BatchFile:
    digest: str
    suffix: str
    data: bytes


class BatchError(ValueError):
    """A batch body that does not follow the format; the message says where."""


def encode(files: list[BatchFile]) -> bytes:
    manifest = json.dumps({"files": [{"digest": f.digest, "suffix": f.suffix, "size": len(f.data)}
                                     for f in files]}).encode()
    return b"".join([_LENGTH.pack(len(manifest)), manifest, *(f.data for f in files)])


def decode(body: bytes) -> list[BatchFile]:
    """The files of a batch body; BatchError for anything else (checked before any file is used)."""
    if len(body) < _LENGTH.size:
        raise BatchError("the body is shorter than its manifest length")
    (length,) = _LENGTH.unpack_from(body)
    if length > MAX_MANIFEST_BYTES or _LENGTH.size + length > len(body):
        raise BatchError("the manifest length is past the body or over 64 KB")
    try:
        manifest = json.loads(body[_LENGTH.size:_LENGTH.size + length])
    except ValueError:
        raise BatchError("the manifest is not JSON") from None
    entries = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(entries, list) or not 0 < len(entries) <= MAX_BATCH_FILES:
        raise BatchError(f"the manifest needs a list of 1 to {MAX_BATCH_FILES} files")
    files: list[BatchFile] = []
    position = _LENGTH.size + length
    for entry in entries:
        if not isinstance(entry, dict):
            raise BatchError("a manifest entry is not an object")
        digest, suffix, size = entry.get("digest"), entry.get("suffix", ""), entry.get("size")
        if not isinstance(digest, str) or not DIGEST.match(digest):
            raise BatchError("a manifest entry has no valid digest")
        if not isinstance(suffix, str) or not SUFFIX.match(suffix):
            raise BatchError(f"the file {digest[:12]} has an invalid suffix")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= SMALL_FILE_BYTES:
            raise BatchError(f"the file {digest[:12]} has an invalid size")
        if position + size > len(body):
            raise BatchError(f"the body ends inside the file {digest[:12]}")
        files.append(BatchFile(digest, suffix, body[position:position + size]))
        position += size
    if position != len(body):
        raise BatchError("there are bytes after the last file")
    return files


def group(sizes: list[tuple[str, int]]) -> list[list[str]]:
    """Small files' digests in batches within MAX_BATCH_BYTES and MAX_BATCH_FILES, in the given order."""
    batches: list[list[str]] = []
    current: list[str] = []
    total = 0
    for digest, size in sizes:
        if current and (total + size > MAX_BATCH_BYTES or len(current) == MAX_BATCH_FILES):
            batches.append(current)
            current, total = [], 0
        current.append(digest)
        total += size
    if current:
        batches.append(current)
    return batches
