"""Screenshots of the first day in the program, for looking at them: the empty-ledger start, the
first-site dialog, the plan after import, the editor with a hazard, the ledger with its scope filter,
and a plan replacement (the question, then the new version). Run under Xvfb:

    xvfb-run -s "-screen 0 1366x768x24" python scripts/show_first_day.py zh_CN --out /tmp/shots

Works on a new ledger in a temporary folder (settings too); the plan is a real one from
../shared/floorplans. Each step waits for the event loop, then grabs the whole screen.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="inspector-first-day-"))
os.environ["INSPECTOR_HOME"] = str(TMP)  # the program's own override of its user folders (paths.py)

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox  # noqa: E402

from inspector_app.app.context import AppContext  # noqa: E402
from inspector_app.core.hazards import add_hazard  # noqa: E402
from inspector_app.core.settings import Settings  # noqa: E402
from inspector_app.i18n import set_language  # noqa: E402
from inspector_app.ui.main_window import MainWindow  # noqa: E402
from inspector_app.ui.qt_translations import QtTranslations  # noqa: E402

PLANS = Path(__file__).resolve().parents[1].parent / "shared" / "floorplans"
NAMES = {"zh_CN": ("离石区第一中学", "2号宿舍楼", "三层", "305 室床下使用电热炉，插线板放在床上"),
         "en": ("No. 1 Middle School", "Dormitory 2", "3F", "Hot plate under the bed in room 305")}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("language", choices=("zh_CN", "en"))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    set_language(args.language)
    app = QApplication(sys.argv[:1])
    QtTranslations(app).apply(args.language)
    context = AppContext(settings=Settings(language=args.language, inspector_name="李明"))
    context.configure(argparse.Namespace(db=str(TMP / "ledger.sqlite"), database_url=None, actor="李明", forms=[]))
    window = MainWindow(context)
    window.resize(1366, 740)
    window.move(0, 0)
    window.show()
    site, building, floor, description = NAMES[args.language]
    tag = "zh" if args.language == "zh_CN" else "en"

    def shot(name: str) -> None:
        screen = app.primaryScreen()
        screen.grabWindow(0).save(str(args.out / f"{tag}-{name}.png"))

    def modal() -> QDialog:
        dialog = app.activeModalWidget()
        assert isinstance(dialog, QDialog), dialog
        return dialog

    def first_site_dialog() -> None:
        QTimer.singleShot(0, window.places.set_up_first_site)

    def fill_first_site() -> None:
        dialog = modal()
        dialog.site.setText(site)  # type: ignore[attr-defined]
        dialog.building.setText(building)  # type: ignore[attr-defined]
        dialog.floor.setText(floor)  # type: ignore[attr-defined]
        dialog.area_type.setCurrentIndex(dialog.area_type.findData("dormitory"))  # type: ignore[attr-defined]
        dialog.plan.setText(str(PLANS / "pdf" / "joelegner_floorplan.pdf"))  # type: ignore[attr-defined]

    def accept() -> None:
        modal().accept()

    def add_a_hazard() -> None:
        with context.db.session() as session:
            hazard = add_hazard(session, context.catalogue, context.db.store, actor="李明",
                                category="electrical.high_power_appliance", floor_id=window.plan_panel.floor_id,
                                x=0.42, y=0.55, page=0, description=description, room="305")
            hazard_id = str(hazard.id)
        window.plan_panel.refresh_pins()
        window.ledger_view.refresh()
        window.plan_panel.select_hazard(hazard_id)
        window.editor.set_hazard(hazard_id)

    def ledger() -> None:
        window.ledger_tab_action.trigger()

    remembered: dict[str, str] = {}

    def new_building() -> None:
        remembered["floor"] = str(window.plan_panel.floor_id)
        window.plan_tab_action.trigger()
        QTimer.singleShot(0, lambda: window.places.add_place("building"))

    def name_it() -> None:
        modal().name.setText("食堂" if tag == "zh" else "Canteen")  # type: ignore[attr-defined]

    def replace() -> None:
        window.select_floor(remembered["floor"])
        QTimer.singleShot(0, lambda: window.places.planRequested.emit(  # as the navigator's Plan… does
            remembered["floor"], PLANS / "raster" / "f2b_example2.png"))

    def click_replace() -> None:
        box = modal()
        assert isinstance(box, QMessageBox)
        next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole).click()

    steps: list[tuple[int, Callable[[], None]]] = [
        (1500, lambda: shot("01-empty-ledger")),
        (300, first_site_dialog), (1500, fill_first_site), (500, lambda: shot("02-setup-first-site")),
        (200, accept), (6000, lambda: shot("03-plan-imported")),
        (300, add_a_hazard), (2500, lambda: shot("04-editor-with-hazard")),
        (300, ledger), (1500, lambda: shot("05-ledger-scope")),
        (300, new_building), (1500, name_it), (500, lambda: shot("06-new-building")), (200, accept),
        (800, lambda: shot("07-building-added")),
        (500, replace), (2000, lambda: shot("08-replace-question")), (200, click_replace),
        (6000, lambda: shot("09-plan-replaced")), (300, window.close), (500, app.quit),
    ]
    elapsed = 0
    for delay, step in steps:
        elapsed += delay
        QTimer.singleShot(elapsed, step)
    app.exec()
    context.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
