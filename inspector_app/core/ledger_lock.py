"""Which running program has a ledger file open: an operating-system lock on ``<ledger>.lock`` beside
it. The desktop program holds it from just before it opens the ledger until it lets go of it
(``AppContext.hold_ledger`` and ``close``); ``restore`` (core.backups) takes it for the moment it
replaces the file, so it refuses a ledger that a running program works in, and no program opens a
ledger while it is being swapped.

Why a lock file and not SQLite's own locking: SQLite locks the file only while a statement or a
transaction runs (and in WAL mode readers and a writer share it even then), so a program that sits
idle with the ledger open holds nothing that another process could see; the lock on the -shm file
that does last is not reachable from Python's sqlite3; and neither says which process it is.

Why an OS lock (``fcntl.flock`` on Linux and macOS, ``msvcrt.locking`` on Windows) and not just a
file holding a process id: the system drops the lock when its process ends, however it ends
(closed, crashed, killed), so what a killed program leaves behind never blocks anyone: the file is
still there, but it is not held. A bare process id would need guessing whether that process still
runs, or whether the number now belongs to another program.

The file holds the holder's process id as text, for the message that names it, and is never deleted
(deleting a lock file that another process has just opened would let two processes each hold "the"
lock). On Windows, where a locked byte cannot even be read, the locked byte lies far beyond the text.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from types import TracebackType

from inspector_app.core.db import LedgerError
from inspector_app.i18n import _

LOCK_SUFFIX = ".lock"
WINDOWS_LOCK_OFFSET = 1 << 30  # the byte locked on Windows: past any process id written at the start


class LedgerInUse(LedgerError):
    """The ledger is open in another running program; ``pid`` is its process id (None if unreadable)."""

    def __init__(self, ledger: Path, pid: int | None) -> None:
        if pid is not None:
            message = _("The ledger {path} is open in Fire-Risk Inspector (process {pid}); close it first.").format(
                path=ledger, pid=pid)
        else:
            message = _("The ledger {path} is open in another Fire-Risk Inspector; close it first.").format(
                path=ledger)
        super().__init__(message, "in_use", ledger)
        self.pid = pid


def lock_file(ledger: Path) -> Path:
    return ledger.with_name(ledger.name + LOCK_SUFFIX)


if sys.platform == "win32":
    import msvcrt

    def _try_lock(fd: int) -> bool:
        os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except PermissionError:  # EACCES: another handle holds the byte
            return False
        except OSError as exc:
            if exc.errno == errno.EDEADLOCK:  # what LK_NBLCK says when the byte is taken
                return False
            raise
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, WINDOWS_LOCK_OFFSET, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        # flock, not fcntl/lockf: its lock belongs to this open file, so closing some other handle on
        # the file in this process (a test, a second check) does not silently drop it.
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _read_pid(fd: int) -> int | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 32).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None


def _no_lock(ledger: Path, exc: OSError) -> LedgerError:
    return LedgerError(_("Cannot lock the ledger {path}: {problem}").format(
        path=ledger, problem=exc.strerror or exc), "no_lock", ledger)


class LedgerLock:
    """The lock of one ledger, held by this process until ``release`` (or the end of a ``with``)."""

    def __init__(self, ledger: Path, fd: int) -> None:
        self.ledger, self._fd = ledger, fd

    @classmethod
    def acquire(cls, ledger: Path) -> LedgerLock:
        """Take the ledger's lock at once, or raise ``LedgerInUse`` naming the process that has it. A
        folder where no lock can be made (read-only, a file system without locks) is a ``LedgerError``
        with the reason "no_lock": whoever asked decides whether to go on without."""
        path = lock_file(ledger)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o666)
        except OSError as exc:
            raise _no_lock(ledger, exc) from exc
        try:
            if not _try_lock(fd):
                raise LedgerInUse(ledger, _read_pid(fd))
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        except OSError as exc:
            os.close(fd)
            raise _no_lock(ledger, exc) from exc
        except BaseException:
            os.close(fd)
            raise
        return cls(ledger, fd)

    @property
    def held(self) -> bool:
        return self._fd >= 0

    def release(self) -> None:
        if self._fd < 0:
            return
        fd, self._fd = self._fd, -1
        try:
            os.ftruncate(fd, 0)  # no process id left behind that is no longer true
            _unlock(fd)
        except OSError:
            pass  # closing the file lets go of the lock all the same
        finally:
            os.close(fd)

    def __enter__(self) -> LedgerLock:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.release()
