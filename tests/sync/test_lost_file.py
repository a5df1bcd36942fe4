"""A photo whose file the laptop lost (deleted or moved outside the program) costs one row, not the
sync: the rest is sent, the inspector is told which hazard's which photo, later syncs send only that
row again instead of everything after it, and once the photo is added back it goes up like any other."""

from __future__ import annotations

from PIL import Image
from sqlalchemy import func, select

from inspector_app.core import hazards
from inspector_app.core.models import Attachment, Hazard
from inspector_app.core.sync import laptop as laptop_side
from inspector_app.core.sync.run import SyncReport, synchronise
from inspector_app.web.sync.client import HttpTransport
from tests.sync.conftest import Central, Laptop, add, school, verified


def _counted_sync(laptop: Laptop, central: Central) -> tuple[SyncReport, int]:
    """A sync, and how many rows it pushed (accepted, unchanged or refused)."""
    from starlette.testclient import TestClient

    client = TestClient(central.app, base_url="http://central/sync")
    transport = HttpTransport("http://central", central.admin_token, client=client, sleep=lambda _s: None)
    sent: list[int] = []
    push = transport.push

    def counting(replica_id, items):  # type: ignore[no-untyped-def]
        sent.append(len(items))
        return push(replica_id, items)

    transport.push = counting  # type: ignore[method-assign]
    try:
        return synchronise(laptop.db, transport, laptop.actor, server_url="http://central"), sum(sent)
    finally:
        transport.close()


def test_a_lost_photo_file_holds_back_only_its_own_row(central: Central, laptops, catalogue, tmp_path):
    laptop = laptops("a")
    places = school(laptop)
    pictures = []
    for number in range(2):
        path = tmp_path / f"IMG_{number}.jpg"
        Image.new("RGB", (64, 48), (number * 90, 20, 20)).save(path)
        pictures.append(path)
    add(laptop, catalogue, places["floor"], "photo lost", photos=[pictures[0]])
    for number in range(5):
        add(laptop, catalogue, places["floor"], f"plain {number}")
    add(laptop, catalogue, places["floor"], "photo kept", photos=[pictures[1]])
    with laptop.db.session() as session:
        lost = session.scalars(select(Attachment).join(Hazard).where(Hazard.description == "photo lost")).one()
        number = session.get(Hazard, lost.hazard_id).number
    laptop.db.store.find(lost.file_hash).unlink()

    first, _sent = _counted_sync(laptop, central)
    assert [r["id"] for r in first.refused] == [str(lost.id)]
    (problem,) = first.problems
    assert number in problem and "IMG_0.jpg" in problem  # which hazard's which photo, by its own name
    with central.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Hazard)) == 7
        assert session.get(Attachment, lost.id) is None

    again, sent = _counted_sync(laptop, central)
    assert sent == 1 and [r["id"] for r in again.refused] == [str(lost.id)]  # only the held-back row
    with laptop.db.session() as session:
        assert len(laptop_side.pending(session, laptop_side.replica(session).push_cursor).items) == 1

    with laptop.db.session() as session:  # the inspector adds the same photo to the hazard again
        hazards.attach_photo(session, laptop.db.store, session.get(Hazard, lost.hazard_id), pictures[0], "before",
                             laptop.actor)
    last, _sent = _counted_sync(laptop, central)
    assert last.refused == [] and last.problems == [] and last.files_sent == 1
    with central.db.session() as session:
        assert session.get(Attachment, lost.id) is not None and central.db.store.find(lost.file_hash) is not None
    with laptop.db.session() as session:
        assert laptop_side.pending(session, laptop_side.replica(session).push_cursor).items == []
    assert verified(central.db) and verified(laptop.db)
