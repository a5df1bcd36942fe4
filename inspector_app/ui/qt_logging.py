"""What Qt writes to the console: its real warnings, not the same lines on every start.

Set by the program itself, before its QApplication (ui/app.py, the bundle opener, the self-test): QtMultimedia
lists the optional libraries it did not find (pipewire, VA-API) and its FFmpeg version each time the camera
is looked for, and Qt's offscreen and Wayland platforms say on each window that they "do not support
propagateSizeHints()". None of it is anything an inspector or a support person can act on. Everything
else Qt says still reaches stderr as Qt would print it; QT_LOGGING_RULES in the environment still wins.
"""

from __future__ import annotations

import contextlib
import sys

from PySide6.QtCore import QLoggingCategory, QMessageLogContext, QtMsgType, qFormatLogMessage, qInstallMessageHandler

QUIET_RULES = "\n".join((
    "qt.multimedia.symbolsresolver=false",  # "Couldn't load pipewire-0.3 library", "... va-drm ..."
    "qt.multimedia.ffmpeg.info=false",  # "Using Qt multimedia with FFmpeg version ..."
))
# Messages of Qt's default category that say only what a platform plugin cannot do, on every window.
HARMLESS = frozenset({"This plugin does not support propagateSizeHints()"})

_installed = False


def _handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if message in HARMLESS:
        return
    with contextlib.suppress(AttributeError, OSError, ValueError):  # no stderr (a windowed process)
        sys.stderr.write(qFormatLogMessage(mode, context, message) + "\n")


def quiet_qt() -> None:
    """Call once, before the QApplication: the rules above, and the handler that drops HARMLESS."""
    global _installed
    if _installed:
        return
    QLoggingCategory.setFilterRules(QUIET_RULES)
    qInstallMessageHandler(_handler)
    _installed = True
