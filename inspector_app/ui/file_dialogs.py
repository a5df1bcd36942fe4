"""File dialogs that start where the inspector last was, one folder per kind of file (plans, photos,
ledgers, exports, printed PDFs), remembered in the settings; the first time, the home folder, never the
program's own folder (the working directory, where a bare file name would have put them).

    path = open_file(parent, "plan", _("Plan of the floor"), plan_file_filter())

The main window hands over the settings once (``remember_in``); without them (a dialog on its own, in a
test) the dialogs start at home and remember nothing.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from inspector_app.core.settings import Settings, save_settings

KINDS = ("plan", "photo", "ledger", "export", "print")

_settings: Settings | None = None


def remember_in(settings: Settings | None) -> None:
    global _settings
    _settings = settings


def start_folder(kind: str) -> Path:
    """The folder a dialog of this kind opens in: the last one used, if it is still there, else home."""
    remembered = _settings.last_folders.get(kind, "") if _settings is not None else ""
    if remembered and Path(remembered).is_dir():
        return Path(remembered)
    return Path.home()


def _remember(kind: str, chosen: Path) -> None:
    if _settings is None:
        return
    folder = str(chosen.parent)
    if _settings.last_folders.get(kind) != folder:
        _settings.last_folders = {**_settings.last_folders, kind: folder}
        # Not saved (a read-only profile): remembered for this session all the same.
        with contextlib.suppress(OSError):
            save_settings(_settings)


def open_file(parent: QWidget | None, kind: str, title: str, patterns: str) -> Path | None:
    name, _filter = QFileDialog.getOpenFileName(parent, title, str(start_folder(kind)), patterns)
    if not name:
        return None
    _remember(kind, Path(name))
    return Path(name)


def open_files(parent: QWidget | None, kind: str, title: str, patterns: str) -> list[Path]:
    names, _filter = QFileDialog.getOpenFileNames(parent, title, str(start_folder(kind)), patterns)
    if names:
        _remember(kind, Path(names[0]))
    return [Path(name) for name in names]


def save_file(parent: QWidget | None, kind: str, title: str, suggested_name: str, patterns: str) -> Path | None:
    """Ask where to save, offering ``suggested_name`` in the kind's folder."""
    name, _filter = QFileDialog.getSaveFileName(parent, title, str(start_folder(kind) / suggested_name), patterns)
    if not name:
        return None
    _remember(kind, Path(name))
    return Path(name)
