"""Inspection forms as data: the hazard taxonomy, the per-area checklists and the major-hazard rules, as
the program uses them.

The forms are YAML files (the built-in forms/ folder, then an organisation's own folders, which add to
or override the built-in entries by code), read and validated by core.forms_files with pydantic. The
validated catalogue is kept in the user's cache folder as JSON, keyed by every forms file's name and
content (SHA-256; the files are small) and by the program's version; a start whose files are unchanged reads that
instead, without loading YAML or pydantic (a tenth of a second here). Any change to a file, a file
added or removed, or a cache that cannot be read sends the next load back to the files; a malformed
file is then refused with its path, the line and what is wrong, as always.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from inspector_app.core.form_types import (
    ICONS,
    AreaType,
    Catalogue,
    Category,
    Checklist,
    ChecklistItem,
    FormsError,
    Group,
    MajorRule,
    RuleFile,
    Text,
    format_problem,
)
from inspector_app.paths import builtin_forms_dir, user_cache_dir

# The types are defined in core.form_types and named here too, where most callers look for them.
__all__ = ["ICONS", "AreaType", "Catalogue", "Category", "Checklist", "ChecklistItem", "FormsError", "Group",
           "MajorRule", "RuleFile", "Text", "format_problem", "load_catalogue"]

CACHE_FORMAT = 2  # 2: with the major-hazard rules


def load_catalogue(extra_dirs: list[Path] | tuple[Path, ...] = (), include_builtin: bool = True,
                   use_cache: bool = True) -> Catalogue:
    """The built-in forms, then each organisation folder in order (later entries win); FormsError if
    any file is malformed. ``use_cache=False`` reads and validates every file (`forms check`)."""
    folders = ([builtin_forms_dir()] if include_builtin else []) + [Path(d) for d in extra_dirs]
    cache = _cache_file(folders) if use_cache else None
    if cache is not None:
        cached = _read_cache(cache)
        if cached is not None:
            return cached
    # Here, not at the top: pydantic and YAML cost a tenth of a second that a cached start never pays.
    from inspector_app.core.forms_files import read_folders

    catalogue = read_folders(folders)
    if cache is not None:
        _write_cache(cache, catalogue)
    return catalogue


def _cache_file(folders: list[Path]) -> Path | None:
    """The cache entry for exactly these files as they are now; None if a file cannot be read."""
    from inspector_app import __version__

    fingerprint = hashlib.sha256(f"{CACHE_FORMAT} {__version__}".encode())
    for folder in folders:
        fingerprint.update(f"\0{folder.resolve()}".encode())
        try:
            files = [folder / "taxonomy.yaml", *sorted((folder / "checklists").glob("*.yaml")),
                     *sorted((folder / "major_hazards").glob("*.yaml"))]
            for path in files:
                if path.exists():  # the content itself: a timestamp can miss an edit made within its tick
                    fingerprint.update(f"\0{path.name}\0".encode() + hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            return None
    return user_cache_dir() / "forms" / f"{fingerprint.hexdigest()[:32]}.json"


def _read_cache(path: Path) -> Catalogue | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return _catalogue_from_json(data)
    except (OSError, ValueError, KeyError, TypeError):  # absent, or damaged: read the files instead
        return None


def _write_cache(path: Path, catalogue: Catalogue) -> None:
    data = asdict(catalogue)
    data["sources"] = [str(p) for p in catalogue.sources]
    with contextlib.suppress(OSError):  # a cache: without it the next start reads the files again
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        partial.replace(path)  # whole or not at all, even with two programs starting at once


def _text(data: dict[str, str]) -> Text:
    return Text(zh=str(data["zh"]), en=str(data["en"]))


def _catalogue_from_json(data: dict[str, Any]) -> Catalogue:
    return Catalogue(
        area_types={code: AreaType(a["code"], _text(a["name"])) for code, a in data["area_types"].items()},
        groups={code: Group(g["code"], _text(g["name"]), g["icon"]) for code, g in data["groups"].items()},
        categories={code: Category(
            code=c["code"], group=c["group"], name=_text(c["name"]), default_severity=c["default_severity"],
            deadline_days=int(c["deadline_days"]), fixable_on_spot=bool(c["fixable_on_spot"]),
            legal_basis=_text(c["legal_basis"]), requirement=_text(c["requirement"]),
            phrases=tuple(_text(p) for p in c["phrases"])) for code, c in data["categories"].items()},
        checklists={area: Checklist(
            area_type=k["area_type"], name=_text(k["name"]),
            items=tuple(ChecklistItem(i["code"], _text(i["text"]), i["category"]) for i in k["items"]))
            for area, k in data["checklists"].items()},
        major_rules={rule_id: MajorRule(
            id=r["id"], file=r["file"], reference=_text(r["reference"]), text=r["text"], gloss=r["gloss"],
            questions=tuple(_text(q) for q in r["questions"]), confirm_when=r["confirm_when"],
            categories=tuple(r["categories"]), checklist_items=tuple(r["checklist_items"]),
            status=_text(r["status"]) if r["status"] else None) for rule_id, r in data["major_rules"].items()},
        rule_files={name: RuleFile(
            name=f["name"], edition=f["edition"], sha256=f["sha256"], title=_text(f["title"]),
            issuer=_text(f["issuer"]), number=f["number"], date=f["date"], part=_text(f["part"]),
            status=_text(f["status"]), missing=tuple(_text(m) for m in f["missing"]),
            copied_from=tuple(f["copied_from"])) for name, f in data["rule_files"].items()},
        sources=[Path(p) for p in data["sources"]],
    )
