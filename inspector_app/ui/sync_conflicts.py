"""The sync conflicts view: what two laptops changed at once, as a table (a thin model over
core.sync.conflicts.open_conflicts), with "Keep mine" / "Keep theirs" through the core's resolve().

Opened from the sync panel (ui/sync_panel.py); its words live in the "sync" catalogue.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.core.errors import InspectorError
from inspector_app.core.sync import laptop
from inspector_app.core.sync.conflicts import open_conflicts, resolve
from inspector_app.core.workflow import severity_label, status_label
from inspector_app.i18n import N_, _
from inspector_app.ui.models import AnyIndex

ERROR_COLOUR = "#b71c1c"
CONFLICT_COLUMNS = (("hazard", N_("Hazard")), ("field", N_("Field")), ("mine", N_("Mine")),
                    ("theirs", N_("Theirs")), ("who", N_("Theirs by")), ("in_effect", N_("In effect now")))
FIELD_NAMES = {"description": N_("Description"), "status": N_("Status"), "severity": N_("Severity"),
               "deadline": N_("Deadline"), "category": N_("Category"), "location": N_("Location"),
               "responsible_person": N_("Responsible"), "measures": N_("Measures")}


def _value(name: str, value: Any) -> str:
    if value is None or value == "":
        return _("(empty)")
    if name == "status":
        return status_label(str(value))
    if name == "severity":
        return severity_label(str(value))
    return str(value)


class ConflictModel(QAbstractTableModel):
    """A thin adapter over core.sync.conflicts.open_conflicts (as dicts; nothing else is kept)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(CONFLICT_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _(CONFLICT_COLUMNS[section][1])
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        key, name = CONFLICT_COLUMNS[index.column()][0], str(row.get("field") or "")
        in_effect = "mine" if row.get("in_effect_is_mine") else "theirs"
        if role == Qt.ItemDataRole.FontRole and key == in_effect:
            font = QFont()
            font.setBold(True)  # the value the hazard holds until someone chooses
            return font
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if key == "in_effect":
            return _("Mine") if in_effect == "mine" else _("Theirs")
        if key == "field":
            return _(FIELD_NAMES[name]) if name in FIELD_NAMES else name
        if key in ("mine", "theirs"):
            return _value(name, row.get(key))
        if key == "who":
            mine_set_aside = row.get("mine") == row.get("set_aside")
            return str((row.get("kept_by") if mine_set_aside else row.get("set_aside_by")) or "")
        return str(row.get(key) or "")


class ConflictsDialog(QDialog):
    """The conflicts still open, and "Keep mine" / "Keep theirs" through core resolve()."""

    resolved = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(_("Sync conflicts"))
        self.resize(760, 380)
        intro = QLabel(_("Two people changed the same thing before they synced. The value in effect (in bold) "
                         "is kept until you choose; nothing is lost either way."))
        intro.setWordWrap(True)
        self.model = ConflictModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column, (key, _title) in enumerate(CONFLICT_COLUMNS):  # the two values share what room there is
            if key in ("mine", "theirs"):
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.empty = QLabel(_("No conflicts to look at."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("padding: 24px;")
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.problem.setWordWrap(True)
        self.keep_mine = QPushButton(_("Keep mine"))
        self.keep_theirs = QPushButton(_("Keep theirs"))
        close = QPushButton(_("Close"))
        self.keep_mine.clicked.connect(lambda: self.keep("mine"))
        self.keep_theirs.clicked.connect(lambda: self.keep("theirs"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.keep_mine)
        buttons.addWidget(self.keep_theirs)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

    def reload(self) -> None:
        with self.context.db.session() as session:
            me = str(laptop.replica(session).id)
            rows = [conflict.as_dict(me) for conflict in open_conflicts(session)]
        self.model.set_rows(rows)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if rows:
            self.table.resizeRowsToContents()
            self.table.selectRow(0)
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        chosen = bool(self.table.selectionModel().selectedRows())
        self.keep_mine.setEnabled(chosen)
        self.keep_theirs.setEnabled(chosen)

    def keep(self, which: str) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        ident = str(self.model.rows[rows[0].row()]["id"])
        try:
            with self.context.db.session() as session:
                resolve(session, ident, which, self.context.actor)
        except InspectorError as exc:
            self.problem.setText(str(exc))
            return
        self.problem.clear()
        self.reload()
        self.resolved.emit()
