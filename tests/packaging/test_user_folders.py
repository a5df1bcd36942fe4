"""INSPECTOR_HOME: the program's own override of its user folders, obeyed on every platform.

The suite itself runs under it (tests/conftest.py's private_user_folders); these tests prove the
program really follows it, through the command line, and that XDG variables no longer decide.
"""

from __future__ import annotations

import json

from inspector_app import paths
from inspector_app.cli import main
from inspector_app.core.settings import Settings, load_settings, save_settings


def test_every_user_folder_lies_under_inspector_home(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path / "home"))
    assert paths.user_data_dir() == tmp_path / "home" / "data"
    assert paths.user_config_dir() == tmp_path / "home" / "config"
    assert paths.user_log_dir() == tmp_path / "home" / "logs"
    assert paths.user_cache_dir() == tmp_path / "home" / "cache"
    assert paths.default_database_path() == tmp_path / "home" / "data" / "ledger.sqlite"


def test_a_relative_home_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("INSPECTOR_HOME", "here")
    assert paths.user_data_dir() == tmp_path / "here" / "data"


def test_without_the_override_platformdirs_decides(monkeypatch, tmp_path):
    monkeypatch.delenv("INSPECTOR_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))  # what platformdirs reads on Linux
    assert paths.user_data_dir() == tmp_path / "xdg-data" / paths.APP_NAME
    monkeypatch.setenv("INSPECTOR_HOME", "")  # set but empty counts as unset
    assert paths.user_data_dir() == tmp_path / "xdg-data" / paths.APP_NAME


def test_the_cli_default_ledger_and_settings_go_to_the_override_not_to_xdg(tmp_path, monkeypatch, capsys):
    home, xdg = tmp_path / "home", tmp_path / "xdg"
    monkeypatch.setenv("INSPECTOR_HOME", str(home))
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, str(xdg / variable))
    save_settings(Settings(inspector_name="李伟"))

    assert main(["--lang", "en", "init"]) == 0  # no --db: the default ledger
    capsys.readouterr()
    assert main(["--lang", "en", "hazard", "list"]) == 0
    assert json.loads(capsys.readouterr().out) == []

    assert (home / "data" / "ledger.sqlite").is_file()
    assert load_settings().inspector_name == "李伟"
    assert (home / "config" / "settings.json").is_file()
    assert not xdg.exists()
