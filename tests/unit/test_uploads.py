"""Unfinished uploads on the server's disk: abandoned ones are deleted after a day, recent ones and a
laptop's own downloads in the same folder are kept, and one account's bytes are bounded."""

from __future__ import annotations

import hashlib
import os
import time
import uuid

from inspector_app.core.store import FileStore
from inspector_app.web.sync import uploads
from inspector_app.web.sync.uploads import Uploads


def test_abandoned_uploads_are_swept_and_nothing_else(tmp_path):
    store = FileStore(tmp_path / "files")
    keeper = Uploads(store)
    account = uuid.uuid4()
    old, recent = hashlib.sha256(b"old").hexdigest(), hashlib.sha256(b"recent").hexdigest()
    assert keeper.append(account, old, ".pdf", 0, b"abandoned", final=False).outcome == "stored"
    assert keeper.append(account, recent, ".pdf", 0, b"going on", final=False).outcome == "stored"
    legacy = store.partial_path(old, "upload")  # from a server before uploads were per account
    legacy.write_bytes(b"x")
    download = store.partial_path(old, "download")  # a laptop serving its LAN keeps its own here
    download.write_bytes(b"y")
    two_days_ago = time.time() - 2 * 24 * 3600
    for path in (keeper.partial(account, old), legacy, download):
        os.utime(path, (two_days_ago, two_days_ago))
    assert keeper.sweep(force=True) == 2
    assert not keeper.partial(account, old).exists() and not legacy.exists()
    assert keeper.partial(account, recent).exists() and download.exists()


def test_one_account_holds_a_bounded_number_of_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_PARTIAL_BYTES_PER_ACCOUNT", 1000)
    keeper = Uploads(FileStore(tmp_path / "files"))
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    first, second = hashlib.sha256(b"1").hexdigest(), hashlib.sha256(b"2").hexdigest()
    assert keeper.append(mine, first, "", 0, b"a" * 600, final=False).outcome == "stored"
    assert keeper.append(mine, second, "", 0, b"b" * 600, final=False).outcome == "quota"
    assert keeper.append(theirs, second, "", 0, b"b" * 600, final=False).outcome == "stored"
    assert keeper.size(mine, second) == 0
