"""One long-poll loop for kiosks and staff: read; if nothing new, sleep until woken or timed out."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Engine

from kiosk.hub.context import Hub

T = TypeVar("T")
#: Reads with the engine it is given: (events, cursor, wake-up keys).
Read = Callable[[Engine], tuple[list[T], int, list[str]]]
#: The events a reader gets of committed event rows (a gap-free run of seqs, see the bus).
Fresh = Callable[[list[Any]], list[T]]
# More rows than this at once: read the table (it answers in pages of 100 or more).
MAX_ROWS = 50


async def long_poll(
    hub: Hub, read: Read[T], wait: float, fresh: Fresh[T] | None = None
) -> tuple[list[T], int]:
    """Return ``read()``'s events as soon as there are any, else nothing after ``wait`` seconds.

    ``read`` returns (events, cursor, wake-up keys) and runs through :meth:`Hub.read` (on
    SQLite on the loop, elsewhere in a worker thread). No wake-up is
    lost: a key woken while the first read ran (before we could subscribe) means one more read.
    After that we read only when woken: a read per event, never a busy loop. A wake-up that
    brings the committed rows (the help button's) is answered from them with ``fresh`` when
    they continue the cursor without a gap (:func:`published`): no read at all.
    """
    bus = hub.bus
    started = time.monotonic()
    deadline = started + wait
    events, last, keys = await hub.read(read)
    if events or wait <= 0:
        return events, last
    sub = bus.subscribe(keys, keep_rows=fresh is not None)
    try:
        must_read = bus.woken_since(keys, started)
        while True:
            if must_read:
                sub.take_rows()  # whatever they were, this read sees them
                events, last, _ = await hub.read(read)
                if events:
                    return events, last
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not await sub.wait(remaining):
                return events, last
            known = published(sub.take_rows(), last, fresh)
            must_read = known is None
            if known is not None:
                events, last = known
                if events:
                    return events, last
    finally:
        sub.close()


def published(
    rows: dict[int, Any] | None, since: int, fresh: Fresh[T] | None
) -> tuple[list[T], int] | None:
    """What published ``rows`` (by seq) tell a reader whose cursor is ``since``.

    (its events among them, the new cursor) when, past ``since``, they are seqs since+1,
    since+2, ... without a gap: then no other event can lie in between, whatever wrote it.
    None when only the table can tell: a wake-up without rows, a gap, too many, no ``fresh``.
    """
    if rows is None or fresh is None:
        return None
    run: list[Any] = []
    while (row := rows.get(since + len(run) + 1)) is not None:
        run.append(row)
    if len(run) > MAX_ROWS or any(seq > since + len(run) for seq in rows):
        return None
    return fresh(run), since + len(run)
