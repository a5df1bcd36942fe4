"""Per-user settings of this laptop: declared once below with their types and defaults, stored as JSON.

A file written by an older version is upgraded by the versioned steps in UPGRADES, one version at a
time; a value of the wrong type, or not one of its choices, falls back to its default (the others are
kept), and so does a setting the file does not have yet: a new setting with a default needs no upgrade
step, only a changed meaning does. A file that is not JSON at all is kept aside as
settings.damaged.json, never silently overwritten; keys written by a newer program are carried along
untouched. The organisation's own settings (QR address, notice prefix) are
not here: they are data in the ledger (core.organisation).

Plain dataclasses rather than pydantic: every command loads the settings, and pydantic alone costs a
tenth of a second at start-up.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_origin, get_type_hints

from inspector_app.paths import user_config_dir

SETTINGS_VERSION = 2

LANGUAGES = ("", "zh_CN", "en")  # "": follow the system
PAPER_SIZES = ("A4", "A3", "Letter")
# The long edge, in pixels, that an attached photo is reduced to. The largest is the default and
# core.photos.MAX_STORED_EDGE (ample for an A4 print at 300 dpi); the smaller ones keep a ledger that
# travels (sync, bundles, a USB stick) light. Any other number in the file falls back to the default.
PHOTO_MAX_EDGES = (1600, 2048, 3072, 4096)

log = logging.getLogger(__name__)


@dataclass
class Settings:
    version: int = SETTINGS_VERSION
    language: str = ""  # one of LANGUAGES
    # Recorded as the actor of every event made in the program and by the CLI (unless --as is given).
    inspector_name: str = ""
    inspector_name_asked: bool = False  # the first-start dialog has been shown (asked once, never again)
    paper_size: str = "A4"  # one of PAPER_SIZES: what the print dialog starts with
    backup_days: int = 14  # how many days of rotating ledger backups to keep
    photo_max_edge: int = PHOTO_MAX_EDGES[-1]  # one of PHOTO_MAX_EDGES: a stored photo's long edge at most
    # Kept only to move them once into each ledger's organisation (core.organisation.migrate_user_settings):
    # the base URL and the notice prefix are the organisation's, stored in the ledger. Nothing else reads them.
    public_base_url: str = "http://127.0.0.1:8470"
    notice_prefix: str = ""
    migrated_ledgers: list[str] = field(default_factory=list)  # ledgers moved already (app.context.ledger_key)
    extra_forms_dirs: list[str] = field(default_factory=list)
    # Last places, so that the program opens where the inspector left off.
    last_database: str = ""
    last_floor_id: str = ""
    last_inspection_id: str = ""
    recent_categories: list[str] = field(default_factory=list)  # hazard category codes, newest first
    # The folder each kind of file dialog last chose ("plan", "photo", "ledger", "export", "print").
    last_folders: dict[str, str] = field(default_factory=dict)
    window_geometry: str = ""  # base64 of QMainWindow.saveGeometry(), kept as text for JSON
    window_state: str = ""
    sync_server: str = ""  # the shared ledger's address, e.g. https://ledger.example.cn
    # The inspector's sync token is a per-user secret: it stays in this user's settings file and
    # is never put in the ledger (there is no keyring dependency; the file is the user's own).
    sync_token: str = ""
    # Keys this program does not know (written by a newer version): saved back as they came.
    unknown: dict[str, Any] = field(default_factory=dict, repr=False)

    def to_json(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "unknown"}
        return {**self.unknown, **data}


def _upgrade_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 2 asks the inspector's name once at first start: someone who already gave a name is not
    asked again. Version 1 also kept the language as typed ("zh", "zh-CN", "en_GB"): normalise it."""
    if data.get("inspector_name"):
        data["inspector_name_asked"] = True
    language = str(data.get("language") or "").replace("-", "_").lower()
    data["language"] = "zh_CN" if language.startswith("zh") else "en" if language.startswith("en") else ""
    return data


# UPGRADES[n] turns a version-n file into a version n+1 one. A file without a version is version 1.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _upgrade_1_to_2}


def upgrade(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("version", 1)
    if not isinstance(version, int) or version < 1:
        version = 1
    while version < SETTINGS_VERSION:
        data = UPGRADES[version](dict(data))
        version += 1
    data["version"] = max(version, SETTINGS_VERSION)  # a newer program's file keeps its number
    return data


_FIELD_TYPES = get_type_hints(Settings)
_CHOICES: dict[str, tuple[object, ...]] = {"language": LANGUAGES, "paper_size": PAPER_SIZES,
                                          "photo_max_edge": PHOTO_MAX_EDGES}


def _valid(name: str, value: Any) -> bool:
    kind = _FIELD_TYPES[name]
    if kind is bool:
        ok = isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif kind is str:
        ok = isinstance(value, str)
    elif get_origin(kind) is dict:  # dict[str, str]
        ok = isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    else:  # list[str]
        ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    return ok and (name not in _CHOICES or value in _CHOICES[name])


def from_json(data: dict[str, Any]) -> Settings:
    """Settings from a parsed file (any version): wrong values fall back to their defaults."""
    data = upgrade(data)
    known = {f.name for f in dataclasses.fields(Settings)} - {"unknown"}
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name not in known:
            continue
        if _valid(name, value):
            values[name] = value
        else:
            log.warning("settings: %s=%r is not valid; using the default", name, value)
    return Settings(**values, unknown={k: v for k, v in data.items() if k not in known})


def settings_path() -> Path:
    return user_config_dir() / "settings.json"


def load_settings(path: Path | None = None) -> Settings:
    path = path or settings_path()
    if not path.exists():
        return Settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        log.warning("settings: %s is damaged (%s); kept aside, using the defaults", path, exc)
        path.replace(path.with_suffix(".damaged.json"))
        return Settings()
    return from_json(data)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(settings.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
