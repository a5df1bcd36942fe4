"""Unfinished uploads of large files (``PUT /sync/files/{digest}``), kept per account and bounded.

Each account collects its own chunks of a file in ``.partial/<digest>.upload-<account id>``: another
account sending the same hash writes a file of its own, so nobody can append to (and so spoil)
someone else's upload. What one account may leave unfinished is bounded in files and bytes, and an
upload untouched for a day is deleted (checked at most once a minute per process, on uploads), so
the folder cannot grow without limit however many uploads are started and abandoned.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from inspector_app.core.store import FileStore, sha256_file

MAX_FILE_BYTES = 2 * 1024 * 1024 * 1024  # one plan or photo; far above any real one
MAX_PARTIAL_BYTES_PER_ACCOUNT = 4 * 1024 * 1024 * 1024
MAX_PARTIALS_PER_ACCOUNT = 16  # a laptop sends four files at once (web/sync/client.py FILE_WORKERS)
PARTIAL_MAX_AGE_SECONDS = 24 * 3600
SWEEP_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class ChunkResult:
    """``outcome``: "stored" (more to come), "complete", "resume" (the offset is not what we hold;
    go on from ``size``), "mismatch" (the whole file does not hash to its name; it was dropped),
    "quota" (this account's unfinished uploads are at their bound)."""

    outcome: str
    size: int


class Uploads:
    def __init__(self, store: FileStore, max_age: float = PARTIAL_MAX_AGE_SECONDS) -> None:
        self.store, self.max_age = store, max_age
        self._swept = -float("inf")
        self._lock = threading.Lock()

    def partial(self, account: uuid.UUID, digest: str) -> Path:
        return self.store.partial_path(digest, f"upload-{account.hex}")

    def size(self, account: uuid.UUID, digest: str) -> int:
        try:
            return self.partial(account, digest).stat().st_size
        except FileNotFoundError:
            return 0

    def append(self, account: uuid.UUID, digest: str, suffix: str, offset: int, chunk: bytes,
               final: bool) -> ChunkResult:
        self.sweep()
        partial = self.partial(account, digest)
        size = self.size(account, digest)
        if offset != size:
            return ChunkResult("resume", size)
        if size + len(chunk) > MAX_FILE_BYTES or not self._room_for(account, partial, len(chunk)):
            return ChunkResult("quota", size)
        with partial.open("ab") as fh:
            fh.write(chunk)
        size += len(chunk)
        if not final:
            return ChunkResult("stored", size)
        if sha256_file(partial) != digest:
            partial.unlink(missing_ok=True)
            return ChunkResult("mismatch", size)
        if self.store.find(digest) is None:
            self.store.adopt(partial, digest, suffix)
        else:  # another account's copy arrived first: the same bytes, as the hash says
            partial.unlink(missing_ok=True)
        return ChunkResult("complete", size)

    def _room_for(self, account: uuid.UUID, partial: Path, more: int) -> bool:
        mine = list(partial.parent.glob(f"*.upload-{account.hex}"))
        if partial not in mine and len(mine) >= MAX_PARTIALS_PER_ACCOUNT:
            return False
        held = 0
        for path in mine:
            try:
                held += path.stat().st_size
            except FileNotFoundError:
                continue
        return held + more <= MAX_PARTIAL_BYTES_PER_ACCOUNT

    def sweep(self, force: bool = False) -> int:
        """Delete unfinished uploads untouched for ``max_age``; returns how many."""
        now = time.monotonic()
        with self._lock:
            if not force and now - self._swept < SWEEP_EVERY_SECONDS:
                return 0
            self._swept = now
        folder = self.store.root / ".partial"
        if not folder.is_dir():
            return 0
        removed = 0
        oldest = time.time() - self.max_age
        for path in folder.glob("*.upload*"):  # never a laptop's own downloads or bundles in there
            try:
                if path.stat().st_mtime < oldest:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed
