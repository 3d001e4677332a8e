"""The idle policy: when to ask "Do you want to continue?" and when to wipe the session.

Pure and clock-free: every call takes ``now`` (seconds on any monotonic clock), so tests advance
time instead of sleeping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Phase = Literal["active", "warning", "expired"]


@dataclass(frozen=True)
class IdleState:
    phase: Phase
    #: Whole seconds left on the countdown (only meaningful in the warning phase).
    remaining: int


@dataclass
class IdlePolicy:
    """After ``idle_seconds`` without a touch, warn for ``warning_seconds``, then expire.

    Any touch (:meth:`touch`) restarts the quiet time, also during the warning: one touch
    extends the session, as often as the visitor likes.
    """

    idle_seconds: float
    warning_seconds: float
    last_activity: float = 0.0

    def __post_init__(self) -> None:
        if self.warning_seconds < 20:
            raise ValueError("the countdown must give the visitor at least 20 seconds")
        if self.idle_seconds <= 0:
            raise ValueError("idle_seconds must be positive")

    def touch(self, now: float) -> None:
        """The visitor did something: the quiet time starts again."""
        self.last_activity = now

    def state(self, now: float) -> IdleState:
        quiet = now - self.last_activity
        if quiet < self.idle_seconds:
            return IdleState("active", int(self.warning_seconds))
        left = self.idle_seconds + self.warning_seconds - quiet
        if left > 0:
            return IdleState("warning", math.ceil(left))
        return IdleState("expired", 0)
