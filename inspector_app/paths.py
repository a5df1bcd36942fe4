"""Where the program finds its shipped data (forms, resources) and where it keeps the user's data."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import platformdirs

APP_NAME = "FireRiskInspector"
APP_AUTHOR = "FireRiskInspector"


def install_root() -> Path:
    """The folder holding forms/ and resources/: they are package data of inspector_app, so the same
    lookup works from the source tree, an installed wheel and a PyInstaller bundle (which keeps the
    package's data beside its modules)."""
    return Path(str(files("inspector_app")))


def resource_dir() -> Path:
    return install_root() / "resources"


def builtin_forms_dir() -> Path:
    return install_root() / "forms"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def default_database_path() -> Path:
    return user_data_dir() / "ledger.sqlite"


def user_log_dir() -> Path:
    """Where the program writes its log (details of unexpected errors, for whoever helps the user)."""
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
