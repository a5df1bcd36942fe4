"""Bundles, through the command line: a site carried to another laptop with its photos, merged by the
sync rules, importing twice changes nothing, and damaged or foreign files are refused whole."""

from __future__ import annotations

import json
import zipfile

import pytest
from sqlalchemy import func, select

from inspector_app.cli import main
from inspector_app.core.models import Attachment, Hazard
from inspector_app.core.sync.conflicts import open_conflicts
from tests.sync.conftest import add, edit, ledger_state, school, verified


def _cli(capsys, *argv):
    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out.strip() else None), err


def test_a_site_travels_by_bundle_and_a_second_import_changes_nothing(laptops, catalogue, jpeg_photo, tmp_path,
                                                                       capsys):
    a, b = laptops("a"), laptops("b")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"], "blocked exit", photos=[jpeg_photo])
    a.db.dispose()
    bundle = tmp_path / "school.fribundle"
    code, written, _err = _cli(capsys, "--db", a.db.url.removeprefix("sqlite:///"), "bundle", "export",
                               "--out", str(bundle), "--site", str(places["site"]))
    assert code == 0 and written["files"] == 1
    b_path = b.db.url.removeprefix("sqlite:///")
    b.db.dispose()
    code, first, _err = _cli(capsys, "--db", b_path, "bundle", "import", str(bundle))
    assert code == 0 and first["changes"] > 0 and first["files"] == 1
    code, second, _err = _cli(capsys, "--db", b_path, "bundle", "import", str(bundle))
    assert code == 0 and second["changes"] == 0 and second["files"] == 0
    assert ledger_state(a.db) == ledger_state(b.db)
    with b.db.session() as session:
        assert session.get(Hazard, hazard_id).description == "blocked exit"
        photo = session.scalars(select(Attachment)).one()
        assert b.db.store.find(photo.file_hash) is not None
    assert verified(b.db)


def test_bundles_both_ways_merge_edits_and_keep_a_conflict(laptops, catalogue, tmp_path):
    from inspector_app.core.bundles import export_bundle, import_bundle

    a, b = laptops("a"), laptops("b")
    places = school(a)
    hazard_id = add(a, catalogue, places["floor"], "first words")
    export_bundle(a.db, tmp_path / "1.zip")
    import_bundle(b.db, tmp_path / "1.zip", b.actor)
    edit(a, hazard_id, description="A says", room="101")
    edit(b, hazard_id, description="B says")
    export_bundle(a.db, tmp_path / "a.zip")
    report = import_bundle(b.db, tmp_path / "a.zip", b.actor)  # A's history comes first on B
    assert report.conflicts == 1
    export_bundle(b.db, tmp_path / "b.zip")
    import_bundle(a.db, tmp_path / "b.zip", a.actor)
    assert ledger_state(a.db) == ledger_state(b.db)
    for laptop in (a, b):
        with laptop.db.session() as session:
            hazard = session.get(Hazard, hazard_id)
            assert (hazard.description, hazard.room) == ("A says", "101")
            (conflict,) = open_conflicts(session)
            assert conflict.data["set_aside"] == "B says"
    assert verified(a.db) and verified(b.db)


@pytest.mark.parametrize("damage", ["not a zip", "foreign zip", "edited data", "missing photo", "newer version"])
def test_damaged_or_foreign_bundles_are_refused_with_the_reason_and_nothing_imported(
        laptops, catalogue, jpeg_photo, tmp_path, damage):
    from inspector_app.core.bundles import export_bundle, import_bundle
    from inspector_app.core.errors import InspectorError

    a, b = laptops("a"), laptops("b")
    places = school(a)
    add(a, catalogue, places["floor"], photos=[jpeg_photo])
    good = tmp_path / "good.zip"
    export_bundle(a.db, good)
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(good) as source:
        members = {name: source.read(name) for name in source.namelist()}
    if damage == "not a zip":
        bad.write_bytes(b"PK\x03\x04 this was cut off in the middle")
    else:
        if damage == "foreign zip":
            members = {"readme.txt": b"holiday photos"}
        elif damage == "edited data":
            members["data.json"] = members["data.json"].replace(b"LL1-0001", b"LL1-0002")
        elif damage == "missing photo":
            members = {k: v for k, v in members.items() if not k.startswith("files/")}
        elif damage == "newer version":
            manifest = json.loads(members["manifest.json"])
            manifest["version"] = 99
            members["manifest.json"] = json.dumps(manifest).encode()
        with zipfile.ZipFile(bad, "w") as target:
            for name, data in members.items():
                target.writestr(name, data)
    with pytest.raises(InspectorError, match=r"bad\.zip is not a usable bundle: .+ Nothing was imported"):
        import_bundle(b.db, bad, b.actor)
    with b.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Hazard)) == 0
