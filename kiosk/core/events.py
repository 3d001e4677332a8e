"""An in-process event channel: the player announces what happens, others listen.

The walkthrough player publishes ``demo_started``, ``step_reached``, ``step_failed``,
``hint_shown``, ``completed`` and ``stopped``; a later part records them as anonymous
statistics. Events carry context (demo, step, language), never anything the visitor typed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    kind: str
    at: float
    data: dict[str, Any] = field(default_factory=dict)


Listener = Callable[[Event], None]


class EventChannel:
    """Publish events to every subscriber, in order. A failing listener is logged, not raised."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns a function that removes it again."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    def publish(self, kind: str, at: float, **data: Any) -> Event:
        event = Event(kind, at, dict(data))
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - one bad listener must not stop a visitor's demo
                log.exception("event listener failed for %s", kind)
        return event
