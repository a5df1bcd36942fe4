"""One translation mechanism for the whole program: gettext catalogues under resources/locale.

The UI, the CLI, the notices and the status page all translate through this module. Each part of
the program keeps its own catalogue file (``core.po``, ``ui.po``, ``notices.po``...) so that work on
one part never touches another's file, and each part reads only its own (falling back on the small
``common.po``): ``_()`` looks at the module that calls it (CATALOGUE_OF), so the same English word can
mean "open the file" in the print dialogs and "not yet rectified" in the ledger.

Module-level constants are marked with ``N_()`` and translated where they are shown, because the
language can change while the program runs (settings, or per request in the status server).
"""

from __future__ import annotations

import gettext
import locale
import os
import sys
import threading
from functools import cache
from pathlib import Path

from inspector_app.paths import resource_dir

SUPPORTED_LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"

_state = threading.local()
_global_language: str = "en"


def locale_dir() -> Path:
    return resource_dir() / "locale"


def normalise_language(tag: str | None) -> str | None:
    """Map 'zh', 'zh-CN', 'zh_Hans_CN.UTF-8', 'en-GB'... to a supported language, or None."""
    if not tag:
        return None
    tag = tag.split(".")[0].split("@")[0].replace("-", "_").lower()
    if tag.startswith("zh"):
        return "zh_CN"
    if tag.startswith("en") or tag in ("c", "posix"):
        return "en"
    return None


