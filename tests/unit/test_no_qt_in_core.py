"""The core, notices, exports and the CLI's data commands work with Qt absent (as on a server)."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_core_imports_and_cli_runs_with_qt_blocked(tmp_path):
    program = textwrap.dedent(f"""
        import importlib, pkgutil, sys
        sys.modules["PySide6"] = None  # any import of Qt now fails
        import inspector_app.core as core
        for module in pkgutil.walk_packages(core.__path__, "inspector_app.core."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)
        from inspector_app.cli import main
        for command in (["init"], ["hazard", "list"]):
            code = main(["--db", r"{tmp_path / 'x.sqlite'}", "--lang", "en", *command])
            assert code == 0, code
        assert not any(name.startswith("PySide6.") for name in sys.modules)
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("ok")
