"""The summary panel: counts by status, category and building, overdue and major hazards, and the
on-the-spot fix rate, for the current inspection and for the whole site. The count of hazards whose
unit's report waits is a link: it lists them in the ledger (``reportsWaitingRequested``)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from inspector_app.app.context import AppContext
from inspector_app.core.summary import Summary, summarise
from inspector_app.core.workflow import STATUS_COLOURS, Status, status_label
from inspector_app.i18n import _, ngettext
from inspector_app.ui.window_frame import SUMMARY_WIDTH

TOP_CATEGORIES = 6


class SummaryPanel(QWidget):
    reportsWaitingRequested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.site_id: uuid.UUID | None = None
        self.inspection_id: uuid.UUID | None = None
        self.inspection_box = QGroupBox()
        self.site_box = QGroupBox()
        self.inspection_text = QLabel()
        self.site_text = QLabel()
        for box, text in ((self.inspection_box, self.inspection_text), (self.site_box, self.site_text)):
            text.setWordWrap(True)
            text.linkActivated.connect(self._link)
            box_layout = QFormLayout(box)
            box_layout.addRow(text)
        self.heat_map = QCheckBox()
        self.setMinimumWidth(SUMMARY_WIDTH)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heat_map)
        layout.addWidget(self.inspection_box)
        layout.addWidget(self.site_box)
        layout.addStretch(1)
        self.last: dict[str, Summary] = {}
        self.retranslate()

    def set_scope(self, site_id: uuid.UUID | None, inspection_id: uuid.UUID | None) -> None:
        self.site_id, self.inspection_id = site_id, inspection_id
        self.refresh()

    def refresh(self) -> None:
        with self.context.db.session() as session:
            self.last = {"site": summarise(session, site_id=self.site_id)}
            if self.inspection_id:
                self.last["inspection"] = summarise(session, inspection_id=self.inspection_id)
        self.site_text.setText(self._html(self.last["site"]))
        inspection = self.last.get("inspection")
        self.inspection_box.setVisible(inspection is not None)
        if inspection is not None:
            self.inspection_text.setText(self._html(inspection))

    def _html(self, summary: Summary) -> str:
        lines = [ngettext("<b>{total}</b> hazard, <b>{major}</b> major, <b style='color:#d32f2f'>{overdue}</b> overdue",
                          "<b>{total}</b> hazards, <b>{major}</b> major, <b style='color:#d32f2f'>{overdue}</b> "
                          "overdue", summary.total).format(total=summary.total, major=summary.major,
                                                           overdue=summary.overdue)]
        if summary.major_listed:
            lines.append("<b style='color:#b71c1c'>" + ngettext(
                "{count} confirmed major hazard under listed supervision",
                "{count} confirmed major hazards under listed supervision", summary.major_listed).format(
                count=summary.major_listed) + "</b>")
        if summary.reports_waiting:
            lines.append("<a href='reports' style='color:#6a1b9a; font-weight: bold'>" + ngettext(
                "{count} hazard with a unit's report waiting for your answer",
                "{count} hazards with a unit's report waiting for your answer", summary.reports_waiting).format(
                count=summary.reports_waiting) + "</a>")
        lines.append(_("Fixed on the spot: {count} ({rate:.0%})").format(
            count=summary.fixed_on_spot, rate=summary.on_spot_rate))
        for status in Status:
            count = summary.by_status.get(status.value, 0)
            lines.append(f"<span style='color:{STATUS_COLOURS[status]}'>■</span> {status_label(status)}: {count}")
        if summary.by_building:
            lines.append("<br><b>" + _("By building") + "</b>")
            lines += [f"{name}: {count}" for name, count in summary.by_building.items()]
        if summary.by_category:
            lines.append("<br><b>" + _("Most frequent categories") + "</b>")
            categories = self.context.catalogue.categories
            for code, count in list(summary.by_category.items())[:TOP_CATEGORIES]:
                name = categories[code].name.get() if code in categories else code
                lines.append(f"{name}: {count}")
        return "<br>".join(lines)

    def _link(self, target: str) -> None:
        if target == "reports":
            self.reportsWaitingRequested.emit()

    def retranslate(self) -> None:
        self.inspection_box.setTitle(_("This inspection"))
        self.site_box.setTitle(_("Whole site"))
        self.heat_map.setText(_("Show hazard density on the plan"))
        if self.last:
            self.refresh()
