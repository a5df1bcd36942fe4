"""The photo size of the inspector's settings (core.settings ``photo_max_edge``) is what the command
line stores: `hazard add --photo` and `hazard status --photo` reduce a photo to that long edge, and a
photo already smaller keeps its size."""

from __future__ import annotations

import json

from PIL import Image

from inspector_app.core.settings import load_settings, save_settings
from inspector_app.core.store import FileStore


def _photo(path, size):
    Image.new("RGB", size, "#aa3311").save(path, format="JPEG", quality=80)
    return path


def _use_photo_size(edge: int) -> None:
    settings = load_settings()
    settings.photo_max_edge = edge
    save_settings(settings)


def _stored_sizes(run, hazard: str) -> dict[str, tuple[int, int]]:
    """The size of each stored photo file of a hazard, by role, as Pillow reads it from the store."""
    code, out, err = run("hazard", "show", hazard)
    assert code == 0, err
    store = FileStore(run.db.with_name(run.db.stem + "-files"))
    sizes = {}
    for photo in json.loads(out)["photos"]:
        with Image.open(store.path_for(photo["hash"], ".jpg")) as image:
            sizes[photo["role"]] = image.size
    return sizes


def test_the_cli_stores_photos_at_the_size_of_the_settings(run, tmp_path):
    assert run("demo")[0] == 0
    floor_id = json.loads(run("hazard", "list")[1])[0]["floor_id"]
    landscape = _photo(tmp_path / "wide.jpg", (3000, 2000))
    portrait = _photo(tmp_path / "tall.jpg", (1500, 3000))

    _use_photo_size(1600)
    code, out, err = run("hazard", "add", "--floor", floor_id, "--x", "0.5", "--y", "0.5",
                         "--category", "electrical.aging_wiring", "--photo", str(landscape))
    assert code == 0, err
    number = json.loads(out)["number"]
    assert _stored_sizes(run, number) == {"before": (1600, 1067)}

    _use_photo_size(2048)
    for step in ("in_progress", "awaiting_reinspection"):
        assert run("hazard", "status", number, "--to", step)[0] == 0
    code, _, err = run("hazard", "status", number, "--to", "closed", "--photo", str(portrait))
    assert code == 0, err
    assert _stored_sizes(run, number) == {"before": (1600, 1067), "after": (1024, 2048)}


def test_a_photo_smaller_than_the_setting_keeps_its_size(run, tmp_path):
    assert run("demo")[0] == 0
    floor_id = json.loads(run("hazard", "list")[1])[0]["floor_id"]
    _use_photo_size(1600)
    small = _photo(tmp_path / "small.jpg", (1200, 900))
    code, out, err = run("hazard", "add", "--floor", floor_id, "--category", "electrical.aging_wiring",
                         "--x", "0.1", "--y", "0.1", "--photo", str(small))
    assert code == 0, err
    assert _stored_sizes(run, json.loads(out)["number"]) == {"before": (1200, 900)}
