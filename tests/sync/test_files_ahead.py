"""A push sends its photos on a thread of their own while the rows that name no file go ahead
(core/sync/run.py _FilesAhead): no row naming a file reaches the server before that file, the hazards
do not wait for the photos, and a failed upload stops the push before any row that needs it."""

from __future__ import annotations

import threading

import pytest
from PIL import Image
from sqlalchemy import func, select
from starlette.testclient import TestClient

from inspector_app.core.errors import InspectorError
from inspector_app.core.models import Attachment, Hazard
from inspector_app.core.sync import run
from inspector_app.core.sync.entities import file_of
from inspector_app.core.sync.run import synchronise
from inspector_app.web.sync.client import HttpTransport
from tests.sync.conftest import Central, add, school, verified


class _Watched(HttpTransport):
    """The real HTTP transport, noting what happened in which order; uploads hold back until three
    pushes arrived (or a few seconds passed, should the pushes wait for the uploads), as a slow line
    to the server would."""

    def __init__(self, *args, fail_uploads: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.log: list[tuple[str, frozenset[str]]] = []
        self.pushes_arrived = threading.Event()
        self.fail_uploads = fail_uploads

    def upload_many(self, files, progress=None):
        self.pushes_arrived.wait(timeout=5)
        if self.fail_uploads:
            raise InspectorError("the line to the server dropped")
        super().upload_many(files, progress)
        self.log.append(("uploaded", frozenset(digest for digest, _path in files)))

    def push(self, replica_id, items):
        self.log.append(("push", frozenset(filter(None, (file_of(item) for item in items)))))
        if sum(what == "push" for what, _files in self.log) >= 3:
            self.pushes_arrived.set()
        return super().push(replica_id, items)


def _photos(tmp_path, count: int) -> list:
    made = []
    for number in range(count):
        path = tmp_path / f"photo{number}.jpg"
        Image.new("RGB", (64, 48), (number * 40 % 256, 90, 200 - number)).save(path, "JPEG")
        made.append(path)
    return made


def _transport(central: Central, fail_uploads: bool = False) -> _Watched:
    client = TestClient(central.app, base_url="http://central/sync")
    return _Watched("http://central", central.admin_token, client=client, sleep=lambda _s: None,
                    fail_uploads=fail_uploads)


def test_rows_go_while_photos_upload_and_never_before_their_file(central: Central, laptops, catalogue, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setattr(run, "PUSH_BATCH", 4)
    laptop = laptops("a")
    places = school(laptop)
    photos = _photos(tmp_path, 3)
    for number in range(12):
        add(laptop, catalogue, places["floor"], f"hazard {number}", photos=[photos[number // 4]] if number % 4 == 0
            else ())
    transport = _transport(central)
    try:
        report = synchronise(laptop.db, transport, laptop.actor, server_url="http://central")
    finally:
        transport.close()
    assert report.refused == [] and report.problems == [] and report.files_sent == 3

    uploaded_so_far: set[str] = set()
    pushes_before_any_upload = 0
    for what, files in transport.log:
        if what == "uploaded":
            uploaded_so_far |= files
        else:
            assert files <= uploaded_so_far, "a row reached the server before the file it names"
            pushes_before_any_upload += not uploaded_so_far
    assert pushes_before_any_upload >= 3  # the hazards did not wait for the photos
    with central.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Hazard)) == 12
        assert session.scalar(select(func.count()).select_from(Attachment)) == 3
    for digest in uploaded_so_far:
        assert central.db.store.find(digest) is not None
    assert verified(central.db)


def test_a_failed_upload_stops_the_push_before_the_rows_that_need_it(central: Central, laptops, catalogue,
                                                                      tmp_path, monkeypatch):
    monkeypatch.setattr(run, "PUSH_BATCH", 4)
    laptop = laptops("a")
    places = school(laptop)
    photo = _photos(tmp_path, 1)[0]
    for number in range(8):
        add(laptop, catalogue, places["floor"], f"hazard {number}", photos=[photo] if number == 7 else ())
    transport = _transport(central, fail_uploads=True)
    try:
        with pytest.raises(InspectorError, match="line to the server dropped"):
            synchronise(laptop.db, transport, laptop.actor, server_url="http://central")
    finally:
        transport.close()
    assert all(not files for what, files in transport.log if what == "push")
    with central.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Attachment)) == 0
    with laptop.db.session() as session:
        from inspector_app.core.sync import laptop as laptop_side

        assert "line to the server dropped" in laptop_side.replica(session).last_error
    # Nothing was lost: once the line holds, the same laptop sends the rest.
    transport = _transport(central)
    try:
        report = synchronise(laptop.db, transport, laptop.actor, server_url="http://central")
    finally:
        transport.close()
    assert report.refused == [] and report.problems == []
    with central.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Hazard)) == 8
        assert session.scalar(select(func.count()).select_from(Attachment)) == 1
    assert verified(central.db)
