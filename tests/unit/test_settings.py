"""Per-user settings: typed defaults, upgrade of older files by versioned steps, damaged files kept
aside, and the inspector's name recorded as the actor of the command line's events."""

from __future__ import annotations

import json

from inspector_app.cli import main
from inspector_app.core.settings import SETTINGS_VERSION, Settings, load_settings, save_settings, settings_path


def _write(data: dict) -> None:
    path = settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_no_file_gives_the_declared_defaults():
    settings = load_settings()
    assert settings == Settings()
    assert settings.version == SETTINGS_VERSION and settings.paper_size == "A4" and settings.backup_days == 14
    assert not settings.inspector_name_asked


def test_a_version_1_file_is_upgraded_and_saved_as_the_current_version():
    # What version 1 of the program wrote: a version key and the language as the user typed it.
    _write({"version": 1, "language": "zh-CN", "inspector_name": "王建国", "last_floor_id": "f-1",
            "recent_categories": ["electrical.aging_wiring"], "sync_token": "fri_secret"})
    settings = load_settings()
    assert settings.inspector_name == "王建国" and settings.inspector_name_asked  # not asked again
    assert settings.language == "zh_CN"
    assert settings.last_floor_id == "f-1" and settings.recent_categories == ["electrical.aging_wiring"]
    assert settings.sync_token == "fri_secret"
    save_settings(settings)
    saved = json.loads(settings_path().read_text(encoding="utf-8"))
    assert saved["version"] == SETTINGS_VERSION and saved["language"] == "zh_CN" and saved["inspector_name_asked"]


def test_an_unversioned_file_without_a_name_still_asks_for_it():
    _write({"language": "en_GB"})
    settings = load_settings()
    assert settings.language == "en" and not settings.inspector_name_asked and settings.inspector_name == ""


def test_a_wrong_value_falls_back_to_its_default_and_keeps_the_others():
    _write({"version": SETTINGS_VERSION, "inspector_name": "李明", "backup_days": "many", "paper_size": "B9",
            "recent_categories": [1, 2], "inspector_name_asked": True})
    settings = load_settings()
    assert settings.inspector_name == "李明" and settings.inspector_name_asked
    assert settings.backup_days == 14 and settings.paper_size == "A4" and settings.recent_categories == []


def test_a_damaged_file_is_kept_aside_not_overwritten():
    settings_path().parent.mkdir(parents=True, exist_ok=True)
    settings_path().write_text("{not json", encoding="utf-8")
    assert load_settings() == Settings()
    assert settings_path().with_suffix(".damaged.json").read_text(encoding="utf-8") == "{not json"
    assert not settings_path().exists()


def test_keys_of_a_newer_program_survive_a_save_by_this_one():
    _write({"version": SETTINGS_VERSION + 1, "inspector_name": "李明", "inspector_name_asked": True,
            "night_mode": "auto"})
    settings = load_settings()
    settings.paper_size = "A3"
    save_settings(settings)
    saved = json.loads(settings_path().read_text(encoding="utf-8"))
    assert saved["night_mode"] == "auto" and saved["version"] == SETTINGS_VERSION + 1 and saved["paper_size"] == "A3"


def test_the_command_line_records_the_inspectors_name_unless_as_is_given(tmp_path, capsys):
    save_settings(Settings(inspector_name="李明", inspector_name_asked=True))
    db = tmp_path / "ledger.sqlite"
    assert main(["--db", str(db), "--lang", "en", "demo"]) == 0
    capsys.readouterr()
    listed = main(["--db", str(db), "hazard", "list", "--status", "open"])
    number = json.loads(capsys.readouterr().out)[0]["number"]
    assert listed == 0
    assert main(["--db", str(db), "hazard", "edit", number, "--room", "204"]) == 0
    assert main(["--db", str(db), "--as", "张三", "hazard", "edit", number, "--room", "205"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "hazard", "show", number]) == 0
    history = json.loads(capsys.readouterr().out)["history"]
    actors = [event["actor"] for event in history if event["kind"] == "edited"]
    assert actors[-2:] == ["李明", "张三"]


def test_the_photo_size_is_one_of_its_choices_and_defaults_to_the_stored_maximum():
    from inspector_app.core.photos import MAX_STORED_EDGE

    assert Settings().photo_max_edge == MAX_STORED_EDGE == 4096
    _write({"version": SETTINGS_VERSION, "photo_max_edge": 2048})
    assert load_settings().photo_max_edge == 2048
    for wrong in (5000, 0, -1600, "1600", 1600.0, True):
        _write({"version": SETTINGS_VERSION, "photo_max_edge": wrong, "paper_size": "A3"})
        settings = load_settings()
        assert settings.photo_max_edge == 4096 and settings.paper_size == "A3", wrong
    # A file from before the setting existed (version 1 or 2) gets the default, as today's program stores.
    _write({"version": 1, "inspector_name": "王建国"})
    assert load_settings().photo_max_edge == 4096
