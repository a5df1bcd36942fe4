"""Start-up cost of the command line: a read-only command loads only what it uses.

Speed itself is measured by benchmarks/startup.py; these tests check the cause (which modules a command
imports), which does not depend on how busy the machine is.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from inspector_app.cli import org_cmds, summary_cmds, token_cmds

# What `hazard list` never needs: the spreadsheet and PDF writers, Qt, the plan readers, the forms.
# Alembic too: a ledger already at the current schema is checked without it (core/db.py); and on a
# SQLite ledger not even SQLAlchemy (core/quick_read.py).
HEAVY = ("openpyxl", "reportlab", "PySide6", "qrcode", "pypdfium2", "ezdxf", "PIL", "pydantic", "yaml", "alembic",
         "httpx", "psutil", "sqlalchemy")

PROBE = """
import contextlib, io, json, sys
from inspector_app.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "rows": len(json.loads(out.getvalue())),
                  "loaded": sorted({m.split(".")[0] for m in sys.modules})}))
"""


def _probe(*args: str) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_hazard_list_loads_no_printer_spreadsheet_qt_or_forms(run):
    code, _out, err = run("demo")
    assert code == 0, err
    found = _probe("--db", str(run.db), "hazard", "list")
    assert found["code"] == 0 and found["rows"] >= 40  # the command really ran, on the demo's hazards
    assert not set(HEAVY) & set(found["loaded"])


def test_the_printing_command_does_load_what_it_needs(run, tmp_path):
    """The other side: the lazy imports are really reached when a command needs them."""
    code, _out, err = run("demo")
    assert code == 0, err
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    probe = PROBE.replace('"rows": len(json.loads(out.getvalue())),', "")
    out = tmp_path / "ledger.xlsx"
    done = subprocess.run([sys.executable, "-c", probe, "--db", str(run.db), "ledger", "export", "--format", "xlsx",
                           "--out", str(out)], capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "openpyxl" in json.loads(done.stdout.splitlines()[-1])["loaded"] and out.stat().st_size > 0


def test_choices_written_out_in_the_cli_match_the_core():
    from inspector_app.core.accounts import ROLES
    from inspector_app.core.organisation import ORG_LANGUAGES
    from inspector_app.core.rollup import GROUPINGS

    assert summary_cmds.GROUPINGS == GROUPINGS
    assert token_cmds.ROLES == ROLES
    assert org_cmds.ORG_LANGUAGES == ORG_LANGUAGES
