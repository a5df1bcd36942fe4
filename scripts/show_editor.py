"""Show the hazard editor on a demo hazard, for looking at it (and for screenshots under Xvfb).

    python scripts/show_editor.py [zh_CN|en] [--shot out.png] [--closed] [--fix-dialog] [--markup]

Makes a fresh demo ledger in a temporary folder, docks the editor beside an empty centre as the
main window does, and shows an open hazard that has a photo with markup (or a closed one). With
--shot it saves a picture of the window after the event loop settled and quits.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QMainWindow

from inspector_app.core.db import open_database, sqlite_url
from inspector_app.core.demo import create_demo
from inspector_app.core.forms import load_catalogue
from inspector_app.core.hazards import attachments_of
from inspector_app.core.ledger import LedgerFilter, as_uuid, ledger_ids
from inspector_app.core.photo_markup import set_photo_overlay
from inspector_app.i18n import set_language
from inspector_app.ui.app import QtTranslations
from inspector_app.ui.editor import HazardEditor


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("language", nargs="?", default="zh_CN")
    parser.add_argument("--shot")
    parser.add_argument("--closed", action="store_true")
    parser.add_argument("--fix-dialog", action="store_true")
    parser.add_argument("--markup", action="store_true")
    args = parser.parse_args()
    set_language(args.language)
    app = QApplication(sys.argv)
    QtTranslations(app).apply(args.language)
    folder = Path(tempfile.mkdtemp(prefix="editor-demo-"))
    db = open_database(sqlite_url(folder / "demo.sqlite"))
    catalogue = load_catalogue()
    create_demo(db, catalogue)
    status = "closed" if args.closed else "open"
    with db.session() as session:
        ids = [as_uuid(raw) for raw in ledger_ids(session, LedgerFilter(statuses=frozenset({status})))]
        hazard_id = next((i for i in ids if attachments_of(session, i)), ids[0])
        photos = attachments_of(session, hazard_id)
        if photos and not args.closed:
            set_photo_overlay(session, photos[0].id, {"version": 1, "shapes": [
                {"kind": "arrow", "x1": 0.15, "y1": 0.2, "x2": 0.45, "y2": 0.45},
                {"kind": "circle", "x1": 0.45, "y1": 0.35, "x2": 0.8, "y2": 0.8},
                {"kind": "text", "x": 0.05, "y": 0.75, "text": "插线板放在床上"},
            ]}, "demo")
    window = QMainWindow()
    window.resize(1280, 900)
    centre = QLabel("plan")
    centre.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.setCentralWidget(centre)
    stack = QUndoStack(window)
    editor = HazardEditor(db, catalogue, "demo", stack, recent_categories=["electrical.power_strip_misuse"])
    dock = QDockWidget("editor", window)
    dock.setWidget(editor)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    window.resizeDocks([dock], [440], Qt.Orientation.Horizontal)
    editor.set_hazard(str(hazard_id))
    window.show()
    if args.fix_dialog:
        QTimer.singleShot(300, editor.open_fix_on_spot)
    if args.markup:
        def open_markup() -> None:
            editor.strip.setCurrentIndex(editor.strip.photo_model.index(0))
            editor.open_photo()
        QTimer.singleShot(300, open_markup)
    if args.shot:
        def shoot() -> None:
            target = app.activeModalWidget() or window
            target.grab().save(args.shot)
            app.quit()
        QTimer.singleShot(1500, shoot)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
