"""Content-addressed file store for plans and photos: a file is kept once, under its SHA-256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, digest: str, suffix: str = "") -> Path:
        return self.root / digest[:2] / f"{digest}{suffix}"

    def put(self, data: bytes, suffix: str = "", expected: str | None = None) -> str:
        """Store bytes, atomically, and return their digest; storing the same bytes twice is free.
        ``expected``: the digest they must have (received bytes); ValueError, and nothing stored, if not."""
        digest = sha256_bytes(data)
        if expected is not None and digest != expected:
            raise ValueError(f"the bytes hash to {digest[:12]}, not {expected[:12]}")
        target = self.path_for(digest, suffix)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def partial_path(self, digest: str, purpose: str) -> Path:
        """Where a file being received is collected until it is complete and its hash checked."""
        folder = self.root / ".partial"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{digest}.{purpose}"

    def adopt(self, source: Path, digest: str, suffix: str = "") -> Path:
        """Move a received file whose content was checked to hash to ``digest`` into the store."""
        target = self.path_for(digest, suffix)
        target.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(source, target)
        return target

    def find(self, digest: str) -> Path | None:
        folder = self.root / digest[:2]
        if not folder.is_dir():
            return None
        for candidate in folder.glob(f"{digest}*"):
            return candidate
        return None
