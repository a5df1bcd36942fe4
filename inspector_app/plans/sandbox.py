"""Open and render plans from strangers in a separate process with a time and a memory budget.

No reader library (QtSvg, PDFium, ezdxf, Pillow) can be trusted to bound its own work on a file
built to exhaust it, and a reader stuck inside C code cannot be interrupted from Python. So the
work runs in a child process (a fresh interpreter: no Qt state is inherited) that the parent watches: past
the time budget, or past the memory budget (resident memory polled with psutil, plus an address
space limit set inside the child on systems that have one), the child is killed and the caller
gets a :class:`PlanError` naming the file. A caller can also cancel (the GUI's Cancel button).

Uses: ``describe`` (what ``plan info`` prints and ``plan import`` stores), ``render_page`` and
``render_region`` (``plan render``, a proof render before a plan is shown in-process), and
``probe`` (open + a small full-page render: the canvas loader and the notices' plan excerpt run
it once per file, then work in-process on a file known to open and draw within budget).

The child's own figures come back with each result (seconds, peak memory), which the corpus
benchmark reports. The child is ``python -m inspector_app.plans.sandbox``; a frozen build starts
itself with ``--plan-sandbox-child``, which its entry point must hand to :func:`child_main`.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from inspector_app.i18n import _, current_language, ngettext, set_language
from inspector_app.plans.document import Region
from inspector_app.plans.errors import PlanError
from inspector_app.plans.sniff import sniff_format

# Per open or render. The slowest shared real plan (a 4 MB detail DXF) opens in 10-25 s on a busy
# 2-core machine; a user can cancel sooner. Environment variables let tests and servers choose.
DEFAULT_SECONDS = 60.0
DEFAULT_MEMORY_MB = 2048
PROBE_WIDTH = 512
CHILD_FLAG = "--plan-sandbox-child"  # a frozen build's entry point hands this to child_main()
STARTUP_SECONDS = 60.0  # a fresh interpreter importing Qt on a loaded 2-core laptop
MAX_JOBS_PER_CHILD = 50  # then a fresh one: memory a reader kept is given back
MAX_IDLE_CHILDREN = 2  # the canvas and a notice batch may each keep one warm
_POLL_SECONDS = 0.02


def _env_number(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Budget:
    """Seconds and megabytes (over the child's own start-up) one open or render may take.

    INSPECTOR_PLAN_SECONDS and INSPECTOR_PLAN_MEMORY_MB change the defaults (tests, a server)."""

    seconds: float = field(default_factory=lambda: _env_number("INSPECTOR_PLAN_SECONDS", DEFAULT_SECONDS))
    memory_mb: int = field(default_factory=lambda: int(_env_number("INSPECTOR_PLAN_MEMORY_MB", DEFAULT_MEMORY_MB)))


class PlanCancelled(PlanError):
    """The user cancelled opening or rendering a plan."""


@dataclass
class Figures:
    """What one guarded job cost: its seconds in the child, and the most resident memory it added
    over the child's state when the job began (polled every 20 ms)."""

    seconds: float = 0.0
    peak_mb: float = 0.0


@dataclass
class GuardedResult:
    value: Any
    figures: Figures = field(default_factory=Figures)


# -- the child ----------------------------------------------------------------------------------
def _limit_address_space(memory_mb: int) -> None:
    """Backstop inside the child: the address space may grow by the budget over what imports took."""
    try:
        import resource
    except ImportError:  # Windows: the parent's polling of resident memory is the limit there
        return
    try:
        with open("/proc/self/statm") as fh:
            pages = int(fh.read().split()[0])
        baseline = pages * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    limit = baseline + memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    # Only the soft limit: the next job in this child sets its own from its own baseline.
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _job_describe(path: Path) -> dict[str, Any]:
    from inspector_app.plans.opener import open_plan

    with open_plan(path) as doc:
        if doc.page_count:
            doc.render_page(0, PROBE_WIDTH)  # proof that it draws too: the file is then safe to show
        return {
            "format": doc.format,
            "pages": list(doc.pages),
            "layers": list(doc.layers(0)),
            "warnings": list(doc.warnings),
        }


def _job_render(path: Path, page: int, region: Region | None, width: int, height: int | None) -> Any:
    from inspector_app.plans.opener import open_plan

    with open_plan(path) as doc:
        image = doc.render_page(page, width) if height is None else doc.render_region(page, region, width, height)
        return (image.mode, image.size, image.tobytes())


def _job_probe(path: Path) -> dict[str, Any]:
    from inspector_app.plans.opener import open_plan

    with open_plan(path) as doc:
        for index in range(min(doc.page_count, 1)):
            doc.render_page(index, PROBE_WIDTH)
        return {"format": doc.format, "pages": list(doc.pages), "warnings": list(doc.warnings)}


_JOBS: dict[str, Callable[..., Any]] = {"describe": _job_describe, "render": _job_render, "probe": _job_probe}


def _send(out: Any, message: tuple[Any, ...]) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    out.write(struct.pack("<Q", len(data)) + data)
    out.flush()


def _read_message(stream: Any) -> Any:
    header = stream.read(8)
    if len(header) < 8:
        raise EOFError
    (length,) = struct.unpack("<Q", header)
    payload = stream.read(length)
    if len(payload) < length:
        raise EOFError
    return pickle.loads(payload)


def child_main() -> None:
    """The child's entry point: jobs from stdin, and for each "ready" then the reply on stdout, as pickles.

    A child serves one job after another while none overruns (the parent kills it when one does), so
    the readers are imported, and Qt started, once per child rather than once per file.
    """
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the reply stream
    # Imported before any limit so the budget measures the file's cost, not the libraries'.
    from inspector_app.plans import opener  # noqa: F401

    while True:
        try:
            job, args, memory_mb, language = _read_message(sys.stdin.buffer)
        except EOFError:
            return
        set_language(language)
        _limit_address_space(memory_mb)
        _send(out, ("ready", None, None))
        started = time.perf_counter()
        try:
            value = _JOBS[job](*args)
            reply: tuple[Any, ...] = ("ok", value)
        except PlanError as exc:
            reply = ("error", exc.problem)
        except MemoryError:
            reply = ("memory", None)
        except RecursionError:
            reply = ("error", _("the file is nested too deeply to read safely"))
        except Exception as exc:  # a reader library failing on a bad file: its words, never a traceback
            reply = ("error", _("cannot read: {error}").format(error=exc))
        value = None
        # A plain tuple: this module runs as __main__ in the child, so its classes would not unpickle.
        figures = (time.perf_counter() - started, 0.0)
        try:
            _send(out, (*reply, figures))
        except MemoryError:
            _send(out, ("memory", None, figures))


# -- the parent ---------------------------------------------------------------------------------
def child_command() -> list[str]:
    """How to start a child: this interpreter on this module, or the frozen program with a flag."""
    if getattr(sys, "frozen", False):
        return [sys.executable, CHILD_FLAG]
    return [sys.executable, "-m", "inspector_app.plans.sandbox"]


def _reader(stream: Any, into: queue.Queue[tuple[Any, ...]]) -> None:
    try:
        while True:
            into.put(_read_message(stream))
    except Exception:  # EOF, or a child killed mid-message: the parent sees it as a crash
        pass
    into.put(("crash", None, None))


def _resident_mb(pid: int) -> float:
    try:
        import psutil

        return float(psutil.Process(pid).memory_info().rss) / (1024 * 1024)
    except Exception:  # the child may just have exited; psutil missing means no polling
        return 0.0


class _Child:
    """One child process and the thread that reads its replies."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env.setdefault("QT_QPA_PLATFORM", "offscreen")  # the child never shows a window
        # The child must import this very copy of the program (a worktree, a test run's PYTHONPATH).
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
        # INSPECTOR_SANDBOX_DEBUG shows the child's stderr (a reader's own complaints) when investigating.
        stderr = None if os.environ.get("INSPECTOR_SANDBOX_DEBUG") else subprocess.DEVNULL
        self.process = subprocess.Popen(child_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=stderr, env=env)
        self.messages: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self.jobs = 0
        threading.Thread(target=_reader, args=(self.process.stdout, self.messages), daemon=True).start()

    def send(self, message: tuple[Any, ...]) -> None:
        assert self.process.stdin is not None
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self.process.stdin.write(struct.pack("<Q", len(data)) + data)
        self.process.stdin.flush()
        self.jobs += 1

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


_idle_lock = threading.Lock()
_idle: list[_Child] = []


def _take_child() -> _Child:
    with _idle_lock:
        while _idle:
            child = _idle.pop()
            if child.alive():
                return child
    return _Child()


def _give_back(child: _Child) -> None:
    """Keep a child that finished its job cleanly for the next one (a few, for a while)."""
    with _idle_lock:
        if child.alive() and child.jobs < MAX_JOBS_PER_CHILD and len(_idle) < MAX_IDLE_CHILDREN:
            _idle.append(child)
            return
    child.kill()


@atexit.register
def stop_children() -> None:
    """End the idle children (at exit; tests that count processes)."""
    with _idle_lock:
        children = list(_idle)
        _idle.clear()
    for child in children:
        child.kill()


def run_guarded(path: Path, job: str, args: tuple[Any, ...], budget: Budget | None = None,
                cancel: threading.Event | None = None) -> GuardedResult:
    """Run ``job`` on ``path`` in a child process within ``budget``; PlanError on any failure."""
    budget = budget or Budget()
    path = Path(path)
    # Telling the format reads 4 KB and never decodes: a file that is no plan at all is refused here,
    # without the cost of a child.
    sniff_format(path)
    child = _take_child()
    clean = False
    with contextlib.suppress(OSError):  # a child that died at once is reported as a crash below
        child.send((job, (path, *args), budget.memory_mb, current_language()))
    # Startup (a fresh interpreter importing the readers) is not the file's fault: the budget's clock
    # and memory baseline start when the child says it is ready to read.
    deadline = time.monotonic() + STARTUP_SECONDS
    baseline: float | None = None
    peak = 0.0
    pid = child.process.pid
    try:
        while True:
            try:
                status, value, child_figures = child.messages.get(timeout=_POLL_SECONDS)
            except queue.Empty:
                pass
            else:
                if status == "ready":
                    baseline = _resident_mb(pid)
                    deadline = time.monotonic() + budget.seconds
                    continue
                break
            resident = _resident_mb(pid)
            peak = max(peak, resident - (baseline or 0.0))
            if cancel is not None and cancel.is_set():
                raise PlanCancelled(path, _("cancelled"))
            if baseline is not None and resident - baseline > budget.memory_mb:
                raise PlanError(path, _("reading it needed more than {mb} MB of memory; it was stopped "
                                        "(the file may be built to exhaust memory)").format(mb=budget.memory_mb))
            if time.monotonic() > deadline:
                whole = round(budget.seconds)
                raise PlanError(path, ngettext(
                    "reading it took longer than {s} second; it was stopped (the file may be built to never finish)",
                    "reading it took longer than {s} seconds; it was stopped (the file may be built to never finish)",
                    whole).format(s=whole))
        clean = status in ("ok", "error")
    finally:
        if clean:
            _give_back(child)
        else:
            child.kill()
    child_seconds, _unused = child_figures or (0.0, 0.0)
    figures = Figures(seconds=child_seconds, peak_mb=peak)
    if status == "ok":
        return GuardedResult(value, figures)
    if status == "error":
        raise PlanError(path, value)
    if status == "memory" or (child.process.returncode is not None and child.process.returncode < 0 and baseline):
        raise PlanError(path, _("reading it needed more than {mb} MB of memory; it was stopped "
                                "(the file may be built to exhaust memory)").format(mb=budget.memory_mb))
    raise PlanError(path, _("the reader crashed on this file (exit code {code}); it is damaged or "
                            "built to attack the program").format(code=child.process.returncode))


def describe(path: Path, budget: Budget | None = None, cancel: threading.Event | None = None) -> GuardedResult:
    """Format, pages (PageInfo), layers (Layer) and warnings of a plan, read (and its first page drawn
    small) in a child process; the file then counts as proved for :func:`ensure_safe`."""
    budget = budget or Budget()
    result = run_guarded(path, "describe", (), budget, cancel)
    _remember_safe(Path(path))
    _keep_proof(_proof_file(Path(path), budget))
    return result


def probe(path: Path, budget: Budget | None = None, cancel: threading.Event | None = None) -> GuardedResult:
    """Open the plan and draw its first page small, in a child process: proof that it is safe to load."""
    return run_guarded(path, "probe", (), budget, cancel)


def render_page(path: Path, page: int, width: int, budget: Budget | None = None,
                cancel: threading.Event | None = None) -> GuardedResult:
    """The whole page at ``width`` pixels as an RGB PIL image, rendered in a child process."""
    result = run_guarded(path, "render", (page, None, width, None), budget, cancel)
    mode, size, data = result.value
    from PIL import Image  # here: the desktop program loads this module at its start, before any plan

    result.value = Image.frombytes(mode, size, data)
    return result


def render_region(path: Path, page: int, region: Region, width: int, height: int,
                  budget: Budget | None = None, cancel: threading.Event | None = None) -> GuardedResult:
    result = run_guarded(path, "render", (page, region, width, height), budget, cancel)
    mode, size, data = result.value
    from PIL import Image

    result.value = Image.frombytes(mode, size, data)
    return result


_probed_lock = threading.Lock()
_probed: dict[tuple[str, int, float], None] = {}
PROOFS_FOLDER = "proved-plans"


def ensure_safe(path: Path, budget: Budget | None = None, cancel: threading.Event | None = None) -> None:
    """Probe a file unless it was proved before; PlanError if unsafe.

    Proved before: in this process (keyed by path, size and modification time), or in an earlier run
    of this version of the program under the same budget (keyed by the file's SHA-256, in the user's
    cache folder). Only a file that passed leaves a proof, so a hostile file is probed every time; and
    skipping the child at start-up saves a fresh interpreter's start on the laptop's other core."""
    path = Path(path)
    key = _probe_key(path)
    if key is not None:
        with _probed_lock:
            if key in _probed:
                return
    budget = budget or Budget()
    proof = _proof_file(path, budget)
    if proof is not None and proof.exists():
        _remember_safe(path)
        return
    probe(path, budget, cancel)
    _remember_safe(path)
    _keep_proof(proof)


def _keep_proof(proof: Path | None) -> None:
    if proof is not None:
        with contextlib.suppress(OSError):  # a cache: if it cannot be written, the next run probes again
            proof.parent.mkdir(parents=True, exist_ok=True)
            proof.touch()


def _proof_file(path: Path, budget: Budget) -> Path | None:
    """Where a proof of this content under this budget and program version is kept; None if unreadable."""
    from inspector_app import __version__
    from inspector_app.core.store import sha256_file
    from inspector_app.paths import user_cache_dir

    try:
        digest = sha256_file(path)
    except OSError:
        return None
    name = f"{digest}-{__version__}-{budget.seconds:g}s-{budget.memory_mb}mb"
    return user_cache_dir() / PROOFS_FOLDER / name


def _probe_key(path: Path) -> tuple[str, int, float] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), stat.st_size, stat.st_mtime)


def _remember_safe(path: Path) -> None:
    key = _probe_key(path)
    if key is not None:
        with _probed_lock:
            _probed[key] = None


def forget_proved() -> None:
    """Forget which files were proved, in this process and on disk (tests; a file replaced with the
    same size and time)."""
    with _probed_lock:
        _probed.clear()
    import shutil

    from inspector_app.paths import user_cache_dir

    shutil.rmtree(user_cache_dir() / PROOFS_FOLDER, ignore_errors=True)


if __name__ == "__main__":
    child_main()
