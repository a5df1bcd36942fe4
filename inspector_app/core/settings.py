"""User settings, declared with types and defaults in one place and stored as JSON.

A file written by an older version is upgraded by versioned steps; a damaged file is kept aside
(never silently overwritten) and the defaults are used.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from inspector_app.paths import user_config_dir

SETTINGS_VERSION = 1


class Settings(BaseModel):
    version: int = SETTINGS_VERSION
    language: str = ""  # empty: follow the system
    inspector_name: str = ""
    # Kept only to move them once into each ledger's organisation (core.organisation.migrate_user_settings):
    # the base URL and the notice prefix are the organisation's, stored in the ledger. Nothing else reads them.
    public_base_url: str = "http://127.0.0.1:8470"
    notice_prefix: str = ""
    migrated_ledgers: list[str] = Field(default_factory=list)  # ledgers moved already (cli.context.ledger_key)
    extra_forms_dirs: list[str] = Field(default_factory=list)
    last_database: str = ""
    backup_keep_days: int = 14  # automatic backups of the ledger are kept this many days (core/backups.py)
    last_floor_id: str = ""
    last_inspection_id: str = ""
    recent_categories: list[str] = Field(default_factory=list)  # hazard category codes, newest first
    window_geometry: str = ""  # base64 of QMainWindow.saveGeometry(), kept as text for JSON
    window_state: str = ""
    sync_server: str = ""  # the shared ledger's address, e.g. https://ledger.example.cn
    # The inspector's sync token is a per-user secret: it stays in this user's settings file and
    # is never put in the ledger (there is no keyring dependency; the file is the user's own).
    sync_token: str = ""


def settings_path() -> Path:
    return user_config_dir() / "settings.json"


def _upgrade(data: dict[str, Any]) -> dict[str, Any]:
    data.setdefault("version", SETTINGS_VERSION)
    return data


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        return Settings.model_validate(_upgrade(json.loads(path.read_text(encoding="utf-8"))))
    except (OSError, ValueError, ValidationError):
        path.replace(path.with_suffix(".damaged.json"))
        return Settings()


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(settings.model_dump_json(indent=2), encoding="utf-8")
    tmp.replace(path)