def system_language() -> str:
    """The language of the user's environment, falling back to Chinese (our first users)."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var)
        if value:
            found = normalise_language(value.split(":")[0])
            if found and value not in ("C.UTF-8", "C", "POSIX"):
                return found
    try:
        loc = locale.getlocale()[0]
    except ValueError:
        loc = None
    return normalise_language(loc) or DEFAULT_LANGUAGE


# Which catalogue a source file's strings live in: the longest matching prefix wins. scripts/i18n.py
# extracts with the same table, so a string is looked up in exactly the catalogue it was put in.
CATALOGUE_OF: dict[str, str] = {
    "inspector_app/selftest.py": "packaging",
    "inspector_app/launcher.py": "packaging",
    "inspector_app/ui/bundle_open.py": "packaging",
    "inspector_app/ui/settings_dialog.py": "settings",
    "inspector_app/ui/first_start.py": "settings",
    "inspector_app/ui/error_reporting.py": "settings",
    "inspector_app/ui/background.py": "settings",
    "inspector_app/core/db.py": "ledgerfile",
    "inspector_app/core/backups.py": "ledgerfile",
    "inspector_app/core/ledger_lock.py": "ledgerfile",
    "inspector_app/cli/backup_cmds.py": "ledgerfile",
    "inspector_app/app/context.py": "ledgerfile",
    "inspector_app/ui/ledger_file.py": "ledgerfile",
    "inspector_app/web/guard.py": "web_server",
    "inspector_app/web/http_protocol.py": "web_server",
    "inspector_app/core/sync/": "sync",
    # Major-hazard decision support (issue 26): its own catalogue, apart from the parts it touches.
    "inspector_app/core/major_": "major",
    "inspector_app/cli/major_cmds.py": "major",
    "inspector_app/ui/editor/major_": "major",
    "inspector_app/notices/determination": "major",
    "inspector_app/core/bundles.py": "sync",
    "inspector_app/cli/sync_cmds.py": "sync",
    "inspector_app/cli/bundle_cmds.py": "sync",
    "inspector_app/web/sync/api.py": "sync",
    "inspector_app/web/sync/client.py": "sync",
    "inspector_app/ui/sync_panel.py": "sync",
    "inspector_app/ui/sync_conflicts.py": "sync",
    "inspector_app/core/organisation.py": "org",
    "inspector_app/cli/org_cmds.py": "org",
    "inspector_app/ui/org_dialogs.py": "org",
    "inspector_app/core/accounts.py": "server",
    "inspector_app/cli/token_cmds.py": "server",
    "inspector_app/web/server_config.py": "server",
    "inspector_app/core/rollup.py": "rollup",
    "inspector_app/exports/rollup_xlsx.py": "rollup",
    "inspector_app/cli/summary_cmds.py": "rollup",
    "inspector_app/cli/plan_cmds.py": "plans",
    "inspector_app/cli/notice_cmds.py": "notices",
    "inspector_app/core/notice_register.py": "notices",
    "inspector_app/ui/print_dialogs.py": "ui_print",
    "inspector_app/ui/print_menu.py": "ui_print",
    "inspector_app/cli/ledger_cmds.py": "exports",
    "inspector_app/cli/serve_cmds.py": "web",
    "inspector_app/plans/": "plans",
    "inspector_app/ui/canvas/": "canvas",
    "inspector_app/ui/ledger_view.py": "ui_ledger",
    "inspector_app/ui/ledger_model.py": "ui_ledger",
    "inspector_app/ui/ledger_export.py": "ui_ledger",
    "inspector_app/ui/status_dialogs.py": "ui_ledger",
    "inspector_app/ui/status_change.py": "ui_ledger",
    "inspector_app/ui/checklist_dialog.py": "ui_ledger",
    "inspector_app/ui/summary_panel.py": "ui_ledger",
    "inspector_app/ui/inspection_dialog.py": "ui_ledger",
    "inspector_app/ui/editor/": "ui_editor",
    "inspector_app/core/photo_markup.py": "ui_editor",
    "inspector_app/core/attachments.py": "ui_editor",
    "inspector_app/core/structure.py": "structure",
    "inspector_app/cli/structure_cmds.py": "structure",
    "inspector_app/ui/navigator.py": "structure",
    "inspector_app/ui/place_dialogs.py": "structure",
    "inspector_app/ui/plan_import.py": "structure",
    "inspector_app/ui/": "ui",
    "inspector_app/notices/": "notices",
    "inspector_app/exports/": "exports",
    "inspector_app/web/": "web",
    "inspector_app/": "core",
}
# The only catalogue every part falls back on: words that mean the same everywhere (the program's name).
COMMON_CATALOGUE = "common"


def catalogue_for(path: str) -> str:
    """The catalogue of a source file, by its path relative to the project (``inspector_app/ui/x.py``)."""
    path = path.replace("\\", "/")
    for prefix in sorted(CATALOGUE_OF, key=len, reverse=True):
        if path.startswith(prefix):
            return CATALOGUE_OF[prefix]
    return COMMON_CATALOGUE


@cache
def _catalogue_of_module(module: str, is_package: bool) -> str:
    if not module.startswith("inspector_app"):
        return COMMON_CATALOGUE  # tests and scripts get the common words only
    path = module.replace(".", "/") + ("/__init__.py" if is_package else ".py")
    return catalogue_for(path)


_CATALOGUE_BY_MODULE: dict[str, str] = {}  # module name -> catalogue: one dict look-up per call


def _caller_catalogue(depth: int) -> str:
    frame_globals = sys._getframe(depth + 1).f_globals
    module = frame_globals.get("__name__", "")
    found = _CATALOGUE_BY_MODULE.get(module)
    if found is not None and module != "__main__":
        return found
    if module == "__main__":
        spec = frame_globals.get("__spec__")
        module = getattr(spec, "name", "") or ""
    is_package = str(frame_globals.get("__file__", "")).endswith("__init__.py")
    found = _catalogue_of_module(module, is_package)
    _CATALOGUE_BY_MODULE[frame_globals.get("__name__", "")] = found
    return found


@cache
def translations(language: str, catalogue: str = COMMON_CATALOGUE) -> gettext.NullTranslations:
    """One part's catalogue of a language, falling back on the common one (English is the source)."""
    if language == "en":
        return gettext.NullTranslations()
    folder = locale_dir() / language / "LC_MESSAGES"
    chain: gettext.NullTranslations = gettext.NullTranslations()
    for name in dict.fromkeys((COMMON_CATALOGUE, catalogue)):  # common last: it is the fallback
        mo = folder / f"{name}.mo"
        if not mo.exists():
            continue
        with mo.open("rb") as fh:
            found = gettext.GNUTranslations(fh)
        found.add_fallback(chain)
        chain = found
    return chain


class Message(str):
    """A string marked with ``N_()``: it remembers the catalogue of the module that marked it, so a
    status word defined in the core is translated from the core's catalogue wherever it is shown."""

    catalogue: str


def set_language(language: str) -> None:
    """Switch the process-wide language (the desktop program and the CLI)."""
    global _global_language
    if language not in SUPPORTED_LANGUAGES:
        raise ValueError(f"unsupported language: {language}")
    _global_language = language


def current_language() -> str:
    return getattr(_state, "language", None) or _global_language


class use_language:
    """Translate in another language inside a block, for this thread only (a notice, a request)."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.previous: str | None = None

    def __enter__(self) -> use_language:
        self.previous = getattr(_state, "language", None)
        _state.language = self.language
        return self

    def __exit__(self, *exc: object) -> None:
        _state.language = self.previous


def _(message: str) -> str:
    """Translate from the catalogue of the calling module (or of the module that marked it with N_)."""
    catalogue = getattr(message, "catalogue", None) or _caller_catalogue(1)
    return translations(current_language(), catalogue).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for n, from the calling module's catalogue."""
    return translations(current_language(), _caller_catalogue(1)).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet; ``_()`` translates it later, from the
    catalogue of the module that marked it."""
    marked = Message(message)
    marked.catalogue = _caller_catalogue(1)
    return marked
