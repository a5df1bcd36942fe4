"""A clock a test moves by hand, for the status pages' freshness bound (web/public/versions.py):
"not asked again within the bound, asked once it has passed" without sleeping or timing anything."""

from __future__ import annotations

from inspector_app.web.public.versions import FRESH_SECONDS


class SteppedClock:
    """Monotonic seconds that stand still until ``advance`` or ``past_the_bound``."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def past_the_bound(self) -> None:
        self.advance(FRESH_SECONDS)
