"""One long-poll loop for kiosks and staff: read; if nothing new, sleep until woken or timed out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from anyio import to_thread

from kiosk.hub.context import Hub

T = TypeVar("T")
Read = Callable[[], tuple[list[T], int, list[str]]]


async def long_poll(hub: Hub, read: Read[T], wait: float) -> tuple[list[T], int]:
    """Return ``read()``'s events as soon as there are any, else nothing after ``wait`` seconds.

    ``read`` returns (events, cursor, wake-up keys) and runs in a worker thread. No wake-up is
    lost: the bus counter is noted before each read, and a change seen after subscribing (an
    event published while we read) means read again instead of sleeping.
    """
    deadline = time.monotonic() + wait
    bus = hub.bus
    mark = bus.counter
    events, last, keys = await to_thread.run_sync(read, limiter=hub.read_threads)
    if events or wait <= 0:
        return events, last
    sub = bus.subscribe(keys)
    try:
        while True:
            if bus.counter == mark:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not await sub.wait(remaining):
                    return events, last
            mark = bus.counter
            events, last, _ = await to_thread.run_sync(read, limiter=hub.read_threads)
            if events:
                return events, last
    finally:
        sub.close()
