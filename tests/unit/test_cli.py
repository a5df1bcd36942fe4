"""The command line end to end on a temporary ledger: demo, add, list, status, audit, forms.

Most tests call ``main`` in-process (fast); one runs the installed ``inspector-app`` entry point.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest


def _json(out: str):
    return json.loads(out)


@pytest.fixture
def demo(run):
    code, out, err = run("demo")
    assert code == 0, err
    return _json(out)


def test_demo_builds_a_realistic_school(run, demo):
    assert demo["floors"] >= 3 * 1 and demo["hazards"] >= 40
    code, out, _ = run("hazard", "list")
    rows = _json(out)
    assert len(rows) == demo["hazards"]
    assert len({r["building"] for r in rows}) >= 3
    assert {r["status"] for r in rows} == {"open", "in_progress", "awaiting_reinspection", "closed", "withdrawn"}
    assert any(r["overdue"] for r in rows)
    assert len({r["category"] for r in rows}) >= 8
    code, out, _ = run("audit", "verify")
    assert code == 0 and _json(out)["ok"]


def test_add_list_and_walk_a_hazard_through_the_workflow(run, demo, jpeg_photo):
    floor_id = _json(run("hazard", "list")[1])[0]["floor_id"]
    code, out, err = run("hazard", "add", "--floor", floor_id, "--x", "0.42", "--y", "0.61",
                         "--category", "electrical.aging_wiring", "--severity", "major",
                         "--description", "Frayed cable", "--photo", str(jpeg_photo))
    assert code == 0, err
    added = _json(out)
    assert added["number"].startswith("LL1-") and len(added["token"]) >= 22
    assert (added["x"], added["y"], added["severity"], added["status"]) == (0.42, 0.61, "major", "open")

    listed = {r["id"]: r for r in _json(run("hazard", "list", "--status", "open")[1])}
    assert listed[added["id"]]["floor_id"] == floor_id
    expected_keys = {"id", "number", "site", "building", "floor", "floor_id", "x", "y", "category", "severity",
                     "status", "overdue", "deadline", "token"}
    assert expected_keys <= set(listed[added["id"]])

    number = added["number"]
    assert run("hazard", "status", number, "--to", "in_progress")[0] == 0
    code, _, err = run("hazard", "status", number, "--to", "closed")
    assert code == 1 and "re-inspection" in err and "Traceback" not in err
    assert run("hazard", "status", number, "--to", "awaiting_reinspection")[0] == 0
    code, _, err = run("hazard", "status", number, "--to", "closed")
    assert code == 1 and "after-photo" in err
    code, out, err = run("hazard", "status", added["short_code"], "--to", "closed", "--photo", str(jpeg_photo))
    assert code == 0, err
    assert _json(out)["status"] == "closed"
    shown = _json(run("hazard", "show", added["id"])[1])
    assert [e["kind"] for e in shown["history"]] == [
        "created", "photo_added", "rectification_started", "rectification_reported", "photo_added",
        "reinspection_passed"]
    assert {p["role"] for p in shown["photos"]} == {"before", "after"}
    assert run("audit", "verify")[0] == 0


def test_list_as_csv(run, demo):
    _code, out, _ = run("hazard", "list", "--format", "csv", "--status", "closed")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["status"] == "closed" for r in rows)
    assert set(rows[0]) >= {"id", "number", "floor_id", "x", "y", "token", "overdue"}


def test_tampering_is_reported_by_audit_verify(run, demo):
    rows = _json(run("hazard", "list")[1])
    victim = rows[5]
    import sqlite3

    with sqlite3.connect(run.db) as conn:
        conn.execute("UPDATE hazards SET severity = 'general', description = 'nothing here' WHERE number = ?",
                     (victim["number"],))
    code, out, err = run("audit", "verify")
    assert code == 1
    assert _json(out)["first_broken"]["hazard"] == victim["number"]
    assert victim["number"] in err


@pytest.mark.parametrize(("args", "message"), [
    (("hazard", "status", "NOPE-9999", "--to", "closed"), "No hazard"),
    (("hazard", "add", "--floor", "not-a-uuid", "--category", "electrical.aging_wiring"), "not a valid"),
    (("hazard", "list", "--status", "fixed"), "Unknown status"),
])
def test_errors_are_one_clear_line_without_traceback(run, demo, args, message):
    code, _out, err = run(*args)
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_unknown_category_is_refused(run, demo):
    floor_id = _json(run("hazard", "list")[1])[0]["floor_id"]
    code, _, err = run("hazard", "add", "--floor", floor_id, "--x", "0.1", "--y", "0.1", "--category", "nope")
    assert code == 1 and "Unknown hazard category 'nope'" in err


def test_demo_refuses_a_ledger_that_has_data(run, demo):
    code, _, err = run("demo")
    assert code == 1 and "not empty" in err


def test_messages_in_chinese(run, demo):
    code, _, err = run("hazard", "status", "NOPE-9999", "--to", "closed", lang="zh")
    assert code == 1 and "NOPE-9999" in err
    assert "No hazard" not in err, "the Chinese catalogue must translate this message"


def test_forms_check_names_the_broken_file(run, tmp_path):
    folder = tmp_path / "org"
    folder.mkdir()
    (folder / "taxonomy.yaml").write_text("version: 1\ncategories:\n  - code: [oops\n", encoding="utf-8")
    code, _, err = run("forms", "check", str(folder))
    assert code == 1
    assert f"{folder / 'taxonomy.yaml'}:" in err


def test_forms_check_of_shipped_forms(run):
    code, out, _ = run("forms", "check")
    assert code == 0 and _json(out)["categories"] >= 30


def test_installed_entry_point_runs(tmp_path):
    db = tmp_path / "cli.sqlite"
    script = [sys.executable, "-m", "inspector_app", "--db", str(db), "--lang", "en"]
    done = subprocess.run([*script, "init"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and f"Created a new, empty ledger at {db}" in done.stderr, done.stderr
    done = subprocess.run([*script, "hazard", "list"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []
    with __import__("sqlite3").connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM sites").fetchone()[0] == 0


def test_sql_injection_in_a_reference_is_just_not_found(run, demo):
    code, _, err = run("hazard", "show", "x' OR '1'='1")
    assert code == 1 and "No hazard" in err
