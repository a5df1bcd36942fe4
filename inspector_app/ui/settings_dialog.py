"""Settings… (Ctrl+,): the inspector's own settings on this laptop (core.settings): the name recorded
in the history, the language, the paper the print dialog starts with, how many days of ledger backups
are kept, the size photos are stored at; it also shows where the error log is. The organisation's
settings (QR address, notice prefix) are in the ledger and have their own dialogs (ui/org_dialogs.py,
ui/status_server.py).

The dialog edits a copy; `changes()` says what the inspector changed, and the main window applies it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from inspector_app.core.settings import LANGUAGES, PAPER_SIZES, PHOTO_MAX_EDGES, Settings
from inspector_app.i18n import _, ngettext
from inspector_app.ui.error_reporting import log_path

NAME_MAX = 60


def settings_menu_text() -> str:
    """The main window's menu entry (kept here so that it lives in this part's catalogue)."""
    return _("Settings…")


def language_names() -> dict[str, str]:
    # The languages in their own words, so that someone who cannot read the current one finds theirs.
    return {"": _("Follow the system"), "zh_CN": "中文", "en": "English"}


def paper_names() -> dict[str, str]:
    return {"A4": _("A4 (210 × 297 mm)"), "A3": _("A3 (297 × 420 mm)"), "Letter": _("Letter (8.5 × 11 in)")}


def photo_size_names() -> dict[int, str]:
    names = {edge: _("{pixels} pixels").format(pixels=edge) for edge in PHOTO_MAX_EDGES}
    names[PHOTO_MAX_EDGES[0]] = _("{pixels} pixels (smallest files)").format(pixels=PHOTO_MAX_EDGES[0])
    names[PHOTO_MAX_EDGES[-1]] = _("{pixels} pixels (sharpest prints)").format(pixels=PHOTO_MAX_EDGES[-1])
    return names


@dataclass(frozen=True)
class SettingsChanges:
    inspector_name: str
    language: str
    paper_size: str
    backup_days: int
    photo_max_edge: int

    def apply_to(self, settings: Settings) -> list[str]:
        """Copy into `settings`; the names of the fields that changed."""
        changed = [name for name in ("inspector_name", "language", "paper_size", "backup_days", "photo_max_edge")
                   if getattr(settings, name) != getattr(self, name)]
        for name in changed:
            setattr(settings, name, getattr(self, name))
        if self.inspector_name:
            settings.inspector_name_asked = True
        return changed


class SettingsDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settings_dialog")
        self.setWindowTitle(_("Settings"))
        self.setMinimumWidth(460)

        self.name = QLineEdit(settings.inspector_name)
        self.name.setObjectName("inspector_name")
        self.name.setMaxLength(NAME_MAX)
        self.name.setPlaceholderText(_("e.g. 王建国"))
        self.name.setMinimumHeight(32)
        name_help = QLabel(_("Recorded in the history of every hazard you add or change."))
        name_help.setWordWrap(True)
        name_help.setStyleSheet("color: palette(mid);")

        self.language = QComboBox()
        self.language.setObjectName("language")
        for code in LANGUAGES:
            self.language.addItem(language_names()[code], code)
        self.language.setCurrentIndex(max(0, self.language.findData(settings.language)))

        self.paper = QComboBox()
        self.paper.setObjectName("paper_size")
        for code in PAPER_SIZES:
            self.paper.addItem(paper_names()[code], code)
        self.paper.setCurrentIndex(max(0, self.paper.findData(settings.paper_size)))

        self.backup_days = QSpinBox()
        self.backup_days.setObjectName("backup_days")
        self.backup_days.setRange(1, 365)
        self.backup_days.setValue(min(max(settings.backup_days, 1), 365))
        self.backup_days.valueChanged.connect(self._days_suffix)
        self._days_suffix(self.backup_days.value())

        self.photo_max_edge = QComboBox()
        self.photo_max_edge.setObjectName("photo_max_edge")
        for edge, text in photo_size_names().items():
            self.photo_max_edge.addItem(text, edge)
        found = self.photo_max_edge.findData(settings.photo_max_edge)
        self.photo_max_edge.setCurrentIndex(found if found >= 0 else self.photo_max_edge.count() - 1)
        photo_help = QLabel(_("The long side of a photo when it is attached: smaller keeps the ledger and its "
                              "sync light; the photos already attached keep their size."))
        photo_help.setWordWrap(True)
        photo_help.setStyleSheet("color: palette(mid);")

        log = QLabel(str(log_path()))
        log.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        log.setWordWrap(True)

        form = QFormLayout()
        form.addRow(_("Your name:"), self.name)
        form.addRow("", name_help)
        form.addRow(_("Language:"), self.language)
        form.addRow(_("Paper for printing:"), self.paper)
        form.addRow(_("Keep ledger backups for:"), self.backup_days)
        form.addRow(_("Photos stored at most:"), self.photo_max_edge)
        form.addRow("", photo_help)
        form.addRow(_("Error log:"), log)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _days_suffix(self, days: int) -> None:
        self.backup_days.setSuffix(ngettext(" day", " days", days))

    def changes(self) -> SettingsChanges:
        return SettingsChanges(inspector_name=" ".join(self.name.text().split()),
                               language=str(self.language.currentData()), paper_size=str(self.paper.currentData()),
                               backup_days=self.backup_days.value(),
                               photo_max_edge=int(self.photo_max_edge.currentData()))
