"""Start-up of the PyInstaller bundle beside the same program from source: `--help` (the command
line with every parser) and a read-only `hazard list` on the demo ledger, each by wall clock and by
CPU time, and the self-test's window step (the main window made and painted inside a running
process). Build the bundle first (scripts/build_bundle.sh prints its build time and size); this
prints medians and ratios, and asserts nothing.

    .venv/bin/python benchmarks/bundle.py [--bundle dist/FireRiskInspector] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import median_ms  # benchmarks/timing.py, beside this script

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=ROOT / "dist" / "FireRiskInspector")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    bundled = args.bundle / "inspector-app"
    if not bundled.exists():
        sys.exit(f"error: no bundle at {args.bundle} (build it with scripts/build_bundle.sh)")
    home = Path(tempfile.mkdtemp(prefix="inspector-bench-"))
    env = {**os.environ, "INSPECTOR_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    # The bundle carries compiled modules; so does any installed program. Where PYTHONDONTWRITEBYTECODE
    # is set (these sandboxes), the source side would compile every module at every run instead.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(home / "bytecode")
    source = [sys.executable, "-m", "inspector_app"]
    ledger = str(home / "demo.sqlite")
    subprocess.run([*source, "--db", ledger, "demo"], env=env, check=True, capture_output=True)
    for command in (source, [str(bundled)]):  # a second start, as the user's: caches made, bytecode written
        subprocess.run([*command, "--db", ledger, "hazard", "list"], env=env, check=True, capture_output=True)

    def timed(command: list[str]) -> float:
        return median_ms(lambda: subprocess.run(command, env=env, check=True, capture_output=True), args.runs)

    def cpu(command: list[str]) -> float:
        """CPU time of the child (user + system), in ms: steadier than the wall clock on a busy machine."""
        times = []
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            subprocess.run(command, env=env, check=True, capture_output=True)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            times.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
        return statistics.median(times)

    commands = [("--help (every command's parser)", ["--help"]),
                ("hazard list on the demo (47 hazards)", ["--db", ledger, "hazard", "list"])]
    rows = []
    for name, tail in commands:
        rows.append((f"{name}, wall", timed([*source, *tail]), timed([str(bundled), *tail])))
        rows.append((f"{name}, CPU", cpu([*source, *tail]), cpu([str(bundled), *tail])))
    window = []
    for command in (source, [str(bundled)]):
        out = subprocess.run([*command, "--self-test"], env=env, check=True, capture_output=True, text=True).stdout
        window.append(float(re.search(r"window\s+([\d.]+) s", out).group(1)) * 1000)  # type: ignore[union-attr]
    rows.append(("main window made and painted (self-test step)", window[0], window[1]))
    print(f"{'':48} {'source':>10} {'bundle':>10} {'bundle/source':>14}")
    for name, from_source, from_bundle in rows:
        print(f"{name:48} {from_source:8.0f} ms {from_bundle:7.0f} ms {from_bundle / from_source:13.2f}x")


if __name__ == "__main__":
    main()
