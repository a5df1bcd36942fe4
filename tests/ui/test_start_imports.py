"""The start imports only what the main window's first paint needs (issue 23): the heavy modules below
are loaded later, where they are first used (the frame is painted before the core: ui/window_frame.py).
A module-level import of any of them on the way to the window (an import at the top of a module the
window loads) fails here, whatever the machine's speed.

Speed itself is measured by benchmarks/startup.py; this checks the cause, in a real start of the
program in a process of its own (as tests/unit/test_cli_startup.py does for the command line), and the
other side too: once the last floor's plan is drawn, its readers have been loaded after all.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from inspector_app.core.settings import Settings, save_settings
from inspector_app.ui import first_paint, pyside_feature_scan

REPO = Path(__file__).resolve().parents[2]

# Not needed before the first paint: the core (SQLAlchemy, the models, the forms, the ledger file) and the
# panels that read the ledger, the plan readers and the arrays behind the pins (a plan is opened
# after it), the camera and QR decoding, printing and its dialogs, the notices, exports, the web
# server and the sync client, the history's signatures, migrations.
NOT_AT_FIRST_PAINT = (
    "numpy", "PIL", "pypdfium2", "ezdxf", "zxingcpp", "PySide6.QtMultimedia", "PySide6.QtPrintSupport",
    "PySide6.QtSvg", "reportlab", "qrcode", "openpyxl", "cryptography", "httpx", "uvicorn", "starlette",
    "alembic", "psutil", "inspector_app.ui.print_dialogs", "inspector_app.ui.camera_scan",
    "inspector_app.ui.editor.camera_capture", "inspector_app.notices", "inspector_app.exports",
    "inspector_app.web", "sqlalchemy", "inspector_app.core.db", "inspector_app.core.models",
    "inspector_app.core.structure", "inspector_app.core.forms", "pydantic", "yaml", "inspector_app.ui.navigator",
    "inspector_app.ui.plan_panel", "inspector_app.ui.ledger_view", "inspector_app.ui.editor",
)
# ...and loaded once the window is filled and the demo's first floor plan (a raster plan) is drawn.
AT_PLAN_PAINT = ("numpy", "PIL", "sqlalchemy", "inspector_app.core.models", "inspector_app.ui.plan_panel")

CHILD = textwrap.dedent('''
    import json, os, sys
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    watched = json.loads(sys.argv[2])
    seen = {}

    def report(code):
        print(json.dumps(seen), flush=True)
        os._exit(code)

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if event.type() != QEvent.Type.Paint or not isinstance(obj, QWidget):
                return False
            if "main" not in seen and type(obj).__name__ == "MainWindow":
                seen["main"] = sorted(name for name in watched if name in sys.modules)
            elif "main" in seen and type(obj.parent()).__name__ == "PlanView" \\
                    and getattr(obj.parent(), "base_image", None) is not None:
                seen["plan"] = sorted(name for name in watched if name in sys.modules)
                report(0)
            return False

    app = QApplication(sys.argv[:1])
    watch = Watch()
    app.installEventFilter(watch)
    QTimer.singleShot(120_000, lambda: report(1))
    from inspector_app.launcher import run
    run(["--db", sys.argv[1], "gui"])
    report(2)
''')


def test_the_first_paint_loads_none_of_the_heavy_modules_and_the_plan_loads_them(demo_context, tmp_path,
                                                                                 private_user_folders):
    ledger = demo_context.ledger_path
    assert ledger is not None
    demo_context.close()  # the program opens the ledger itself, as at a real start
    save_settings(Settings(inspector_name="li", inspector_name_asked=True))  # no first-start question
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {**os.environ, "INSPECTOR_HOME": str(private_user_folders), "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    watched = sorted(set(NOT_AT_FIRST_PAINT) | set(AT_PLAN_PAINT))
    done = subprocess.run([sys.executable, str(script), str(ledger), json.dumps(watched)], env=env,
                          capture_output=True, text=True, timeout=180, check=False)
    seen = json.loads(done.stdout.splitlines()[-1]) if done.stdout.strip() else {}
    assert done.returncode == 0 and "plan" in seen, (done.returncode, seen, done.stderr[-3000:])
    assert seen["main"] == [], f"loaded before the main window's first paint: {seen['main']}"
    assert set(AT_PLAN_PAINT) <= set(seen["plan"])


def test_no_module_switches_a_pyside_feature_on():
    """pyside_feature_scan answers PySide6's per-module question from the module's globals, which is
    only the same answer while no module asks for a __feature__ (snake_case, true_property)."""
    for path in (REPO / "inspector_app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert "__feature__" not in names, path


def test_pyside_is_asked_the_cheap_question():
    """The PySide6 this program is built with still asks it: when an upgrade drops the question, this
    fails, and pyside_feature_scan can go."""
    assert pyside_feature_scan.install()
    feature = sys.modules["shibokensupport.feature"]
    assert feature._mod_uses_pyside(first_paint) is True  # its globals hold PySide6 classes
    assert feature._mod_uses_pyside(json) is False
    assert feature._mod_uses_pyside(sys) is False
