"""Python's full garbage collections, moved to moments when nobody waits for the screen.

A full collection walks every object the kiosk holds: after a few demos ~150 ms on the
development machine, which Python starts whenever its counters say so, e.g. in the middle of
a step change (``tests/bench/bench_player`` caught it there). So, once start-up is over:

- everything alive then (the app, its screens, Kivy) is frozen (``gc.freeze``): it is never
  walked again, and a full collection only walks what was made since;
- automatic full collections are off (their threshold out of reach); the young generations
  still run by themselves, ~1 ms each;
- a full collection runs once the screen has not been touched for ``quiet_seconds`` (a visitor
  reading, or nobody there), or, overdue after ``overdue`` young collections, at once.

Time comes from the injected clock, as everywhere in the kiosk.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from kivy.clock import Clock
from kivy.core.window import Window

#: Out of reach for Python's own counter of young collections: no automatic full collection.
NEVER = 2**31 - 1


class QuietCollector:
    """Full collections when the screen is quiet. :meth:`start` after start-up, :meth:`stop`
    at the end; :meth:`check` is what the clock calls every ``check_seconds``."""

    def __init__(
        self,
        now: Callable[[], float],
        *,
        quiet_seconds: float = 3.0,
        overdue: int = 200,
        check_seconds: float = 1.0,
    ) -> None:
        self._now = now
        self.quiet_seconds = quiet_seconds
        self.overdue = overdue
        self.check_seconds = check_seconds
        self.collections = 0  # full collections run by this collector
        self._last_touch = now()
        self._event = None
        self._thresholds: tuple[int, int, int] | None = None

    @property
    def started(self) -> bool:
        return self._thresholds is not None

    def start(self) -> None:
        """Collect once, freeze what is left, and take full collections over."""
        if self.started:
            return
        gc.collect()  # start-up's garbage is not frozen with the rest
        gc.freeze()
        self._thresholds = gc.get_threshold()
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, NEVER)
        self._last_touch = self._now()
        Window.bind(on_touch_down=self._touched)
        self._event = Clock.schedule_interval(self.check, self.check_seconds)

    def stop(self) -> None:
        """Give Python its own collections back (tests start many apps in one process)."""
        if not self.started:
            return
        if self._event is not None:
            self._event.cancel()
        Window.unbind(on_touch_down=self._touched)
        gc.set_threshold(*self._thresholds)  # type: ignore[misc]
        gc.unfreeze()
        self._thresholds = None

    def check(self, _dt: float = 0) -> bool:
        """Run a full collection if one is due and the screen is quiet, or if it is overdue.
        True when it ran."""
        due = gc.get_count()[2]  # young collections since the last full one
        if not due:
            return False
        quiet = self._now() - self._last_touch >= self.quiet_seconds
        if not quiet and due < self.overdue:
            return False
        gc.collect()
        self.collections += 1
        return True

    def _touched(self, *_args: object) -> None:
        # Observes only: returns None, so the touch goes on to the widgets.
        self._last_touch = self._now()
