"""The hostile corpus (tests/data/hostile and its public/ folder of files from public test suites) through
every command that reads a stranger's file: per command how many files it handled and how many it refused,
the slowest file and the largest memory.

    .venv/bin/python benchmarks/hostile_corpus.py [--corpus DIR] [--seconds 60] [--memory-mb 2048]

plan info, plan render and the canvas loader's proof run in the budgeted child (plans.sandbox), whose
peak resident memory is reported; photo import and forms check run in the program's own process, so
each file is measured in a fresh interpreter of its own (peak resident memory of that interpreter).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inspector_app.i18n import set_language  # noqa: E402
from inspector_app.plans import PlanError, sandbox  # noqa: E402

IN_PROCESS = r"""
import resource, sys, time
from pathlib import Path
kind, path = sys.argv[1], Path(sys.argv[2])
start = time.perf_counter()
outcome = "handled"
try:
    if kind == "photo":
        from inspector_app.core.photos import clean_photo_bytes
        clean_photo_bytes(path)
    else:
        from inspector_app.core.forms import load_catalogue
        load_catalogue([path])
except Exception as exc:
    outcome = "refused" if type(exc).__name__ in ("InspectorError", "FormsError") else "CRASHED " + repr(exc)
print(outcome, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


@dataclass
class Tally:
    handled: int = 0
    refused: int = 0
    crashed: list[str] = field(default_factory=list)
    slowest: tuple[float, str] = (0.0, "")
    largest: tuple[float, str] = (0.0, "")

    def add(self, name: str, outcome: str, seconds: float, peak_mb: float) -> None:
        if outcome == "handled":
            self.handled += 1
        elif outcome == "refused":
            self.refused += 1
        else:
            self.crashed.append(f"{name}: {outcome}")
        self.slowest = max(self.slowest, (seconds, name))
        self.largest = max(self.largest, (peak_mb, name))


def guarded(tally: Tally, name: str, run) -> None:
    start = time.perf_counter()
    try:
        result = run()
    except PlanError:
        tally.add(name, "refused", time.perf_counter() - start, 0.0)
    else:
        tally.add(name, "handled", time.perf_counter() - start, result.figures.peak_mb)


def in_process(tally: Tally, kind: str, name: str, path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", IN_PROCESS, kind, str(path)], capture_output=True, text=True,
                          env=env, timeout=300)
    words = done.stdout.split() if done.returncode == 0 and done.stdout else ["CRASHED", "0", "0"]
    if words[0] == "CRASHED":
        tally.add(name, done.stdout.strip() or done.stderr.strip()[-200:], 0.0, 0.0)
    else:
        tally.add(name, words[0], float(words[1]), float(words[2]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "hostile")
    parser.add_argument("--seconds", type=float, default=sandbox.DEFAULT_SECONDS)
    parser.add_argument("--memory-mb", type=int, default=sandbox.DEFAULT_MEMORY_MB)
    args = parser.parse_args()
    set_language("en")
    budget = sandbox.Budget(seconds=args.seconds, memory_mb=args.memory_mb)
    # the generated corpus and the files copied from public test suites (public/, licences aside)
    files = [p for folder in (args.corpus, args.corpus / "public") if folder.is_dir()
             for p in sorted(folder.iterdir()) if p.is_file() and p.name != "MANIFEST.tsv"]
    tallies = {name: Tally() for name in ("plan info", "plan render", "canvas loader", "photo import", "forms check")}
    for path in files:
        guarded(tallies["plan info"], path.name, lambda path=path: sandbox.describe(path, budget))
        guarded(tallies["plan render"], path.name, lambda path=path: sandbox.render_page(path, 0, 1024, budget))
        sandbox.forget_proved()
        guarded(tallies["canvas loader"], path.name, lambda path=path: sandbox.probe(path, budget))
        in_process(tallies["photo import"], "photo", path.name, path)
        if path.suffix == ".yaml":
            with tempfile.TemporaryDirectory() as folder:
                (Path(folder) / "checklists").mkdir()
                shutil.copy(path, Path(folder) / "checklists" / path.name)
                in_process(tallies["forms check"], "forms", path.name, Path(folder))
    print(f"{len(files)} files; budget {budget.seconds:.0f} s and {budget.memory_mb} MB per open or render")
    print(f"{'command':15} {'handled':>7} {'refused':>7} {'crashed':>7}  {'slowest':34} {'largest memory':34}")
    for command, tally in tallies.items():
        slow = f"{tally.slowest[0]:.2f} s {tally.slowest[1]}"
        big = f"{tally.largest[0]:.0f} MB {tally.largest[1]}"
        print(f"{command:15} {tally.handled:7} {tally.refused:7} {len(tally.crashed):7}  {slow:34} {big:34}")
        for line in tally.crashed:
            print("   CRASH", line)
    return 1 if any(t.crashed for t in tallies.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
