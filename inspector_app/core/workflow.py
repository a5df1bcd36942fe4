"""The hazard status workflow of DESIGN.md: states, legal transitions and what each one requires.

open → in_progress → awaiting_reinspection → closed; a failed re-inspection goes back to in_progress;
fixed on the spot closes an open hazard at once (with an after-photo); any unfinished hazard can be
withdrawn with a reason. Closed and withdrawn are final. Overdue is derived, never stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from inspector_app.core import dates
from inspector_app.core.errors import TransitionError
from inspector_app.i18n import N_, _


class Status(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    AWAITING_REINSPECTION = "awaiting_reinspection"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


class Severity(StrEnum):
    GENERAL = "general"
    MAJOR = "major"


STATUS_LABELS: dict[str, str] = {
    Status.OPEN: N_("Open"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.AWAITING_REINSPECTION: N_("Awaiting re-inspection"),
    Status.CLOSED: N_("Closed"),
    Status.WITHDRAWN: N_("Withdrawn"),
}
SEVERITY_LABELS: dict[str, str] = {Severity.GENERAL: N_("General"), Severity.MAJOR: N_("Major")}
OVERDUE_LABEL = N_("Overdue")
# Colours people read at a glance on pins, the ledger and the status page.
STATUS_COLOURS: dict[str, str] = {
    Status.OPEN: "#d32f2f",
    Status.IN_PROGRESS: "#f57c00",
    Status.AWAITING_REINSPECTION: "#1976d2",
    Status.CLOSED: "#388e3c",
    Status.WITHDRAWN: "#757575",
}
FINAL_STATES = frozenset({Status.CLOSED, Status.WITHDRAWN})
# The deadline binds the responsible unit until it reports the fix; after that the inspector owes
# the re-inspection, so a hazard awaiting re-inspection is not counted overdue.
OVERDUE_STATES = frozenset({Status.OPEN, Status.IN_PROGRESS})


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


def severity_label(severity: str) -> str:
    return _(SEVERITY_LABELS.get(severity, severity))


@dataclass(frozen=True)
class Transition:
    source: Status
    target: Status
    event: str
    needs_note: bool = False
    needs_after_photo: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition(Status.OPEN, Status.IN_PROGRESS, "rectification_started"),
    Transition(Status.OPEN, Status.AWAITING_REINSPECTION, "rectification_reported"),
    Transition(Status.IN_PROGRESS, Status.AWAITING_REINSPECTION, "rectification_reported"),
    Transition(Status.AWAITING_REINSPECTION, Status.CLOSED, "reinspection_passed", needs_after_photo=True),
    Transition(Status.AWAITING_REINSPECTION, Status.IN_PROGRESS, "reinspection_failed", needs_note=True),
    Transition(Status.OPEN, Status.CLOSED, "fixed_on_spot", needs_after_photo=True),
    Transition(Status.OPEN, Status.WITHDRAWN, "withdrawn", needs_note=True),
    Transition(Status.IN_PROGRESS, Status.WITHDRAWN, "withdrawn", needs_note=True),
    Transition(Status.AWAITING_REINSPECTION, Status.WITHDRAWN, "withdrawn", needs_note=True),
)
_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}


def parse_status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise TransitionError(
            _("Unknown status '{value}'. Use one of: {names}.").format(value=value, names=names)
        ) from None


def allowed_targets(source: str) -> list[Status]:
    return [t.target for t in TRANSITIONS if t.source == source]


def common_targets(sources: set[str]) -> list[Status]:
    """The states that every one of ``sources`` may go to next, in the workflow's order."""
    reachable: list[Status] | None = None
    for source in sources:
        targets = allowed_targets(source)
        reachable = targets if reachable is None else [t for t in reachable if t in targets]
    return reachable or []


def transition_between(source: str, target: str) -> Transition | None:
    """The legal step from ``source`` to ``target`` (with what it needs), or None."""
    try:
        return _BY_PAIR.get((Status(source), Status(target)))
    except ValueError:
        return None


def check_transition(source: str, target: str, *, note: str, has_after_photo: bool) -> Transition:
    """Return the transition from ``source`` to ``target`` or refuse it with a message saying why."""
    src, dst = parse_status(source), parse_status(target)
    if src in FINAL_STATES:
        raise TransitionError(
            _(
                "The hazard is {status}, which is final. A hazard that comes back is recorded as a "
                "new hazard linked to this one."
            ).format(status=status_label(src))
        )
    if src == dst:
        raise TransitionError(_("The hazard is already {status}.").format(status=status_label(src)))
    transition = _BY_PAIR.get((src, dst))
    if transition is None:
        if dst == Status.CLOSED:
            raise TransitionError(
                _(
                    "A hazard that is {status} can only be closed after a re-inspection: "
                    "move it to awaiting re-inspection first."
                ).format(status=status_label(src))
            )
        targets = ", ".join(f"{t.value} ({status_label(t)})" for t in allowed_targets(src))
        raise TransitionError(
            _("A hazard cannot go from {source} to {target}. From {source} it can go to: {targets}.").format(
                source=status_label(src), target=status_label(dst), targets=targets
            )
        )
    if transition.needs_note and not note.strip():
        if dst == Status.WITHDRAWN:
            raise TransitionError(_("Withdrawing a hazard needs a reason (--note)."))
        raise TransitionError(_("A failed re-inspection needs a note saying what is still wrong (--note)."))
    if transition.needs_after_photo and not has_after_photo:
        raise TransitionError(
            _("Closing a hazard needs a photo of the fixed state (an after-photo, --photo).")
        )
    return transition


def is_overdue(status: str, deadline: dt.date | None, today: dt.date | None = None) -> bool:
    if deadline is None or status not in OVERDUE_STATES:
        return False
    return deadline < (today or dates.today())


def days_overdue(status: str, deadline: dt.date | None, today: dt.date | None = None) -> int:
    if not is_overdue(status, deadline, today):
        return 0
    assert deadline is not None
    return ((today or dates.today()) - deadline).days
