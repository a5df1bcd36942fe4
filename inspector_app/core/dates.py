"""The one rule for turning instants into the dates people read: the local time zone of the machine
the program runs on (an inspector's laptop in China reads Beijing time), and a clock tests can fix.

Instants are stored as UTC (SQLite hands them back without a zone; those are UTC too). Every date
shown or compared — the day a hazard was found, the day its deadline counts from, overdue, the dates
on notices, in the ledger, on the public status page and in the history — is ``local_date`` of an
instant or ``today()``, so between 00:00 and 08:00 Beijing time nothing says "yesterday".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# The one way a date is written, on screen as on paper: 2026-12-06 (Qt's spelling for its date fields).
DATE_FORMAT = "%Y-%m-%d"
QT_DATE_FORMAT = "yyyy-MM-dd"


def shown_date(day: dt.date) -> str:
    return day.strftime(DATE_FORMAT)


def shown_moment(instant: dt.datetime) -> str:
    """An instant as the day and the minute it was, where the program runs: 2026-12-06 14:05."""
    return local_time(instant).strftime(f"{DATE_FORMAT} %H:%M")


def _system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_clock: Callable[[], dt.datetime] = _system_now
# None: the machine's own zone, with its rules at each instant (DST where there is any).
_zone: dt.tzinfo | None = None


def now() -> dt.datetime:
    """The current instant, in UTC, from the program's clock."""
    return _clock().astimezone(dt.UTC)


def local_time(instant: dt.datetime) -> dt.datetime:
    """The instant in the local zone; a naive instant is UTC (as SQLite returns what it stored)."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(_zone) if _zone is not None else instant.astimezone()


def local_date(instant: dt.datetime) -> dt.date:
    """The calendar day an instant falls on where the program runs."""
    return local_time(instant).date()


def today() -> dt.date:
    return local_date(now())


def start_of_day(day: dt.date) -> dt.datetime:
    """The instant (UTC) a local calendar day begins: where a "found from/to" filter cuts."""
    midnight = dt.datetime.combine(day, dt.time.min)
    local = midnight.replace(tzinfo=_zone) if _zone is not None else midnight.astimezone()
    return local.astimezone(dt.UTC)


class FixedClock:
    """A stopped clock that a test moves on by hand (``advance``) to step through days and hours."""

    def __init__(self, instant: dt.datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("a fixed clock needs an aware instant")
        self.instant = instant

    def __call__(self) -> dt.datetime:
        return self.instant

    def advance(self, delta: dt.timedelta) -> None:
        self.instant += delta


@contextmanager
def fixed_clock(instant: dt.datetime, zone: dt.tzinfo | None = None) -> Iterator[FixedClock]:
    """Run with the clock stopped at ``instant`` and, if given, dates read in ``zone``.

    For tests only: the clock is process-wide, as the machine's own clock is.
    """
    global _clock, _zone
    clock = FixedClock(instant)
    saved = _clock, _zone
    _clock, _zone = clock, zone
    try:
        yield clock
    finally:
        _clock, _zone = saved
