"""Show the real main window on a fresh demo ledger, for looking at it (and screenshots under Xvfb).

    xvfb-run -s "-screen 0 1600x1000x24" python scripts/show_main_window.py zh_CN --shot main-zh.png
    python scripts/show_main_window.py en [--ledger] [--due] [--closed] [--markup] [--size 1366x768]
    python scripts/show_main_window.py zh_CN --hazard LL1-0018 [--major-dialog confirm|decline]

The window opens on the first floor with an open hazard that has a marked-up photo selected, as an
inspector sees it mid-walk; --ledger shows the ledger tab, --closed a closed hazard, --markup the
photo's full view; --hazard selects that hazard (LL1-0018: an e-bike in a lobby, flagged as a possible
major hazard; LL1-0041: the confirmed one), --major-dialog answers its major-hazard questions yes and
opens the confirming (or declining) dialog; --unit-report has a responsible unit report the fix of a
hazard in progress (with a photo taken the day before) and lists the hazards whose report waits.
Settings go to a temporary folder, never to the user's own.
With --shot it saves the screen (or the open dialog) after the event loop settled, and quits.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

TMP = Path(tempfile.mkdtemp(prefix="inspector-show-"))
os.environ["INSPECTOR_HOME"] = str(TMP)  # the program's own override of its user folders (paths.py)

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QPushButton  # noqa: E402

from inspector_app.app.context import AppContext  # noqa: E402
from inspector_app.core.demo import create_demo  # noqa: E402
from inspector_app.core.hazards import attachments_of, find_hazard  # noqa: E402
from inspector_app.core.ledger import LedgerFilter, as_uuid, ledger_ids  # noqa: E402
from inspector_app.core.photo_markup import set_photo_overlay  # noqa: E402
from inspector_app.core.settings import Settings  # noqa: E402
from inspector_app.i18n import set_language  # noqa: E402
from inspector_app.ui.main_window import MainWindow  # noqa: E402
from inspector_app.ui.qt_logging import quiet_qt  # noqa: E402
from inspector_app.ui.qt_translations import QtTranslations  # noqa: E402

MARKUP = {"version": 1, "shapes": [
    {"kind": "arrow", "x1": 0.15, "y1": 0.2, "x2": 0.45, "y2": 0.45},
    {"kind": "circle", "x1": 0.45, "y1": 0.35, "x2": 0.8, "y2": 0.8},
    {"kind": "text", "x": 0.05, "y": 0.75, "text": "插线板放在床上"},
]}


def _unit_reports(context: AppContext, session: Any) -> Any:
    """A unit's report, as the server writes it, on a hazard in progress that has a photo; its id."""
    import datetime as dt
    import io

    from PIL import Image

    from inspector_app.core import dates, rectification_links, unit_reports
    from inspector_app.core.photos import DATETIME_ORIGINAL, EXIF_IFD

    ids = [as_uuid(raw) for raw in ledger_ids(session, LedgerFilter(statuses=frozenset({"in_progress"})))]
    hazard_id = next((i for i in ids if attachments_of(session, i)), ids[0])
    before = attachments_of(session, hazard_id)
    source = context.db.store.find(before[0].file_hash) if before else None
    picture = Image.open(source).convert("RGB") if source else Image.new("RGB", (800, 600), (40, 150, 70))
    exif = Image.Exif()
    exif[EXIF_IFD] = {DATETIME_ORIGINAL: (dt.datetime.now() - dt.timedelta(days=1)).strftime("%Y:%m:%d %H:%M:%S")}
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    link = rectification_links.open_link(session, rectification_links.issue(session, hazard_id, "李明"))
    now = dates.now()
    unit_reports.submit(session, context.db.store, link, unit_reports.UnitSubmission(
        "report", "已拆除私拉电线，插线板改为墙插供电。", "王强", "后勤处", photos=(out.getvalue(),)),
        dates.local_date(now), dates.start_of_day(dates.local_date(now)))
    return hazard_id


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("language", nargs="?", default="zh_CN", choices=("zh_CN", "en"))
    parser.add_argument("--shot", help="save a PNG here and quit")
    parser.add_argument("--ledger", action="store_true", help="show the ledger tab")
    parser.add_argument("--due", action="store_true", help="show the Due tab (what is due, issue 25)")
    parser.add_argument("--closed", action="store_true", help="select a closed hazard")
    parser.add_argument("--markup", action="store_true", help="open the selected photo's full view")
    parser.add_argument("--size", default="1600x1000", help="window size, e.g. 1366x768")
    parser.add_argument("--hazard", help="select the hazard of this number")
    parser.add_argument("--major-dialog", choices=("confirm", "decline"),
                        help="answer the major-hazard questions yes and open this dialog")
    parser.add_argument("--unit-report", action="store_true",
                        help="a unit's report waits on a hazard in progress: select it in the filtered ledger")
    args = parser.parse_args()
    set_language(args.language)
    quiet_qt()  # as the program does
    app = QApplication(sys.argv[:1])
    translations = QtTranslations(app)
    translations.apply(args.language)

    context = AppContext(settings=Settings(language=args.language, inspector_name="李明"))
    context.configure(argparse.Namespace(db=str(TMP / "demo.sqlite"), database_url=None, actor="李明", forms=[]))
    create_demo(context.db, context.catalogue)
    with context.db.session() as session:
        wanted = frozenset({"closed" if args.closed else "open"})
        ids = [as_uuid(raw) for raw in ledger_ids(session, LedgerFilter(statuses=wanted))]
        hazard_id = next((i for i in ids if attachments_of(session, i)), ids[0])
        if args.hazard:
            hazard_id = find_hazard(session, args.hazard).id
        if args.unit_report:
            hazard_id = _unit_reports(context, session)
        photos = attachments_of(session, hazard_id)
        if photos and not args.closed and not args.hazard:
            set_photo_overlay(session, photos[0].id, MARKUP, "demo")

    window = MainWindow(context, translations)
    width, height = (int(part) for part in args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.show_hazard(str(hazard_id))
    window.editor.set_hazard(str(hazard_id))
    if args.ledger:
        window.ledger_tab_action.trigger()
    if args.unit_report:
        window.summary.reportsWaitingRequested.emit()
    if args.due:
        window.tabs.setCurrentWidget(window.due_view)
    if args.markup:
        QTimer.singleShot(400, window.editor.open_photo)
    if args.major_dialog:
        panel = window.editor.major_panel

        def answer_and_ask() -> None:
            rule = panel.current_rule()
            if rule is not None:
                for row in range(len(rule.questions)):
                    panel.findChild(QPushButton, f"answer_{row}_yes").click()
            (panel.ask_confirm if args.major_dialog == "confirm" else panel.ask_decline)()
        QTimer.singleShot(400, answer_and_ask)
    if args.shot:
        def shoot() -> None:
            modal = app.activeModalWidget()
            picture = modal.grab() if modal is not None else window.screen().grabWindow(0)
            picture.save(args.shot)
            app.quit()
        QTimer.singleShot(2000, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
