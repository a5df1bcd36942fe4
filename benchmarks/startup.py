"""Start-up speed: time to the main window on screen (its frame, painted before the core is imported),
to the window filled with the ledger, to the first plan painted, and of `hazard list`, each beside the
bare cost of the same kind of start (a bare PySide6 window; a bare `python -c pass`).

    .venv/bin/python benchmarks/startup.py [--runs 5] [--db LEDGER]

Measured as a second start finds the program (see the warm-up in main()): modules compiled, the
plan proved safe and the forms validated in an earlier run. Every figure is measured from before the
process is started to the moment the event happens in it (CLOCK_MONOTONIC is shared by all
processes), so interpreter start and imports are included, as a person waiting for the window sees
them. The program runs on a demo ledger made once in a temporary folder (or --db), with its own
settings folder. Budgets: window on screen < 1 s and within 4x the bare window (issue 23), filled
< 1 s (issue 11), plan painted < 1.5 s, `hazard list` < 0.3 s. Prints medians and ratios; asserts
nothing (the machine may be busy).

Beside each wall-clock figure it prints the CPU time the process used until then (user + system, from
getrusage): on a machine shared with other work the wall clock mostly measures waiting for a core,
and the CPU time is what the start costs on a quiet machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# Run inside the measured process: watch Qt's events, print the monotonic time of the main window's first
# paint, of the first paint of its navigator (the window filled with the ledger) and of the first paint of
# the plan canvas with the plan's image in it, then leave at once.
GUI_PROBE = r"""
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

class Probe(QObject):
    def __init__(self, want_plan):
        super().__init__()
        self.want_plan, self.main, self.filled = want_plan, None, None

    def eventFilter(self, obj, event):
        kind = event.type()
        if kind != QEvent.Type.Paint or not isinstance(obj, QWidget):
            return False
        name = type(obj).__name__
        if obj.isWindow() and self.main is None and name in ("MainWindow", "QMainWindow"):
            self.main = time.monotonic()
            if name == "QMainWindow":  # the bare window has nothing to fill
                self.filled = self.main
                self.done(None)
        elif self.filled is None and name == "Navigator":
            self.filled = time.monotonic()
            if not self.want_plan:
                self.done(None)
        elif self.want_plan and type(obj.parent()).__name__ == "PlanView" \
                and getattr(obj.parent(), "base_image", None) is not None:
            self.done(time.monotonic())
        return False

    def done(self, plan):
        print(f"main={self.main} filled={self.filled} plan={plan}", flush=True)
        os._exit(0)

mode = sys.argv[1]
app = QApplication(sys.argv[:1])
probe = Probe(mode == "plan")
app.installEventFilter(probe)
if mode == "bare":
    from PySide6.QtWidgets import QMainWindow
    window = QMainWindow()
    window.resize(1280, 800)
    window.show()
    app.exec()
else:
    from inspector_app.cli import main
    main(sys.argv[2:])
"""


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("LANG", "C.UTF-8")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["INSPECTOR_HOME"] = str(home / "home")  # the program's own folders, on every platform
    # Compiled modules, as any installed program has them (pip compiles a wheel's modules; Python writes
    # the rest at the first start): kept in a folder of this run, not beside the sources. Without this a
    # machine that sets PYTHONDONTWRITEBYTECODE (these sandboxes do) compiles every module at every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "bytecode")
    # An inspector who has started the program before: the first-start question does not wait for an answer.
    (home / "home" / "config").mkdir(parents=True, exist_ok=True)
    (home / "home" / "config" / "settings.json").write_text(
        '{"version": 2, "inspector_name": "李明", "inspector_name_asked": true}', encoding="utf-8")
    return env


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _gui(env: dict[str, str], mode: str, db: Path) -> tuple[float, float | None, float, float]:
    """(main window on screen, plan painted or None, CPU seconds of the whole run, window filled) after
    the start."""
    cpu, start = _cpu(), time.monotonic()
    done = subprocess.run([sys.executable, "-c", GUI_PROBE, mode, "--db", str(db)], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    line = next((row for row in done.stdout.splitlines() if row.startswith("main=")), None)
    if line is None:
        raise SystemExit(f"the {mode} start printed no time:\n{done.stderr[-2000:]}")
    fields = dict(part.split("=") for part in line.split())
    plan = None if fields["plan"] == "None" else float(fields["plan"]) - start
    return float(fields["main"]) - start, plan, _cpu() - cpu, float(fields["filled"]) - start


def _command(env: dict[str, str], args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run."""
    cpu, start = _cpu(), time.monotonic()
    subprocess.run([sys.executable, *args], env=env, capture_output=True, timeout=120, check=True)
    return time.monotonic() - start, _cpu() - cpu


def _row(name: str, figure: float, cpu: float, bare: float, bare_cpu: float, bare_name: str, budget: float) -> None:
    verdict = "within" if figure < budget else "OVER"
    print(f"{name:<19} {figure * 1000:6.0f} ms (cpu {cpu * 1000:5.0f})   {bare_name:<20} {bare * 1000:5.0f} ms "
          f"(cpu {bare_cpu * 1000:4.0f})   ratio {figure / bare:4.1f} (cpu {cpu / bare_cpu:4.1f})   "
          f"budget {budget * 1000:.0f} ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="a ledger to start on (default: a fresh demo ledger)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        env = _env(home)
        db = args.db or home / "demo.sqlite"
        if args.db is None:
            subprocess.run([sys.executable, "-m", "inspector_app", "--db", str(db), "demo"], env=env,
                           capture_output=True, check=True, timeout=300)
        # Once before measuring, as any second start finds it: the file cache warm, the modules compiled,
        # the plan proved safe and the forms validated (both remembered in the user's cache folder).
        _gui(env, "plan", db)
        _command(env, ["-m", "inspector_app", "--db", str(db), "hazard", "list"])
        bare_window = [_gui(env, "bare", db) for _ in range(args.runs)]
        starts = [_gui(env, "window", db) for _ in range(args.runs)]
        plans = [_gui(env, "plan", db) for _ in range(args.runs)]
        bare_python = [_command(env, ["-c", "pass"]) for _ in range(args.runs)]
        listing = [_command(env, ["-m", "inspector_app", "--db", str(db), "hazard", "list"]) for _ in range(args.runs)]

    def med(rows: list, index: int) -> float:
        return statistics.median(row[index] for row in rows)

    painted = [row for row in plans if row[1] is not None]
    print(f"start-up, median of {args.runs} runs (QT_QPA_PLATFORM={env['QT_QPA_PLATFORM']}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}); cpu: CPU time of the whole run")
    bare = (med(bare_window, 0), med(bare_window, 2), "bare PySide6 window")
    _row("main window", med(starts, 0), med(starts, 2), *bare, min(1.0, 4 * bare[0]))
    _row("window filled", med(starts, 3), med(starts, 2), *bare, 1.0)
    if painted:
        _row("first plan painted", med(painted, 1), med(painted, 2), *bare, 1.5)
    else:
        print("first plan painted: no plan was painted (does the ledger have a plan?)")
    _row("hazard list", med(listing, 0), med(listing, 1), med(bare_python, 0), med(bare_python, 1), "python -c pass",
         0.3)


if __name__ == "__main__":
    main()
