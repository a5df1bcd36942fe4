"""Sync in the desktop program: the Sync action, the status-bar widget that always says where the
sync stands (last success, changes waiting, conflicts, the last error), the background run with its
progress, retries with backoff after a failure, and the "Connect to the shared ledger" dialog (the
conflicts view is ui/sync_conflicts.py).

The work is the core's (core.sync.run.synchronise over web.sync.client.HttpTransport), run in a
QRunnable so the window never waits for the network; this module only shows it and schedules it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from html import escape
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QStatusBar,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from inspector_app.app.context import AppContext
from inspector_app.core.db import Database
from inspector_app.core.errors import InspectorError
from inspector_app.core.sync import laptop
from inspector_app.core.sync.run import SyncReport, status, synchronise
from inspector_app.i18n import N_, _, current_language, ngettext
from inspector_app.ui.sync_conflicts import ERROR_COLOUR, ConflictsDialog
from inspector_app.ui.unit_reports_view import UnitReportsDialog, count_waiting

# Seconds to wait before trying again after the 1st, 2nd, ... failure in a row (then the last one).
RETRY_DELAYS = (30, 60, 120, 240, 480, 600)
STATUS_REFRESH_MS = 60_000
SHUTDOWN_WAIT_S = 2.0  # how long quitting waits for a running sync to stop
# Answers after which trying again cannot help: the token is refused, or the program is too old.
HOPELESS_STATUSES = frozenset({401, 426})

PHASES = {"pull": N_("Receiving changes"), "push": N_("Sending changes")}  # "push" counts files too


def valid_server(url: str) -> bool:
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite gives naive UTC back


def ago(moment: dt.datetime, now: dt.datetime) -> str:
    """How long ago, in words: "just now", "5 minutes ago", "2 hours ago", "3 days ago"."""
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 1:
        return _("just now")
    if minutes < 120:
        return ngettext("{n} minute ago", "{n} minutes ago", minutes).format(n=minutes)
    if minutes < 48 * 60:
        hours = minutes // 60
        return ngettext("{n} hour ago", "{n} hours ago", hours).format(n=hours)
    days = minutes // (24 * 60)
    return ngettext("{n} day ago", "{n} days ago", days).format(n=days)


# -- the background run ----------------------------------------------------------------------------
class _Signals(QObject):
    progress = Signal(str, int, int)
    finished = Signal(object)
    failed = Signal(object, bool)  # the error (put in words when shown), whether trying again can help


class SyncCancelled(InspectorError):
    """The program is closing: the sync stops at its next step (and is tried again at the next start)."""


class SyncJob(QRunnable):
    """One synchronise() call off the UI thread; every outcome arrives as a signal. ``cancel()`` (the
    window closes) stops it at its next step or pause and silences it: its signals' source may be gone."""

    def __init__(self, database: Database, server: str, token: str, actor: str,
                 sleep: Callable[[float], None] | None = None) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the panel keeps it until its signal arrived
        self.database, self.server, self.token, self.actor, self.sleep = database, server, token, actor, sleep
        self.signals = _Signals()
        self.cancelled = threading.Event()
        self.done = threading.Event()

    def cancel(self) -> None:
        self.cancelled.set()

    def _check(self) -> None:
        if self.cancelled.is_set():
            raise SyncCancelled(lambda: _("The sync was stopped: the program was closing."))

    def _pause(self, seconds: float) -> None:
        """The client's wait between tries: cut short by cancel()."""
        if self.sleep is not None:
            self.sleep(seconds)
        else:
            self.cancelled.wait(seconds)
        self._check()

    def _progress(self, phase: str, done: int, total: int) -> None:
        self._check()
        self._emit(self.signals.progress, phase, done, total)

    def _emit(self, signal: Any, *args: object) -> None:
        if self.cancelled.is_set():
            return  # the window has closed: nobody to tell, and its objects may be gone
        with contextlib.suppress(RuntimeError):  # "Signal source has been deleted": the program ended under us
            signal.emit(*args)

    def run(self) -> None:
        import httpx  # here, on the worker thread: the window opens without loading the HTTP client

        answered: list[int] = []
        client = httpx.Client(base_url=self.server.strip().rstrip("/") + "/sync", timeout=60.0,
                              event_hooks={"response": [lambda response: answered.append(response.status_code)]})
        try:
            from inspector_app.web.sync.client import HttpTransport

            self._check()
            transport = HttpTransport(self.server, self.token, sleep=self._pause, client=client)
            report = synchronise(self.database, transport, self.actor, server_url=transport.server_url,
                                 progress=self._progress)
        except Exception as exc:  # whatever stopped the sync is shown, never swallowed
            # An InspectorError is kept as it is: it is put in words when shown, in the language of then.
            problem = exc if isinstance(exc, InspectorError) else f"{type(exc).__name__}: {exc}"
            self._emit(self.signals.failed, problem, not HOPELESS_STATUSES.intersection(answered))
        else:
            self._emit(self.signals.finished, report)
        finally:
            client.close()
            self.done.set()


