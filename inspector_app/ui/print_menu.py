"""The texts of the main window's Print menu, and the way from its entries to the print dialogs.

Apart from ui/print_dialogs.py so that the window can label its menu at the start without loading
what printing needs (QtPrintSupport, the notice register, the organisation dialogs): those are
imported when an entry is chosen. Same catalogue as the print dialogs (i18n.CATALOGUE_OF).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from inspector_app.app.context import AppContext
from inspector_app.i18n import _


def print_menu_texts() -> dict[str, str]:
    return {"menu": _("&Print"), "notice": _("Notice for selected hazards…"), "labels": _("QR labels for selected…"),
            "ledger": _("Export ledger…")}


def print_selected(parent: QWidget, context: AppContext, hazard_ids: list[str], kind: str) -> None:
    """ui.print_dialogs.print_selected, loaded on first use."""
    from inspector_app.ui.print_dialogs import print_selected as print_now

    print_now(parent, context, hazard_ids, kind)
