"""`--self-test [PLAN...]`: prove that this copy of the program (a PyInstaller bundle, an installed
wheel or the source tree) carries everything it needs, before anyone relies on it.

Each step goes through the same command-line and use-case code an inspector's work does, on a
temporary ledger in a temporary INSPECTOR_HOME (never the user's own folders): the translations
load, the forms check, the schema migrates, every given plan imports and renders, a hazard is
recorded, its notice PDF is printed and its QR code decodes (pypdfium2 + zxing-cpp) to the hazard's
own address, and the main window opens (Qt and its plugins). Without PLAN files a drawn plan is used.
Prints one line per step and exits 0 only when every step passed.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from inspector_app.i18n import _

# The category every self-test hazard gets: present in the shipped taxonomy since the first forms.
CATEGORY = "electrical.aging_wiring"


class StepFailed(Exception):
    """A step's check did not hold; the message says what was expected."""


@dataclass
class StepResult:
    name: str
    ok: bool
    seconds: float
    detail: str


@dataclass
class SelfTest:
    work: Path
    plans: list[Path]
    floors: list[str] | None = None
    token: str = ""
    hazard_id: str = ""

    @property
    def ledger(self) -> Path:
        return self.work / "ledger.sqlite"

    def cli(self, *args: str) -> Any:
        """One command through the real entry point, its JSON output parsed; a non-zero exit fails the step."""
        from inspector_app.cli import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--db", str(self.ledger), "--lang", "en", "--as", "self-test", *args])
        if code != 0:
            raise StepFailed(f"`{' '.join(args)}` exited {code}: {err.getvalue().strip()}")
        text = out.getvalue().strip()
        return json.loads(text) if text.startswith(("{", "[")) else text

    def translations(self) -> str:
        from inspector_app.i18n import use_language

        with use_language("zh_CN"):
            word = _("self-test")
        if word == "self-test":
            raise StepFailed("the Chinese catalogues did not load (resources/locale is missing)")
        return word

    def forms(self) -> str:
        self.cli("forms", "check")
        categories = self.cli("forms", "categories")
        if CATEGORY not in {c["code"] for c in categories}:
            raise StepFailed(f"the shipped taxonomy has no {CATEGORY}")
        return f"{len(categories)} categories"

    def ledger_schema(self) -> str:
        from inspector_app.core import structure
        from inspector_app.core.db import open_database, sqlite_url

        db = open_database(sqlite_url(self.ledger))  # runs every migration from an empty file
        try:
            with db.session() as session:
                org = structure.create_organisation(session, "Self-test bureau")
                site = structure.create_site(session, org, "Self-test school", code="ST")
                building = structure.create_building(session, site, "Teaching building", "teaching_building")
                self.floors = [str(structure.create_floor(session, building, f"{n + 1}F", n + 1).id)
                               for n in range(len(self.plans))]
        finally:
            db.dispose()
        return self.ledger.name

    def plan(self, index: int) -> str:
        assert self.floors is not None
        path = self.plans[index]
        imported = self.cli("plan", "import", "--floor", self.floors[index], str(path))
        png = self.work / f"plan-{index}.png"
        rendered = self.cli("plan", "render", str(path), "--width", "480", "--out", str(png))
        if not png.is_file() or rendered["width"] != 480:
            raise StepFailed(f"{path.name} did not render")
        return f"{path.name}: {imported['format']}, {imported['pages']} page(s)"

    def hazard(self) -> str:
        assert self.floors
        added = self.cli("hazard", "add", "--floor", self.floors[0], "--x", "0.42", "--y", "0.61",
                         "--category", CATEGORY, "--description", "自检 self-test")
        self.token, self.hazard_id = added["token"], added["id"]
        return str(added["number"])

    def notice(self) -> str:
        import pypdfium2
        import zxingcpp

        pdf = self.work / "notice.pdf"
        self.cli("notice", self.hazard_id, "--out", str(pdf))
        document = pypdfium2.PdfDocument(str(pdf))
        try:
            image = document[0].render(scale=150 / 72).to_pil()
        finally:
            document.close()
        texts = [code.text for code in zxingcpp.read_barcodes(image) if code.format == zxingcpp.BarcodeFormat.QRCode]
        if not any(text.endswith(f"/h/{self.token}") for text in texts):
            raise StepFailed(f"the notice's QR codes {texts} do not carry the hazard's token")
        return f"{pdf.stat().st_size // 1024} KiB, QR decoded"

    def qt(self) -> str:
        """The QApplication first, as the desktop program makes it: the SVG reader would otherwise make a
        bare QGuiApplication, after which no window can be made."""
        if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6 import QtMultimedia  # the camera's module must be in the build
        from PySide6.QtGui import QImageReader
        from PySide6.QtWidgets import QApplication

        from inspector_app.ui.qt_logging import quiet_qt

        quiet_qt()  # as the program does: Qt's real warnings only
        if QApplication.instance() is None:
            QApplication([sys.argv[0]])
        formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
        missing = {"jpg", "png", "svg"} - formats
        if missing:
            raise StepFailed(f"Qt cannot read {sorted(missing)} images (image format plugins missing)")
        # The camera scans QR codes through QtMultimedia's FFmpeg backend: a build whose FFmpeg libraries do
        # not load (stripped ones did not) has no backend, and then no media format at all.
        media = QtMultimedia.QMediaFormat().supportedFileFormats(QtMultimedia.QMediaFormat.ConversionMode.Decode)
        if not media:
            raise StepFailed("QtMultimedia has no media backend (its FFmpeg libraries did not load): no camera")
        return (f"{QApplication.platformName()}, image formats: {' '.join(sorted(formats))}; "
                f"media backend: {len(media)} formats")

    def window(self) -> str:
        from PySide6.QtWidgets import QApplication

        from inspector_app.app.context import AppContext
        from inspector_app.core.settings import load_settings
        from inspector_app.ui.main_window import MainWindow

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        context = AppContext(settings=load_settings(), db_path=self.ledger, actor="self-test")
        try:
            window = MainWindow(context)
            window.show()
            app.processEvents()
            shot = window.grab()
            window.close()
            app.processEvents()
        finally:
            context.close()
        if shot.isNull() or shot.width() < 100:
            raise StepFailed("the main window did not paint")
        return f"{shot.width()}x{shot.height()}"

    def steps(self) -> list[tuple[str, Callable[[], str]]]:
        steps: list[tuple[str, Callable[[], str]]] = [
            ("qt", self.qt), ("translations", self.translations), ("forms", self.forms), ("ledger", self.ledger_schema)]
        steps += [(f"plan {i + 1}", lambda i=i: self.plan(i)) for i in range(len(self.plans))]  # type: ignore[misc]
        steps += [("hazard", self.hazard), ("notice", self.notice), ("window", self.window)]
        return steps