# -- the panel -------------------------------------------------------------------------------------
class SyncPanel(QObject):
    """Owns the sync actions, the status-bar widget and the retry timer of one main window."""

    synced = Signal()  # the ledger may have changed: the window reloads what it shows
    ledgerChanged = Signal()  # a conflict was settled here

    def __init__(self, context: AppContext, parent: QWidget, save_settings: Callable[[], None]) -> None:
        super().__init__(parent)
        self.context, self.window, self._save_settings = context, parent, save_settings
        self.job: SyncJob | None = None
        self.attempts = 0  # syncs started since the program started
        self.failures = 0  # failures in a row, for the backoff
        self.retry_delays: tuple[float, ...] = RETRY_DELAYS
        self.http_sleep: Callable[[float], None] | None = None  # None: the job's own wait, cut short at quit
        self.last_failure: object = ""  # this run's last failure (an InspectorError, words when shown)
        self.last_result: Callable[[], str] | None = None  # the last success, in the language of when it is shown
        self.language = current_language()  # a stored error from before a switch is not shown in its words
        self.gave_up = False
        self.offer_box: QMessageBox | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self.phase = ""
        self.user_started = False
        self.is_error = False
        self.connect_dialog: ConnectDialog | None = None

        self.sync_action = QAction(self)
        self.sync_action.setShortcut(QKeySequence("F9"))
        self.sync_action.triggered.connect(self.start)
        self.connect_action = QAction(self)
        self.connect_action.triggered.connect(self.ask_connection)
        self.conflicts_action = QAction(self)
        self.conflicts_action.triggered.connect(self.show_conflicts)
        self.reports_action = QAction(self)
        self.reports_action.triggered.connect(self.show_reports)
        self.reports_dialog: UnitReportsDialog | None = None

        self.widget = QWidget()
        self.widget.setObjectName("sync_status")
        row = QHBoxLayout(self.widget)
        row.setContentsMargins(4, 0, 4, 0)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(140)
        self.progress.setMaximumHeight(16)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.label = QLabel()
        self.label.setObjectName("sync_status_label")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.linkActivated.connect(lambda link: self.show_reports() if link == "reports" else
                                         self.show_conflicts())
        row.addWidget(self.progress)
        row.addWidget(self.label)

        self.retry_timer = QTimer(self)
        self.retry_timer.setSingleShot(True)
        self.retry_timer.timeout.connect(lambda: self.start(automatic=True))
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(STATUS_REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh_status)
        self.refresh_timer.start()

    def install(self, menu: QMenu, before: QAction, toolbar: QToolBar, status_bar: QStatusBar) -> None:
        """Put the actions in ``menu`` above ``before``, Sync in the tool bar, the state in the status bar."""
        menu.insertActions(before, [self.sync_action, self.connect_action, self.conflicts_action,
                                    self.reports_action])
        menu.insertSeparator(before)
        toolbar.addSeparator()
        toolbar.addAction(self.sync_action)
        status_bar.addPermanentWidget(self.widget)
        QTimer.singleShot(0, self._resume)

    def _resume(self) -> None:
        """A sync that failed before the program was closed is tried again, without waiting for an edit."""
        if status(self.context.db)["last_error"] and valid_server(self.server()) and self.context.settings.sync_token:
            self._schedule_retry()
            self.refresh_status()

    def retranslate(self) -> None:
        self.sync_action.setText(_("Sync"))
        self.sync_action.setToolTip(_("Send and receive changes with the shared ledger (F9)"))
        self.connect_action.setText(_("Connect to the shared ledger…"))
        self.conflicts_action.setText(_("Sync conflicts…"))
        self.reports_action.setText(_("Reports from responsible units…"))
        self.refresh_status()

    @property
    def running(self) -> bool:
        return self.job is not None

    def refuses_ledger_switch(self) -> bool:
        """True (and says why) while a sync runs: its ledger must stay open until it ends."""
        if self.running:
            self.window_status(_("Wait for the sync to finish before opening another ledger."))
        return self.running

    # -- starting -----------------------------------------------------------------------------
    def server(self) -> str:
        if self.context.settings.sync_server:
            return self.context.settings.sync_server
        with self.context.db.session() as session:
            return laptop.replica(session).server_url

    def start(self, _checked: bool = False, automatic: bool = False) -> None:
        """Sync now (the action, or the retry timer); the first time, ask where to first."""
        if self.running:
            return
        self.retry_timer.stop()
        server, token = self.server(), self.context.settings.sync_token
        if not (valid_server(server) and token.strip()):
            if automatic or not self.ask_connection(start=False):
                return
            server, token = self.server(), self.context.settings.sync_token
        self.attempts += 1
        self.gave_up = False
        self.user_started = not automatic
        job = SyncJob(self.context.db, server, token, self.context.actor, self.http_sleep)
        job.signals.progress.connect(self._progressed)
        job.signals.finished.connect(self._finished)
        job.signals.failed.connect(self._failed)
        self.job = job
        self.sync_action.setEnabled(False)
        self.connect_action.setEnabled(False)
        self.phase = _("Connecting to {server}…").format(server=server)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.window_status("")  # the previous sync's result is no longer news
        self.refresh_status()
        QThreadPool.globalInstance().start(job)

    def ask_connection(self, _checked: bool = False, start: bool = True) -> bool:
        dialog = ConnectDialog(self.server(), self.context.settings.sync_token, self.window)
        self.connect_dialog = dialog
        if not dialog.exec():
            return False
        self.context.settings.sync_server, self.context.settings.sync_token = dialog.values()
        self._save_settings()
        self.failures, self.gave_up, self.last_failure = 0, False, ""
        self.refresh_status()
        if start:
            self.start()
        return True

    # -- outcomes -----------------------------------------------------------------------------
    def _progressed(self, phase: str, done: int, total: int) -> None:
        name = _(PHASES.get(phase, phase))
        if total > 0 and phase != "pull":
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            self.phase = _("{phase} {done}/{total}…").format(phase=name, done=done, total=total)
        else:
            self.progress.setRange(0, 0)
            self.phase = _("{phase}: {done}…").format(phase=name, done=done)
        self.refresh_status()

    def _ended(self) -> None:
        self.job = None
        self.phase = ""
        self.progress.hide()
        self.sync_action.setEnabled(True)
        self.connect_action.setEnabled(True)

    def _finished(self, report: SyncReport) -> None:
        self._ended()

        def result() -> str:
            words = _("Sync done: sent {pushed}, received {pulled}").format(pushed=report.pushed,
                                                                            pulled=report.pulled)
            if report.conflicts:
                words += _(", ") + ngettext("{n} new conflict", "{n} new conflicts", report.conflicts).format(
                    n=report.conflicts)
            return words

        self.last_result = result
        # Refused rows and rows kept aside are the core's last_error: the sync went through, some rows did
        # not; the kept ones are tried again by the next sync, so one comes by itself.
        self.last_failure = ""
        if report.refused or report.problems:
            self._schedule_retry()
        else:
            self.failures = 0
        self.window_status(result())
        self.refresh_status()
        self.synced.emit()
        if report.open_conflicts and (self.user_started or report.conflicts):
            self._offer_conflicts(report.open_conflicts)

    def _failed(self, problem: object, may_retry: bool) -> None:
        self._ended()
        self.last_failure = problem
        if may_retry:
            self._schedule_retry()
        else:
            self.gave_up = True
        self.refresh_status()

    def _schedule_retry(self) -> None:
        delay = self.retry_delays[min(self.failures, len(self.retry_delays) - 1)]
        self.failures += 1
        self.retry_timer.start(int(delay * 1000))

    def window_status(self, text: str) -> None:
        window = self.window
        if isinstance(window, QMainWindow):
            if text:
                window.statusBar().showMessage(text, 15_000)
            else:
                window.statusBar().clearMessage()

    def _offer_conflicts(self, count: int) -> None:
        box = QMessageBox(QMessageBox.Icon.Question, _("Sync"), ngettext(
            "{n} conflict to look at: two people changed the same thing.",
            "{n} conflicts to look at: two people changed the same things.", count).format(n=count),
            parent=self.window)
        look = box.addButton(_("Look at them"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Later"), QMessageBox.ButtonRole.RejectRole)
        box.setWindowModality(Qt.WindowModality.NonModal)  # the work goes on while it is shown
        box.buttonClicked.connect(lambda button: self.show_conflicts() if button is look else None)
        self.offer_box = box
        box.show()

    # -- the words ----------------------------------------------------------------------------
    def refresh_status(self, *_args: object) -> None:
        """Put the sync state in words; cheap (one status() query), called after edits and by a timer."""
        try:
            state = status(self.context.db)
        except Exception as exc:  # a ledger being switched must not break the status bar
            self._show([_error(_("Sync status unavailable: {problem}").format(problem=exc))], True, str(exc))
            return
        stored = state["last_error"] or ""
        if stored and not self.last_failure and current_language() != self.language:
            # Kept in the ledger in the words of the language of then: not shown in a mixed language.
            stored = _("the last sync had a problem; sync again to have it said in this language")
        problem = "" if self.running else (str(self.last_failure) or stored)
        parts: list[str] = []  # pieces of rich text, each escaped; only the error ones are red
        if problem:
            words = _("Sync failed: {problem}").format(problem=_short(problem))
            if self.retry_timer.isActive():
                at = dt.datetime.now() + dt.timedelta(milliseconds=self.retry_timer.remainingTime())
                words += " " + _("(next try at {time})").format(time=at.strftime("%H:%M"))
            elif self.gave_up:
                words += " " + _("(not retrying: check the connection settings)")
            parts.append(_error(words))
        last_sync = _as_utc(state["last_sync_at"])
        if self.running:
            parts.append(escape(self.phase or _("Syncing…")))
        elif last_sync is None:
            parts.append(escape(_("Never synced")))
        else:
            when = ago(last_sync, dt.datetime.now(dt.UTC))
            parts.append(escape(_("Last synced {when}").format(when=when) if problem else
                                _("Synced {when}").format(when=when)))
        pending = int(state["pending_changes"])
        if pending:
            parts.append(escape(ngettext("{n} change waiting", "{n} changes waiting", pending).format(n=pending)))
        conflicts = int(state["open_conflicts"])
        if conflicts:
            words = ngettext("{n} conflict to look at", "{n} conflicts to look at", conflicts).format(n=conflicts)
            parts.append(f"<a href='conflicts'>{escape(words)}</a>")
        try:
            reports = count_waiting(self.context)
        except Exception:  # as for status(): a ledger being switched must not break the status bar
            reports = 0
        if reports:
            words = ngettext("{n} report from a unit waiting", "{n} reports from units waiting", reports).format(
                n=reports)
            parts.append(f"<a href='reports'>{escape(words)}</a>")
        self._show(parts, bool(problem), problem)

    def _show(self, parts: list[str], error: bool, problem: str = "") -> None:
        self.label.setText(" · ".join(parts))
        self.is_error = error
        tips = [_("Server: {server}").format(server=self.server() or _("(not connected)"))]
        if problem:
            tips.append(problem)
        if self.last_result is not None:
            tips.append(self.last_result())
        self.widget.setToolTip("\n".join(tips))

    def text(self) -> str:
        """The status as plain words (what a test or a screen reader reads)."""
        document = QTextDocument()
        document.setHtml(self.label.text())
        return document.toPlainText()

    # -- conflicts ----------------------------------------------------------------------------
    def show_conflicts(self) -> None:
        if self.conflicts_dialog is None:
            self.conflicts_dialog = ConflictsDialog(self.context, self.window)
            self.conflicts_dialog.resolved.connect(self._conflict_resolved)
        self.conflicts_dialog.reload()
        if self.conflicts_dialog.isVisible():  # already open behind the window: bring it forward
            self.conflicts_dialog.raise_()
        self.conflicts_dialog.show()

    # -- what responsible units sent ---------------------------------------------------------------
    def show_reports(self) -> None:
        if self.reports_dialog is None:
            self.reports_dialog = UnitReportsDialog(self.context, self.window)
            self.reports_dialog.answered.connect(self._conflict_resolved)
        self.reports_dialog.reload()
        if self.reports_dialog.isVisible():
            self.reports_dialog.raise_()
        self.reports_dialog.show()

    def _conflict_resolved(self) -> None:
        self.refresh_status()
        self.ledgerChanged.emit()

    def shutdown(self, wait_seconds: float = SHUTDOWN_WAIT_S) -> None:
        """The window closes: no retry fires later; a running sync is stopped at its next step and given
        a moment to end (a request the network holds ends at its timeout, silently: its signals are cut)."""
        self.retry_timer.stop()
        self.refresh_timer.stop()
        job, self.job = self.job, None
        if job is not None:
            job.cancel()
            for signal in (job.signals.progress, job.signals.finished, job.signals.failed):
                signal.disconnect()
            job.done.wait(wait_seconds)


def _error(text: str) -> str:
    return f"<span style='color:{ERROR_COLOUR}'>{escape(text)}</span>"


def _short(text: str, limit: int = 72) -> str:
    """A long message shortened for the status bar (the whole one is in the tooltip)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# -- connect dialog --------------------------------------------------------------------------------
class ConnectDialog(QDialog):
    def __init__(self, server: str, token: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Connect to the shared ledger"))
        self.setMinimumWidth(520)
        intro = QLabel(_("This laptop sends its hazards to the shared ledger and receives everyone else's. "
                         "Ask the administrator for the server's address and your own token."))
        intro.setWordWrap(True)
        self.server = QLineEdit(server)
        self.server.setPlaceholderText("https://ledger.example.cn")
        self.token = QLineEdit(token)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(_("the token the administrator gave you"))
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.problem.setWordWrap(True)
        note = QLabel(_("The token is kept in your own settings on this computer, not in the ledger."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #616161;")
        form = QFormLayout()
        form.addRow(_("Server address:"), self.server)
        form.addRow(_("Your token:"), self.token)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Connect and sync"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        # A field is judged once it has been typed in: no red "give the address" before any typing.
        self.touched: set[str] = set()
        self.server.textEdited.connect(lambda _text: self._check("server"))
        self.token.textEdited.connect(lambda _text: self._check("token"))
        self.server.textChanged.connect(lambda _text: self._check())
        self.token.textChanged.connect(lambda _text: self._check())
        self._check()

    def _check(self, typed_in: str = "") -> None:
        if typed_in:
            self.touched.add(typed_in)
        server, token = self.server.text().strip(), self.token.text().strip()
        problem, field = "", ""
        if server and not valid_server(server):
            problem, field = _("The address must start with http:// or https:// and name a server."), "server"
        elif not server:
            problem, field = _("Give the server's address."), "server"
        elif not token:
            problem, field = _("Give your token."), "token"
        self.problem.setText(problem if field in self.touched else "")
        self.ok_button.setEnabled(not problem)

    def values(self) -> tuple[str, str]:
        return self.server.text().strip().rstrip("/"), self.token.text().strip()
