"""A start of the program says nothing on the console but real problems: not QtMultimedia's list of the
optional libraries it did not find, nor "propagateSizeHints()", nor pypdfium2's "still open" for a PDF
plan a printed notice drew from. Run as the program runs (its own entry point, in a process of its own
that ends), with Qt's own logging rules, not the tests' (QT_LOGGING_RULES is not set)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

CHILD = textwrap.dedent('''
    import sys, tempfile, uuid
    from pathlib import Path

    # The window's dialogs make temporary folders before a PDF is first opened (weakref.finalize's exit
    # hook then runs after pypdfium2's): what makes a PDF document left open at exit print its warning.
    keep = tempfile.TemporaryDirectory()

    from PySide6.QtCore import QTimer, qWarning
    from PySide6.QtWidgets import QApplication

    from inspector_app.launcher import run

    ledger, out, hazard = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

    def print_then_quit():
        window = next((w for w in QApplication.topLevelWidgets() if w.objectName() == "main_window"), None)
        if window is None or not window.filled or not window.isVisible():
            QTimer.singleShot(100, print_then_quit)
            return
        from inspector_app.notices.printing import print_notices  # what Print > Notices runs in the background
        context = window.context
        print_notices(context.db, context.catalogue, [uuid.UUID(hazard)], out, actor="li",
                      base_url="https://fire.example.cn")
        qWarning("a real problem")  # Qt's real warnings still reach the console
        window.close()
        QApplication.instance().quit()

    app = QApplication(sys.argv[:1])  # the program's start uses the application already there
    QTimer.singleShot(1500, print_then_quit)
    sys.exit(run(["--db", str(ledger), "gui"]))
''')


def a_ledger_with_a_pdf_plan(tmp_path: Path, catalogue, plan: Path) -> tuple[Path, str]:
    from inspector_app.core import structure
    from inspector_app.core.db import open_database, sqlite_url
    from inspector_app.core.hazards import add_hazard
    from inspector_app.core.plans_store import add_plan_version, read_plan_facts
    from inspector_app.core.settings import Settings, save_settings

    ledger = tmp_path / "ledger.sqlite"
    db = open_database(sqlite_url(ledger))
    try:
        with db.session() as session:
            site = structure.add_site(session, "School")
            floor = structure.add_floor(session, structure.add_building(session, site.id, "Teaching").id, "1F")
            add_plan_version(session, db.store, floor, plan, read_plan_facts(plan))
            hazard = str(add_hazard(session, catalogue, db.store, actor="li", floor_id=floor.id, x=0.5, y=0.5,
                                    category="electrical.aging_wiring").id)
    finally:
        db.dispose()
    save_settings(Settings(inspector_name="li", inspector_name_asked=True, last_floor_id=str(floor.id)))
    return ledger, hazard


def test_a_start_says_only_real_problems(tmp_path, catalogue, floorplans, private_user_folders):
    plan = floorplans / "pdf" / "derived_from_shipped_plans.pdf"
    ledger, hazard = a_ledger_with_a_pdf_plan(tmp_path, catalogue, plan)
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "QT_LOGGING_RULES"}
    env.update(INSPECTOR_HOME=str(private_user_folders), QT_QPA_PLATFORM="offscreen",
               PYTHONPATH=os.pathsep.join([str(Path(__file__).parents[2]), os.environ.get("PYTHONPATH", "")]))
    done = subprocess.run([sys.executable, str(script), str(ledger), str(tmp_path / "notice.pdf"), hazard],
                          env=env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "notice.pdf").is_file(), "the notice was printed"
    noise = ("qt.multimedia", "propagateSizeHints", "still open", "Couldn't load", "FFmpeg")
    assert not [line for line in done.stderr.splitlines() if any(word in line for word in noise)], done.stderr
    assert "a real problem" in done.stderr
