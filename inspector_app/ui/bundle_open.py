"""A bundle file opened from the desktop (the Windows installer associates .fribundle files with the
program): ask before merging it into the ledger the program opens, merge it by the sync rules
(core.bundles), and say what came in or why nothing did. The program then opens on that ledger."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from inspector_app.app.context import AppContext
from inspector_app.core.bundles import import_bundle
from inspector_app.core.errors import InspectorError
from inspector_app.i18n import _, ngettext
from inspector_app.paths import default_database_path

BUNDLE_SUFFIX = ".fribundle"


def is_bundle_argument(args: list[str]) -> bool:
    """What Explorer passes on a double-click: the one path of an existing bundle file."""
    return len(args) == 1 and args[0].lower().endswith(BUNDLE_SUFFIX) and Path(args[0]).is_file()


def offer_bundle(context: AppContext, path: Path, parent: QWidget | None = None) -> bool:
    """True when the bundle was merged; False when the user declined or it was refused (already said)."""
    title = _("Open a bundle")
    ledger = context.database_url or str(context.db_path or default_database_path())
    asked = QMessageBox.question(
        parent, title, _("Merge the bundle {file} into this ledger?\n\n{ledger}").format(file=path.name, ledger=ledger),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
    if asked != QMessageBox.StandardButton.Yes:
        return False
    try:
        report = import_bundle(context.db, path, context.actor)
    except InspectorError as exc:
        QMessageBox.warning(parent, title, str(exc))
        return False
    lines = [ngettext("{count} record merged.", "{count} records merged.", report.changes).format(count=report.changes),
             ngettext("{count} file received.", "{count} files received.", report.files).format(count=report.files)]
    if report.conflicts:
        lines.append(ngettext("{count} conflict to settle (File → Sync conflicts…).",
                              "{count} conflicts to settle (File → Sync conflicts…).",
                              report.conflicts).format(count=report.conflicts))
    QMessageBox.information(parent, title, "\n".join(lines))
    return True
