"""One visitor's way through one demo: which step, what counts as right, how much help to give.

Pure: no Kivy, no clock of its own (every call takes ``now``). The UI asks :meth:`attempt` what
a touch or a typed text means and shows what comes back.

Help grows with wrong tries on the same step: 1 — a gentle hint; 2 — a stronger highlight;
3 and more — the offer "Show me", which performs the step slowly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from kiosk.core.events import EventChannel
from kiosk.packs.actions import check_typed

if TYPE_CHECKING:  # annotations only: the kiosk's first frame must not wait for pydantic
    from kiosk.packs.models import Demo, Step

#: Wrong tries after which each kind of help appears.
HINT_AFTER = 1
STRONG_AFTER = 2
SHOW_ME_AFTER = 3

Verdict = Literal["right", "wrong", "ignored"]


@dataclass(frozen=True)
class Attempt:
    """What the visitor did: touched ``component`` (and ``option``), or typed ``text`` into it."""

    component: str | None = None
    option: str | None = None
    text: str | None = None
    card: str | None = None  # "inserted:<kind>" or "removed"


@dataclass(frozen=True)
class Outcome:
    verdict: Verdict
    #: Why a typed value is wrong (the step's own error text or None for the generic one).
    error: str | None = None


class Walkthrough:
    """The state of one demo in one language. ``index`` is 0-based; ``finished`` after the last."""

    def __init__(self, demo: Demo, language: str, events: EventChannel, now: float) -> None:
        self.demo = demo
        self.language = language
        self.events = events
        self.index = 0
        self.wrong = 0
        self.finished = False
        self.stopped = False
        self.started_at = now
        self.step_started_at = now
        self._publish("demo_started", now, steps=len(demo.steps))
        self._publish("step_reached", now)

    # -- what is shown ----------------------------------------------------------------------
    @property
    def step(self) -> Step:
        return self.demo.steps[self.index]

    @property
    def count(self) -> int:
        return len(self.demo.steps)

    @property
    def help_level(self) -> int:
        """0 none, 1 hint, 2 strong highlight, 3 "Show me" offered."""
        if self.wrong >= SHOW_ME_AFTER:
            return 3
        if self.wrong >= STRONG_AFTER:
            return 2
        return 1 if self.wrong >= HINT_AFTER else 0

    def text(self, field: str) -> str:
        """The current step's ``instruction``, ``speech``, ``hint`` or ``done`` in the language."""
        value = getattr(self.step, field)
        if value is None and field == "speech":
            value = self.step.instruction
        return value.get(self.language) if value is not None else ""

    def stuck_seconds(self, now: float) -> int:
        """How long the visitor has been on this step (goes into a help request's context)."""
        return max(0, int(now - self.step_started_at))

    # -- what the visitor does --------------------------------------------------------------
    def attempt(self, what: Attempt, now: float) -> Outcome:
        """Judge a touch, a typed text or a card event against the current step."""
        if self.finished or self.stopped:
            return Outcome("ignored")
        outcome = self._judge(what)
        if outcome.verdict == "right":
            self._advance(now)
        elif outcome.verdict == "wrong":
            self.wrong += 1
            self._publish("step_failed", now, tries=self.wrong)
            if self.wrong in (HINT_AFTER, STRONG_AFTER, SHOW_ME_AFTER):
                self._publish("hint_shown", now, level=self.help_level)
        return outcome

    def _judge(self, what: Attempt) -> Outcome:
        action = self.step.action
        if action.kind in ("card_insert", "card_remove"):
            if what.card is None:
                return Outcome("ignored")  # touches do nothing while waiting for a card
            matches = _card_matches(action.kind, action.card, what.card)
            return Outcome("right" if matches else "wrong")
        if what.card is not None:
            return Outcome("ignored")
        if what.component != self.step.target:
            return Outcome("wrong")
        if action.kind == "tap":
            return Outcome("right")
        if action.kind == "choose":
            if what.option is None:
                return Outcome("ignored")  # the list itself was touched, not an option yet
            return Outcome("right" if what.option == action.option else "wrong")
        if what.text is None:
            return Outcome("ignored")  # touching the field opens the keyboard
        if check_typed(action, what.text):
            return Outcome("right")
        error = action.error.get(self.language) if action.error is not None else None
        return Outcome("wrong", error=error)

    def skip_card(self, now: float) -> None:
        """ "I don't have a card here — continue": pass a card step without a card."""
        if self.step.action.kind in ("card_insert", "card_remove") and not self.finished:
            self._advance(now)

    def back(self, now: float) -> None:
        """One step back (the first step stays the first)."""
        if self.index > 0 and not self.finished:
            self.index -= 1
            self.wrong = 0
            self.step_started_at = now
            self._publish("step_reached", now)

    def stop(self, now: float) -> None:
        """The visitor leaves the demo before the end."""
        if not self.finished and not self.stopped:
            self.stopped = True
            self._publish("stopped", now)

    def _advance(self, now: float) -> None:
        self.wrong = 0
        self.step_started_at = now
        if self.index + 1 >= self.count:
            self.finished = True
            self._publish("completed", now, seconds=int(now - self.started_at))
            return
        self.index += 1
        self._publish("step_reached", now)

    def _publish(self, kind: str, now: float, **data: object) -> None:
        self.events.publish(
            kind, now, demo=self.demo.id, step=self.index + 1, language=self.language, **data
        )


def _card_matches(kind: str, wanted: str | None, seen: str) -> bool:
    if kind == "card_remove":
        return seen == "removed"
    if not seen.startswith("inserted:"):
        return False
    return wanted in (None, "any") or seen.removeprefix("inserted:") == wanted
