"""Wake-ups for long polls and event streams, within one instance and across instances.

The events table is the truth; the bus mostly says "look again". Writers call
:meth:`EventBus.publish` after commit with the keys an event concerns (``kiosk:7``, ``site:3``,
``all``). Other instances learn of events through PostgreSQL LISTEN/NOTIFY (sent in the writing
transaction, so delivered on commit) or, for SQLite, by polling the newest ``seq``. A missed
wake-up only delays a reader until its wait times out; it never loses an event.

A writer that has its committed event rows at hand (the help button) publishes them too, and
each woken :class:`Subscription` keeps them: a long poll whose cursor they continue without a gap
answers from them instead of reading the table again (see ``api/v1/longpoll.py``). Any wake-up
without rows (the ORM writers, other instances) sends the reader back to the table.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Engine, func, select

from kiosk.hub.models import Event

log = logging.getLogger(__name__)
CHANNEL = "kiosk_hub_events"


def event_keys(kiosk_id: int | None, site_ids: Iterable[int | None]) -> list[str]:
    """The wake-up keys of an event: its kiosk, each site it touches, and ``all`` (admins)."""
    keys = ["all"]
    if kiosk_id is not None:
        keys.append(f"kiosk:{kiosk_id}")
    keys += [f"site:{s}" for s in site_ids if s is not None]
    return keys


class EventBus:
    """Waiters register keys and sleep; :meth:`publish` (any thread) wakes those keys."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: dict[str, set[Subscription]] = defaultdict(set)
        # When each key was last woken (monotonic, on the loop). A reader notes the time before
        # its first read and, once subscribed, asks woken_since(): an event for its keys may
        # have slipped in between, so it reads again (once) instead of sleeping.
        self._woken_at: dict[str, float] = {}

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, keys: Iterable[str], rows: Sequence[Any] = ()) -> None:
        """Wake every waiter on any of ``keys``; ``rows``: the committed event rows, if the
        writer has them (every event of its commit). Safe from any thread; a no-op before bind."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        keys = list(keys)
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            self._wake(keys, rows)
        else:
            loop.call_soon_threadsafe(self._wake, keys, rows)

    def wake_all(self) -> None:
        """Wake every waiter (they re-read the table and sleep again if nothing is new)."""
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(lambda: self._wake([*self._waiters, *self._woken_at], ()))

    def woken_since(self, keys: Iterable[str], since: float) -> bool:
        """True if any of ``keys`` was woken at or after monotonic time ``since``."""
        return any(self._woken_at.get(key, -1.0) >= since for key in keys)

    def _wake(self, keys: list[str], rows: Sequence[Any]) -> None:
        now = time.monotonic()
        for key in keys:
            self._woken_at[key] = now
        for key in keys:
            for sub in self._waiters.get(key, ()):
                sub.notify(rows)

    def subscribe(self, keys: Iterable[str], *, keep_rows: bool = False) -> Subscription:
        """Wake-ups for ``keys`` from now on (see :meth:`woken_since` for the ones just before).
        ``keep_rows``: keep the published rows for :meth:`Subscription.take_rows` (a subscriber
        that never takes them must not ask: they would pile up)."""
        return Subscription(self, list(keys), keep_rows)


class Subscription:
    def __init__(self, bus: EventBus, keys: list[str], keep_rows: bool = False) -> None:
        self._bus = bus
        self._keys = keys
        self.flag = asyncio.Event()
        # Rows published since the last take_rows(); None once a wake-up came without rows
        # (or always, when not kept: take_rows() then always says "read the table").
        self._rows: dict[int, Any] | None = {} if keep_rows else None
        self._keep_rows = keep_rows
        for key in keys:
            bus._waiters[key].add(self)

    def notify(self, rows: Sequence[Any]) -> None:
        if not rows:
            self._rows = None
        elif self._rows is not None:
            self._rows.update((row.seq, row) for row in rows)
        self.flag.set()

    def take_rows(self) -> dict[int, Any] | None:
        """The event rows of the wake-ups since the last call, by seq; None if any wake-up
        came without its rows (then only the table can say what is new)."""
        rows, self._rows = self._rows, ({} if self._keep_rows else None)
        return rows

    async def wait(self, timeout: float) -> bool:
        """True when woken (the flag is then cleared), False on timeout."""
        try:
            # Why not wait_for: on Python 3.11 it wraps the wait in a task of its own, one
            # more turn of the loop before the woken reader runs.
            async with asyncio.timeout(timeout):
                await self.flag.wait()
        except TimeoutError:
            return False
        self.flag.clear()
        return True

    def close(self) -> None:
        for key in self._keys:
            waiters = self._bus._waiters.get(key)
            if waiters is not None:
                waiters.discard(self)
                if not waiters:
                    del self._bus._waiters[key]


class PgListener(threading.Thread):
    """LISTENs on PostgreSQL and republishes each notification on the local bus."""

    def __init__(self, url: str, bus: EventBus) -> None:
        super().__init__(name="hub-pg-listener", daemon=True)
        self._url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        self._bus = bus
        self._stop = threading.Event()

    def run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    # Why: after a (re)connect events may have been missed: everyone looks again.
                    self._bus.wake_all()
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self._bus.publish(note.payload.split(","))
            except Exception as exc:  # noqa: BLE001 - keep listening through database restarts
                if not self._stop.is_set():
                    log.warning("event listener lost PostgreSQL (%s); retrying", exc)
                    self._stop.wait(1.0)

    def stop(self) -> None:
        self._stop.set()


async def poll_events(engine: Engine, bus: EventBus, interval: float) -> None:
    """For SQLite (or when asked): wake the keys of events other instances wrote."""
    last = await asyncio.to_thread(_max_seq, engine)
    while True:
        await asyncio.sleep(interval)
        try:
            rows = await asyncio.to_thread(_rows_after, engine, last)
        except Exception as exc:  # noqa: BLE001 - a busy database must not stop the poller
            log.warning("event poll failed: %s", exc)
            continue
        for seq, kiosk_id, site_id, other in rows:
            last = max(last, seq)
            bus.publish(event_keys(kiosk_id, (site_id, other)))


def _max_seq(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(Event.seq), 0))).scalar_one())


def _rows_after(engine: Engine, after: int) -> list[tuple[int, int | None, int, int | None]]:
    query = select(Event.seq, Event.kiosk_id, Event.site_id, Event.other_site_id).where(
        Event.seq > after
    )
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query.order_by(Event.seq))]  # type: ignore[misc]
