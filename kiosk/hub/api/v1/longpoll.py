"""One long-poll loop for kiosks and staff: read; if nothing new, sleep until woken or timed out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine

from kiosk.hub.context import Hub

T = TypeVar("T")
#: Reads with the engine it is given: (events, cursor, wake-up keys).
Read = Callable[[Engine], tuple[list[T], int, list[str]]]


async def long_poll(hub: Hub, read: Read[T], wait: float) -> tuple[list[T], int]:
    """Return ``read()``'s events as soon as there are any, else nothing after ``wait`` seconds.

    ``read`` returns (events, cursor, wake-up keys) and runs through :meth:`Hub.read` (on
    SQLite on the loop, elsewhere in a worker thread). No wake-up is
    lost: a key woken while the first read ran (before we could subscribe) means one more read.
    After that we read only when woken: a read per event, never a busy loop.
    """
    bus = hub.bus
    started = time.monotonic()
    deadline = started + wait
    events, last, keys = await hub.read(read)
    if events or wait <= 0:
        return events, last
    sub = bus.subscribe(keys)
    try:
        woken = bus.woken_since(keys, started)
        while True:
            if woken:
                events, last, _ = await hub.read(read)
                if events:
                    return events, last
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return events, last
            woken = await sub.wait(remaining)
            if not woken:
                return events, last
    finally:
        sub.close()
