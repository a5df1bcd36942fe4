"""The main window's commands that run through dialogs: start an inspection, walk a checklist, open
another ledger, about, the settings, the status server and the camera; and exporting the ledger
with what it will write said first. A mixin of
``MainWindow`` (ui/main_window.py), kept apart so the window's own file stays about layout and wiring.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QMessageBox

from inspector_app import __version__
from inspector_app.i18n import _, system_language
from inspector_app.ui.file_dialogs import open_file
from inspector_app.ui.window_frame import WindowFrame

# The core (SQLAlchemy and the models) and the dialogs built on it are imported by the commands that
# use them: the main window's frame is painted before they load (ui/main_window.py, issue 23).

if TYPE_CHECKING:
    from inspector_app.app.context import AppContext
    from inspector_app.ui.editor import HazardEditor
    from inspector_app.ui.ledger_view import LedgerView
    from inspector_app.ui.scan_box import ScanBox
    from inspector_app.ui.status_server import LocalStatusServer
    from inspector_app.ui.summary_panel import SummaryPanel
    from inspector_app.ui.sync_panel import SyncPanel


class WindowCommands(WindowFrame):
    """What these commands need of the window (MainWindow provides all of it)."""

    context: AppContext
    selected: tuple[str, uuid.UUID] | None
    editor: HazardEditor
    ledger_view: LedgerView
    summary: SummaryPanel
    sync_panel: SyncPanel
    undo_stack: QUndoStack

    settings_action: QAction
    camera_action: QAction
    scan_box: ScanBox
    status_server: LocalStatusServer | None

    def _current_site(self) -> uuid.UUID | None:
        raise NotImplementedError

    def switch_language(self, language: str) -> None:
        raise NotImplementedError

    def _save_settings(self) -> None:
        raise NotImplementedError

    def _fill_inspections(self, wanted: str | None = None) -> None:
        raise NotImplementedError

    def current_inspection(self) -> uuid.UUID | None:
        raise NotImplementedError

    def focus_editor(self) -> None:
        raise NotImplementedError

    def reload(self) -> None:
        raise NotImplementedError

    def retranslate(self) -> None:
        raise NotImplementedError

    def new_inspection(self) -> None:
        site = self._current_site()
        if site is None:
            QMessageBox.information(self, _("New inspection"), _("Choose a site, building or floor first."))
            return
        from inspector_app.core import structure
        from inspector_app.ui.inspection_dialog import InspectionDialog

        dialog = InspectionDialog(self.context.settings.inspector_name, self)
        if not dialog.exec():
            return
        day, kind, inspectors, notes = dialog.values()
        with self.context.db.session() as session:
            site_row = session.get(structure.Site, site)
            assert site_row is not None
            inspection = structure.create_inspection(session, site_row, day, kind, inspectors, notes)
        self._fill_inspections(str(inspection.id))

    def run_checklist(self) -> None:
        from inspector_app.core import structure
        from inspector_app.ui.checklist_dialog import ChecklistDialog

        inspection = self.current_inspection()
        if inspection is None:
            QMessageBox.information(self, _("Checklist"), _("Choose or start an inspection first."))
            return
        kind, ident = self.selected or ("", None)
        building_id = floor_id = None
        area_type = None
        with self.context.db.session() as session:
            if kind == "floor" and ident:
                floor_id = ident
                building_id = structure.get_floor(session, ident).building_id
            elif kind == "building":
                building_id = ident
            if building_id:
                building = session.get(structure.Building, building_id)
                area_type = building.area_type if building else None
        dialog = ChecklistDialog(self.context, inspection, area_type, building_id, floor_id, self)
        created: list[str] = []
        dialog.hazardCreated.connect(created.append)
        dialog.hazardCreated.connect(lambda _id: self.ledger_view.refresh())
        dialog.exec()
        self.summary.refresh()
        if created:  # the last failed item's hazard, in the editor, offering to place its pin
            self.editor.set_hazard(created[-1])
            self.focus_editor()

    def choose_ledger(self) -> None:
        path = open_file(self, "ledger", _("Open ledger"), _("Ledger files (*.sqlite *.db);;All files (*)"))
        if path is not None:
            self.open_ledger(path)

    def open_ledger(self, path: Path) -> None:
        """File → Open: the ledger is opened as at start (ui/ledger_file.py): a damaged one says so and
        offers its latest backup; giving up keeps the ledger that was open. Either way every view is
        pointed at the ledger that is open afterwards, never left on one that was closed."""
        from inspector_app.ui.ledger_file import switch_ledger

        if self.sync_panel.refuses_ledger_switch():
            return
        self.editor.set_hazard(None)  # saves typing still waiting, into the ledger it belongs to
        outcome = switch_ledger(self.context, path, self)
        if outcome == "quit":
            self.close()
            return
        if outcome == "switched":
            self.selected = None
            self.undo_stack.clear()  # its steps name the ledger that was open
        self.ledger_view.model.set_database(self.context.db)
        self.editor.db = self.context.db
        self.retranslate()
        self.reload()

    def show_about(self) -> None:
        QMessageBox.about(self, _("About Fire-Risk Inspector"), _(
            "Fire-Risk Inspector {version}\nPin fire hazards on floor plans, issue rectification notices "
            "with QR codes and keep the hazard ledger until every hazard is closed.").format(version=__version__))


    def export_ledger(self) -> None:
        """Print → Export ledger: says what it will write (and why: the list's filters) before writing."""
        from inspector_app.core import ledger
        from inspector_app.ui.ledger_export import export_ledger

        view = self.ledger_view
        if view.search_timer.isActive():  # typing still waiting for its pause counts
            view.search_timer.stop()
            view.apply_filter()
        total = view.model.count_matching(ledger.LedgerFilter())
        export_ledger(self, self.context, view.model.ids(), view.selected_ids(), total, view.describe_filters)

    def show_status_server(self) -> None:
        from inspector_app.ui.status_server import LocalStatusServer, StatusServerDialog

        if self.status_server is None:
            self.status_server = LocalStatusServer(self.context)
        StatusServerDialog(self.context, self.status_server, self).exec()

    def _offer_camera(self) -> None:
        from inspector_app.ui.camera_scan import camera_available

        self.camera_action.setVisible(camera_available())

    def scan_with_camera(self) -> None:
        from inspector_app.ui.camera_scan import CameraScanDialog

        dialog = CameraScanDialog(self)
        if dialog.exec() and dialog.text:
            self.scan_box.setText(dialog.text)
            self.scan_box.resolve()

    # -- the inspector's settings (ui/settings_dialog.py, ui/first_start.py) -------------------
    def _retranslate_settings_action(self) -> None:
        from inspector_app.ui.settings_dialog import settings_menu_text

        self.settings_action.setText(settings_menu_text())

    def show_settings(self) -> None:
        from inspector_app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context.settings, self)
        if not dialog.exec():
            return
        chosen = dialog.changes()
        changed = chosen.apply_to(self.context.settings)
        if "inspector_name" in changed:
            self.set_inspector_name(chosen.inspector_name)
        if "photo_max_edge" in changed:
            self.editor.photo_max_edge = chosen.photo_max_edge  # the next photo attached is stored so
        if "language" in changed:
            self.switch_language(chosen.language or system_language())
            self.context.settings.language = chosen.language  # "" keeps following the system
        self._save_settings()

    def set_inspector_name(self, name: str) -> None:
        """The edits made from now on are recorded under this name (unless --as chose another)."""
        self.context.use_inspector_name(name)
        self.editor.actor = self.context.actor
