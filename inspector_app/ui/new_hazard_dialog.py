"""The quick dialog shown when a hazard is pinned on the plan: category (type to search, in Chinese
or English), severity prefilled from the category, a description with the category's quick phrases,
and the room. Everything else is filled in later in the ledger or the editor."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QWidget,
)

from inspector_app.core.forms import Catalogue
from inspector_app.i18n import _, current_language
from inspector_app.ui.layouts import clear_layout


class NewHazardDialog(QDialog):
    def __init__(self, catalogue: Catalogue, recent: list[str] | None = None, parent: QWidget | None = None,
                 area_type: str = "") -> None:
        """``area_type``: the building's; the categories its checklist looks for come right after the
        recently used ones, and the list starts on the first of them."""
        super().__init__(parent)
        self.catalogue = catalogue
        self.setWindowTitle(_("New hazard"))
        self.setMinimumWidth(520)
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        recent_codes = [c for c in (recent or []) if c in catalogue.categories]
        area_codes = [c for c in catalogue.categories_for_area(area_type) if c not in recent_codes]
        # The rest in the taxonomy's own order (its groups as the forms list them), not by code.
        rest = [c for c in catalogue.categories if c not in recent_codes and c not in area_codes]
        english = not current_language().startswith("zh")
        for section in (recent_codes, area_codes, rest):
            if section and self.category.count():
                self.category.insertSeparator(self.category.count())
            for code in section:
                name = catalogue.categories[code].name
                # Both languages, so either can be typed; the one the program speaks first.
                self.category.addItem(f"{name.en} · {name.zh}" if english else f"{name.zh} · {name.en}", code)
        self.category.setCurrentIndex(0)
        completer = QCompleter(self.category.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.category.setCompleter(completer)
        self.category.currentIndexChanged.connect(self._category_changed)
        self.severity = QComboBox()
        self.severity.addItem(_("General"), "general")
        self.severity.addItem(_("Major"), "major")
        self.description = QLineEdit()
        self.phrases = QHBoxLayout()
        self.room = QLineEdit()
        self.room.setPlaceholderText(_("e.g. 305, east stairwell"))
        form = QFormLayout(self)
        form.addRow(_("Category:"), self.category)
        form.addRow(_("Severity:"), self.severity)
        form.addRow(_("Description:"), self.description)
        form.addRow("", self.phrases)
        form.addRow(_("Room or spot:"), self.room)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._category_changed()

    def _category_changed(self, _index: int = 0) -> None:
        code = self.category.currentData()
        category = self.catalogue.categories.get(code) if code else None
        if category is None:
            return
        self.severity.setCurrentIndex(self.severity.findData(category.default_severity))
        clear_layout(self.phrases)
        for phrase in category.phrases[:3]:
            text = phrase.get()
            button = QPushButton(text)
            button.setMinimumHeight(36)
            button.clicked.connect(lambda _checked=False, chosen=text: self.description.setText(chosen))
            self.phrases.addWidget(button)

    def accept(self) -> None:
        """Refuse to record a hazard whose typed category matches no single category (no silent guess)."""
        typed = self.category.currentText().strip()
        if self.category.currentIndex() < 0 or typed != self.category.itemText(self.category.currentIndex()):
            matches = [row for row in range(self.category.count())
                       if typed and typed.casefold() in self.category.itemText(row).casefold()]
            if len(matches) != 1:
                QMessageBox.warning(self, _("New hazard"), _(
                    "'{typed}' is not one hazard category: choose one from the list.").format(typed=typed))
                self.category.setFocus()
                return
            self.category.setCurrentIndex(matches[0])
        super().accept()

    def values(self) -> dict[str, Any]:
        return {"category": self.category.currentData(), "severity": self.severity.currentData(),
                "description": self.description.text().strip(), "room": self.room.text().strip()}
