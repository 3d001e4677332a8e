"""One long-poll loop for kiosks and staff: read; if nothing new, sleep until woken or timed out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from kiosk.hub.context import Hub

T = TypeVar("T")


async def long_poll(
    hub: Hub, keys: list[str], read: Callable[[], tuple[list[T], int]], wait: float
) -> tuple[list[T], int]:
    """Return ``read()``'s events as soon as there are any, else the empty answer after ``wait``.

    The subscription is made before the first read, so an event committed between the read and
    the sleep still wakes us (no lost wake-up).
    """
    deadline = time.monotonic() + wait
    sub = hub.bus.subscribe(keys)
    try:
        while True:
            events, last = await run_in_threadpool(read)
            remaining = deadline - time.monotonic()
            if events or remaining <= 0:
                return events, last
            await sub.wait(remaining)
    finally:
        sub.close()
