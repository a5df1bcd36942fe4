"""The first start: ask the inspector's name once, so that the history records a person ("王建国")
rather than the computer's login name ("root", "Administrator"). "Later" is an answer too: the
question is not asked again, and the name can be given any time in Settings… (ui/settings_dialog.py).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.core.settings import save_settings
from inspector_app.i18n import _
from inspector_app.ui.settings_dialog import NAME_MAX


class FirstStartDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_start_dialog")
        self.setWindowTitle(_("Welcome to Fire-Risk Inspector"))
        self.setMinimumWidth(420)
        intro = QLabel(_("What is your name? It is recorded in the history of every hazard you add or change, "
                         "so that the ledger shows who found and followed each one."))
        intro.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setObjectName("inspector_name")
        self.name.setMaxLength(NAME_MAX)
        self.name.setPlaceholderText(_("e.g. 王建国"))
        self.name.setMinimumHeight(32)
        later_note = QLabel(_("You can change it later in Settings…"))
        later_note.setStyleSheet("color: palette(mid);")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.later_button = QPushButton(_("Later"))
        self.buttons.addButton(self.later_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok_button.setEnabled(False)
        self.name.textChanged.connect(lambda text: self.ok_button.setEnabled(bool(text.strip())))

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.name)
        layout.addWidget(later_note)
        layout.addWidget(self.buttons)

    def inspector_name(self) -> str:
        return " ".join(self.name.text().split())


def ask_name_once(context: AppContext, parent: QWidget | None = None) -> str:
    """Ask for the inspector's name if it was never asked (and not given by --as); the name, or ""."""
    settings = context.settings
    if settings.inspector_name_asked or settings.inspector_name or context.actor_given:
        return ""
    dialog = FirstStartDialog(parent)
    name = dialog.inspector_name() if dialog.exec() else ""
    settings.inspector_name_asked = True
    if name:
        settings.inspector_name = name
    try:
        save_settings(settings)
    except OSError as exc:  # the name still acts for this session
        QMessageBox.warning(parent, _("Settings"), _("Could not save the settings: {problem}").format(
            problem=exc.strerror or exc))
    return name
