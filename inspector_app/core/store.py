"""Content-addressed file store for plans and photos: a file is kept once, under its SHA-256."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, digest: str, suffix: str = "") -> Path:
        return self.root / digest[:2] / f"{digest}{suffix}"

    def put(self, data: bytes, suffix: str = "") -> str:
        """Store bytes, atomically, and return their digest; storing the same bytes twice is free."""
        digest = sha256_bytes(data)
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

    def find(self, digest: str) -> Path | None:
        folder = self.root / digest[:2]
        if not folder.is_dir():
            return None
        for candidate in folder.glob(f"{digest}*"):
            return candidate
        return None
