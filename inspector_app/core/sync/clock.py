"""A hybrid logical clock: wall time in milliseconds, a counter for events in the same millisecond (or
while the wall clock lags one already seen), and the replica's id to break ties.

Its text form sorts in clock order, so rows compare clocks as strings (in SQL too). A laptop whose
wall clock is a day behind still issues clocks after every one it has received.
"""

from __future__ import annotations

import re
import threading
import time
import uuid


def format_clock(wall_ms: int, counter: int, replica: uuid.UUID) -> str:
    return f"{wall_ms:013d}.{counter:05d}.{replica.hex}"


CLOCK_PATTERN = re.compile(r"\d{13}\.\d{5}\.[0-9a-f]{32}")
# How far ahead of the server's own clock a laptop's may run. Rows compare clocks as text, so a
# clock from the far future would win against every later change and stall every laptop behind it;
# a day covers a laptop whose clock is set wrong by hours (one a day *behind* needs no bound).
MAX_AHEAD_MS = 24 * 60 * 60 * 1000


def clock_problem(text: object, now_ms: int | None = None) -> str | None:
    """Why a clock received from a laptop cannot be taken (malformed, or too far ahead), or None."""
    if not isinstance(text, str) or not CLOCK_PATTERN.fullmatch(text):
        return "not a clock"
    now = time.time_ns() // 1_000_000 if now_ms is None else now_ms
    if parse_clock(text)[0] > now + MAX_AHEAD_MS:
        return "ahead of the server's clock by more than a day"
    return None


def parse_clock(text: str) -> tuple[int, int]:
    wall, counter, _replica = text.split(".")
    return int(wall), int(counter)


class HybridClock:
    def __init__(self, replica: uuid.UUID, last: str = "", wall_ms: object = None) -> None:
        self.replica = replica
        self._wall = wall_ms if callable(wall_ms) else (lambda: time.time_ns() // 1_000_000)
        self._lock = threading.Lock()
        self._last_wall, self._counter = parse_clock(last) if last else (0, 0)

    def now(self) -> str:
        """A new clock value, after every value issued or received before."""
        with self._lock:
            wall = int(self._wall())
            if wall > self._last_wall:
                self._last_wall, self._counter = wall, 0
            else:
                self._counter += 1
            return format_clock(self._last_wall, self._counter, self.replica)

    def receive(self, remote: str) -> None:
        """Move past a clock value seen in a pulled row, so later local changes sort after it."""
        if not remote:
            return
        wall, counter = parse_clock(remote)
        with self._lock:
            if (wall, counter) > (self._last_wall, self._counter):
                self._last_wall, self._counter = wall, counter

    @property
    def last(self) -> str:
        with self._lock:
            return format_clock(self._last_wall, self._counter, self.replica)