def run_steps(test: SelfTest, out: TextIO) -> list[StepResult]:
    results: list[StepResult] = []
    for name, step in test.steps():
        start = time.perf_counter()
        try:
            detail, ok = step(), True
        except Exception as exc:  # a self-test reports every failure as a line, whatever it is
            detail, ok = f"{type(exc).__name__}: {exc}", False
        results.append(StepResult(name, ok, time.perf_counter() - start, detail))
        print(f"{'ok  ' if ok else 'FAIL'} {name:<13} {results[-1].seconds:6.2f} s  {detail}", file=out, flush=True)
        if not ok:
            break  # later steps build on this one
    return results


def drawn_plan(folder: Path) -> Path:
    from inspector_app.core.demo import draw_floor_plan

    path = folder / "drawn-plan.png"
    draw_floor_plan(path, "Self-test 1F")
    return path


def self_test(plan_args: Sequence[str], out: TextIO | None = None) -> int:
    """Run every step in a temporary folder; 0 when all passed, 1 otherwise (2: a PLAN file is missing)."""
    out = out or sys.stdout
    plans = [Path(p) for p in plan_args]
    for plan in plans:
        if not plan.is_file():
            print(_("error: no plan file {file}").format(file=plan), file=out)
            return 2
    started = time.perf_counter()
    before = os.environ.get("INSPECTOR_HOME")
    with tempfile.TemporaryDirectory(prefix="inspector-self-test-") as folder:
        work = Path(folder)
        os.environ["INSPECTOR_HOME"] = str(work / "home")  # settings, logs and defaults stay in here
        try:
            results = run_steps(SelfTest(work, plans or [drawn_plan(work)]), out)
        finally:
            if before is None:
                os.environ.pop("INSPECTOR_HOME", None)
            else:
                os.environ["INSPECTOR_HOME"] = before
    passed = all(r.ok for r in results) and len(results) == len(SelfTest(work, plans or [work]).steps())
    total = time.perf_counter() - started
    if passed:
        print(_("self-test passed: {count} steps in {seconds:.1f} s").format(count=len(results), seconds=total),
              file=out)
    else:
        print(_("self-test FAILED at step '{step}'").format(step=results[-1].name), file=out)
    return 0 if passed else 1
