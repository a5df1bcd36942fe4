"""The small dialogs of setting up places: name a new or renamed site, building or floor (with a
building's use and a floor's storey), and the first-start dialog that sets up a site, its first
building and floor and the floor's plan in one go. They only collect values; the navigator calls the
core's use cases with them and shows the core's refusal (a duplicate name) inside the dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from inspector_app.core.errors import InspectorError
from inspector_app.core.forms import Catalogue
from inspector_app.i18n import _
from inspector_app.ui.file_dialogs import open_file

PLAN_PATTERNS = "*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp *.gif *.heic *.heif *.avif *.pdf *.svg *.svgz *.dxf"
ERROR_STYLE = "color: #b71c1c;"


def plan_file_filter() -> str:
    return _("Plans ({patterns});;All files (*)").format(patterns=PLAN_PATTERNS)


def choose_plan_file(parent: QWidget, title: str) -> Path | None:
    return open_file(parent, "plan", title, plan_file_filter())


class _CheckedDialog(QDialog):
    """A dialog whose OK runs ``on_accept`` first: a refusal stays in the dialog, typing is kept."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.on_accept: Callable[[QDialog], None] | None = None
        self.problem = QLabel()
        self.problem.setObjectName("problem")
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def accept(self) -> None:
        try:
            if self.on_accept is not None:
                self.on_accept(self)
        except InspectorError as exc:
            self.problem.setText(str(exc))
            self.problem.setVisible(True)
            return
        super().accept()

    def run(self) -> int:
        """exec(), then let go of the dialog on this thread. Its ``on_accept`` closure refers back to
        it, a cycle that only Python's cycle collector would free, and that collector may run on any
        thread (a plan import's, say): a widget destroyed there leaves its timers registered on the
        GUI thread, and the next one to fire crashes the program."""
        try:
            return self.exec()
        finally:
            self.on_accept = None
            self.deleteLater()


class PlaceDialog(_CheckedDialog):
    """Name a site, building or floor: new (under ``parent_name``) or renamed (``name`` given)."""

    def __init__(self, kind: str, parent_name: str = "", name: str = "", catalogue: Catalogue | None = None,
                 level: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        renaming = bool(name)
        titles = {("site", False): _("New site"), ("building", False): _("New building"),
                  ("floor", False): _("New floor"), ("site", True): _("Rename site"),
                  ("building", True): _("Rename building"), ("floor", True): _("Rename floor")}
        self.setWindowTitle(titles[(kind, renaming)])
        self.setMinimumWidth(420)
        form = QFormLayout(self)
        if parent_name:
            where = {"building": _("In site: {name}"), "floor": _("In building: {name}")}.get(kind, "{name}")
            form.addRow(QLabel(where.format(name=parent_name)))
        self.name = QLineEdit(name)
        self.name.setPlaceholderText({"site": _("e.g. No. 1 Middle School, east campus"),
                                      "building": _("e.g. Teaching building, Dormitory 2"),
                                      "floor": _("e.g. 1F, basement")}[kind])
        self.name.selectAll()
        form.addRow(_("Name:"), self.name)
        self.code = QLineEdit()
        self.area_type = QComboBox()
        self.level = QSpinBox()
        if kind == "site" and not renaming:
            self.code.setPlaceholderText(_("optional, e.g. LL1: starts the hazard numbers"))
            form.addRow(_("Code:"), self.code)
        if kind == "building" and not renaming and catalogue is not None:
            fill_area_types(self.area_type, catalogue)
            form.addRow(_("Used as:"), self.area_type)
        if kind == "floor" and not renaming:
            self.level.setRange(-9, 200)
            self.level.setValue(level if level is not None else 1)
            form.addRow(_("Storey:"), self.level)
        form.addRow(self.problem)
        form.addRow(self.buttons)

    def values(self) -> dict[str, Any]:
        return {"name": self.name.text(), "code": self.code.text().strip() or None,
                "area_type": self.area_type.currentData() or "other", "level": self.level.value()}


def fill_area_types(combo: QComboBox, catalogue: Catalogue) -> None:
    """The area types a building may be used as, by name, and "other" once, last and chosen: the forms
    have their own "other" (其他场所), which a second one added here doubled."""
    others = catalogue.area_types.get("other")
    for code, area in sorted(catalogue.area_types.items(), key=lambda item: item[1].name.get()):
        if code != "other":
            combo.addItem(area.name.get(), code)
    combo.addItem(others.name.get() if others is not None else _("Other"), "other")
    combo.setCurrentIndex(combo.count() - 1)  # chosen, not guessed


class FirstSiteDialog(_CheckedDialog):
    """The first start on an empty ledger: the site, its first building and floor, and the floor's plan."""

    def __init__(self, catalogue: Catalogue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Set up the first site"))
        self.setMinimumWidth(560)
        form = QFormLayout(self)
        intro = QLabel(_("Name the place you inspect, one of its buildings and a floor; add the floor's plan "
                         "now or later. More buildings and floors are added from the navigator (right-click)."))
        intro.setWordWrap(True)
        form.addRow(intro)
        self.site = QLineEdit()
        self.site.setPlaceholderText(_("e.g. No. 1 Middle School, east campus"))
        self.building = QLineEdit()
        self.building.setPlaceholderText(_("e.g. Teaching building, Dormitory 2"))
        self.area_type = QComboBox()
        fill_area_types(self.area_type, catalogue)
        self.floor = QLineEdit("1F")
        self.plan = QLineEdit()
        self.plan.setPlaceholderText(_("optional: PDF, image, SVG or DXF"))
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._browse)
        plan_row = QHBoxLayout()
        plan_row.addWidget(self.plan, 1)
        plan_row.addWidget(browse)
        form.addRow(_("Site:"), self.site)
        form.addRow(_("Building:"), self.building)
        form.addRow(_("Used as:"), self.area_type)
        form.addRow(_("Floor:"), self.floor)
        form.addRow(_("Plan:"), plan_row)
        form.addRow(self.problem)
        form.addRow(self.buttons)

    def _browse(self) -> None:
        path = choose_plan_file(self, _("Plan of the floor"))
        if path is not None:
            self.plan.setText(str(path))

    def values(self) -> dict[str, Any]:
        plan = self.plan.text().strip()
        return {"site": self.site.text(), "building": self.building.text(), "floor": self.floor.text(),
                "area_type": self.area_type.currentData() or "other", "plan": Path(plan) if plan else None}
