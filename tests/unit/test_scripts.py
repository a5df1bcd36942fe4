"""The set-up scripts as a newcomer runs them, with the machine's tools stood in for (no packages are
installed, no venv is made, no program starts): the demo keeps to a home of its own, the bundle build
installs PyInstaller itself, and the README's build commands name the venv's Python."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/usr/bin/env bash\n" + text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def a_clone(tmp_path: Path) -> Path:
    """The scripts in a folder of their own, with stand-ins that log how they were called: the venv's
    python and inspector-app, and dpkg-query saying every Debian package is there."""
    clone = tmp_path / "clone"
    shutil.copytree(REPO / "scripts", clone / "scripts")
    log = tmp_path / "calls.log"
    executable(clone / ".venv" / "bin" / "python", f'''
echo "python $* INSPECTOR_HOME=${{INSPECTOR_HOME:-}}" >> {log}
if [ "${{1:-}}" = "-c" ] && [[ "$2" == *PyInstaller* ]]; then [ -f {tmp_path}/has-pyinstaller ]; exit; fi
if [[ "$*" == *"install -q -e .[build]"* ]]; then touch {tmp_path}/has-pyinstaller; fi
if [ "${{1:-}} ${{2:-}}" = "-m PyInstaller" ]; then
  mkdir -p dist/FireRiskInspector && printf '#!/usr/bin/env bash\\nexit 0\\n' > dist/FireRiskInspector/inspector-app
  chmod +x dist/FireRiskInspector/inspector-app
fi
exit 0
''')
    executable(clone / ".venv" / "bin" / "inspector-app",
               f'echo "inspector-app $* INSPECTOR_HOME=$INSPECTOR_HOME" >> {log}\n')
    executable(tmp_path / "bin" / "dpkg-query", 'echo "install ok installed"\n')
    return clone


def run(clone: Path, script: str, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    environment = {key: value for key, value in os.environ.items() if key not in ("INSPECTOR_HOME", "PYTHON")}
    environment.update(env, PATH=f"{clone.parent / 'bin'}{os.pathsep}{os.environ['PATH']}")
    done = subprocess.run(["bash", str(clone / "scripts" / script)], env=environment, capture_output=True,
                          text=True, timeout=60)
    log = clone.parent / "calls.log"
    return done, log.read_text(encoding="utf-8").splitlines() if log.exists() else []


def test_the_demo_keeps_to_a_home_of_its_own(tmp_path):
    clone = a_clone(tmp_path)
    done, calls = run(clone, "demo.sh")
    assert done.returncode == 0, done.stderr
    program = [line for line in calls if line.startswith("inspector-app")]
    assert [line.split()[-2] for line in program] == ["demo", "gui"]
    assert all(line.endswith(f"INSPECTOR_HOME={clone / 'demo' / 'home'}") for line in program), program


def test_the_demo_keeps_a_home_the_user_chose(tmp_path):
    clone = a_clone(tmp_path)
    mine = tmp_path / "my-home"
    _done, calls = run(clone, "demo.sh", INSPECTOR_HOME=str(mine))
    program = [line for line in calls if line.startswith("inspector-app")]
    assert program and all(line.endswith(f"INSPECTOR_HOME={mine}") for line in program)


def test_the_bundle_build_installs_pyinstaller_into_the_demos_venv(tmp_path):
    clone = a_clone(tmp_path)
    done, calls = run(clone, "build_bundle.sh")
    assert done.returncode == 0, done.stdout + done.stderr
    installs = [i for i, line in enumerate(calls) if "install -q -e .[build]" in line]
    builds = [i for i, line in enumerate(calls) if "-m PyInstaller" in line]
    assert installs and builds and installs[0] < builds[0], calls


def test_the_readme_builds_with_the_venvs_python():
    """`pip wheel ...` ran the machine's default pip (Python 3.11 here): "requires a different Python"."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/python -m pip wheel --no-deps -w dist ." in readme
    bare = [line for line in readme.splitlines() if "`pip wheel" in line or "`pip install ." in line]
    assert not bare, bare
