"""Where the program finds its shipped data (forms, resources) and where it keeps the user's data.

The user's folders (data, config, logs, cache) come from platformdirs, which asks the operating
system (``%LOCALAPPDATA%`` on Windows, ``~/Library`` on macOS, the XDG variables on Linux). Setting
``INSPECTOR_HOME`` to a folder puts all four under it instead (``data/``, ``config/``, ``logs/``,
``cache/``) on every platform: tests, scripts and the bundle's self-test use it so they never touch
a real user's ledger or settings, which XDG variables could not promise on Windows or macOS.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import platformdirs

APP_NAME = "FireRiskInspector"
APP_AUTHOR = "FireRiskInspector"
HOME_VARIABLE = "INSPECTOR_HOME"


def shipped_dir(name: str) -> Path:
    """A folder of the program's shipped data (``forms`` or ``resources``). They live at the top of the
    repository and are mapped into the package at build time (pyproject.toml), so a wheel or a
    PyInstaller bundle has them inside the package, found through importlib.resources; a source
    checkout or an editable install reads them where they are, beside the package."""
    package = Path(str(files("inspector_app")))
    packaged = package / name
    return packaged if packaged.is_dir() else package.parent / name


def resource_dir() -> Path:
    return shipped_dir("resources")


def builtin_forms_dir() -> Path:
    return shipped_dir("forms")


def home_override() -> Path | None:
    """The folder named by INSPECTOR_HOME (made absolute), or None when it is unset or empty.
    Read on every call, so a test that sets the variable is obeyed at once."""
    value = os.environ.get(HOME_VARIABLE, "").strip()
    return Path(value).expanduser().resolve() if value else None


def user_data_dir() -> Path:
    """The default ledger and its files (plans, photos) live here."""
    home = home_override()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def user_config_dir() -> Path:
    """Per-user settings."""
    home = home_override()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def user_log_dir() -> Path:
    """Log files (error details a person can send to support)."""
    home = home_override()
    return home / "logs" if home else Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def user_cache_dir() -> Path:
    """What can be rebuilt at any time (rendered plan tiles and the like)."""
    home = home_override()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR))


def default_database_path() -> Path:
    return user_data_dir() / "ledger.sqlite"

