"""`inspector-app [gui]`: start the desktop program on the chosen ledger."""

from __future__ import annotations

import argparse
from typing import Any

from inspector_app.app.context import AppContext
from inspector_app.i18n import _


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("gui", help=_("start the desktop program (the default)"))
    parser.set_defaults(handler=run_gui)


def run_gui(context: AppContext, args: argparse.Namespace) -> int:
    # Imported here so that every other command runs without loading Qt.
    from inspector_app.ui.app import run

    return run(context)
