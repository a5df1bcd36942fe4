"""One translation mechanism for the whole program: gettext catalogues under resources/locale.

The UI, the CLI, the notices and the status page all translate through this module. Each part of
the program keeps its own catalogue file (``core.po``, ``ui.po``, ``notices.po``...) so that work on
one part never touches another's file; at run time every catalogue of a language is chained into one
translator, so ``_()`` finds a message wherever it lives.

Module-level constants are marked with ``N_()`` and translated where they are shown, because the
language can change while the program runs (settings, or per request in the status server).
"""

from __future__ import annotations

import gettext
import locale
import os
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


@cache
def translations(language: str) -> gettext.NullTranslations:
    """All catalogues of one language chained together (English is the source language)."""
    chain: gettext.NullTranslations = gettext.NullTranslations()
    if language == "en":
        return chain
    folder = locale_dir() / language / "LC_MESSAGES"
    first: gettext.NullTranslations | None = None
    for mo in sorted(folder.glob("*.mo")):
        with mo.open("rb") as fh:
            catalogue = gettext.GNUTranslations(fh)
        if first is None:
            first = catalogue
        else:
            first.add_fallback(catalogue)
    return first or chain


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
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message
