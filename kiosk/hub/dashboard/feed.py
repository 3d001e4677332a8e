"""The dashboard's event stream: one reader of staff events per hub process, fanned out.

Why: with one database read per open stream per event, 50 open dashboards meant 50 reads (and
50 JSON encodings) of the same row for every change, and the p99 from a kiosk's request to the
last dashboard was near two seconds on SQLite (see tests/bench/bench_dashboard.py). Here one
task reads each new event once, encodes it once, and hands the text to every subscriber whose
sites it concerns. The events table stays the truth: a stream that (re)connects first catches up
from its own cursor with one read, then takes the shared feed, skipping what it already sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from kiosk.hub.context import Hub
from kiosk.hub.errors import HubError
from kiosk.hub.services import accounts, events, views

log = logging.getLogger(__name__)

# A subscriber this far behind is cut off; its browser reconnects and catches up from its cursor.
QUEUE_LIMIT = 1000
READ_LIMIT = 500


@dataclass(frozen=True)
class Item:
    seq: int
    type: str
    site_id: int
    other_site_id: int | None
    json: str
    # False for a request not (yet) escalated; True for an escalated one and for duty changes.
    escalated: bool = True


def _wire(rows: list) -> list[Item]:  # type: ignore[type-arg]
    out = []
    for r in rows:
        event = views.staff_event(r)
        escalated = event.request is None or event.request.escalated
        out.append(
            Item(r.seq, r.type, r.site_id, r.other_site_id, event.model_dump_json(), escalated)
        )
    return out


@dataclass(eq=False)
class Subscriber:
    """One open stream: its sites (None: every site) and the items waiting to be sent."""

    site_ids: frozenset[int] | None
    queue: asyncio.Queue[Item | None] = field(default_factory=lambda: asyncio.Queue(QUEUE_LIMIT))
    escalated_only: bool = False  # regional staff

    def wants(self, item: Item) -> bool:
        if self.escalated_only and not item.escalated:
            return False
        if self.site_ids is None:
            return True
        return item.site_id in self.site_ids or item.other_site_id in self.site_ids


class StaffFeed:
    """Reads staff events once per hub process and offers them to every subscriber."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.subscribers: set[Subscriber] = set()
        self.task: asyncio.Task[None] | None = None
        # Set once the running reader has its first cursor (see ``stream`` for why it matters).
        self.ready = asyncio.Event()

    def subscribe(self, site_ids: list[int] | None, escalated_only: bool = False) -> Subscriber:
        sub = Subscriber(
            None if site_ids is None else frozenset(site_ids), escalated_only=escalated_only
        )
        self.subscribers.add(sub)
        if self.task is None or self.task.done():
            self.ready = asyncio.Event()
            self.task = asyncio.create_task(self._run(self.ready), name="dashboard-feed")
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self.subscribers.discard(sub)

    def _read(self, after: int, engine: Engine) -> tuple[list[Item], int]:
        with engine.connect() as conn:
            rows, last = events.for_staff(conn, None, after, limit=READ_LIMIT)
        return _wire(rows), last

    async def latest(self) -> int:
        def read(engine: Engine) -> int:
            with engine.connect() as conn:
                return events.last_seq(conn)

        return await self.hub.read(read)

    async def _run(self, ready: asyncio.Event) -> None:
        # Subscribed before the first read: a wake-up during any read leaves the flag set,
        # so the next wait returns at once and nothing is slept through.
        wake = self.hub.bus.subscribe(["all"])
        keepalive = self.hub.settings.events.stream_keepalive_seconds
        try:
            cursor = None
            while cursor is None and self.subscribers:
                try:
                    cursor = await self.latest()
                except Exception:  # noqa: BLE001 - retry; the streams wait for ``ready``
                    log.exception("dashboard feed could not start; retrying")
                    await asyncio.sleep(1)
            ready.set()
            while self.subscribers and cursor is not None:
                try:
                    items, cursor = await self.hub.read(partial(self._read, cursor))
                except Exception:  # noqa: BLE001 - a busy database must not end every stream
                    log.exception("dashboard feed read failed; retrying")
                    await asyncio.sleep(1)
                    continue
                self._offer(items)
                if len(items) < READ_LIMIT:
                    await wake.wait(keepalive)
        finally:
            ready.set()
            wake.close()

    def _offer(self, items: list[Item]) -> None:
        for item in items:
            for sub in list(self.subscribers):
                if not sub.wants(item):
                    continue
                try:
                    sub.queue.put_nowait(item)
                except asyncio.QueueFull:
                    self.subscribers.discard(sub)
                    with contextlib.suppress(asyncio.QueueEmpty):
                        sub.queue.get_nowait()
                    sub.queue.put_nowait(None)  # tells the stream to end


def feed_of(hub: Hub) -> StaffFeed:
    feed = getattr(hub, "_dashboard_feed", None)
    if feed is None:
        feed = StaffFeed(hub)
        hub._dashboard_feed = feed  # type: ignore[attr-defined]
    return feed


def _alive(hub: Hub, token: str) -> bool:
    """Is the session still valid? Checked without counting as use: watching is not using."""
    with hub.readers() as db:
        try:
            accounts.authenticate(db, hub.settings.security, token, hub.clock(), None)
        except HubError:
            return False
    return True


_KEEPALIVE = Item(0, "keep-alive", 0, None, "")


def _frame(item: Item) -> str:
    return f"id: {item.seq}\nevent: {item.type}\ndata: {item.json}\n\n"


async def stream(
    hub: Hub,
    site_ids: list[int] | None,
    token: str,
    after: int | None,
    *,
    escalated_only: bool = False,
) -> AsyncIterator[str]:
    """Server-sent events for one dashboard: catch up from ``after``, then follow the feed.
    With ``escalated_only`` (regional staff) only events of escalated requests (and duty) pass.

    Ends with an ``event: logged-out`` frame once the session has ended (logged out elsewhere,
    idle, too old, account disabled); the page then goes to the login form.
    """
    feed = feed_of(hub)
    sub = feed.subscribe(site_ids, escalated_only)
    keepalive = hub.settings.events.stream_keepalive_seconds
    try:
        # Why wait: the catch-up below must read at least up to where the shared reader
        # started, or an event committed between the two would reach neither.
        await feed.ready.wait()
        if after is None:
            after = await feed.latest()
        yield f"retry: 1000\n: connected at {after}\n\n"
        sent = after
        while True:  # catch up with one read per page, bounded by the newest seq
            rows, last = await hub.read(partial(_catch_up, site_ids, sent))
            for caught in rows:
                if sub.wants(caught):
                    yield _frame(caught)
            sent = last
            if not rows or len(rows) < READ_LIMIT:
                break
        checked = time.monotonic()
        while True:
            item: Item | None
            try:
                item = await asyncio.wait_for(sub.queue.get(), keepalive)  # type: ignore[arg-type]
            except TimeoutError:
                item = _KEEPALIVE
            if time.monotonic() - checked >= keepalive:
                checked = time.monotonic()
                if not await run_in_threadpool(_alive, hub, token):
                    yield "event: logged-out\ndata: {}\n\n"
                    return
            if item is _KEEPALIVE:
                yield ": keep-alive\n\n"
                continue
            if item is None:
                return
            if item.seq > sent:
                sent = item.seq
                yield _frame(item)
    finally:
        feed.unsubscribe(sub)


def _catch_up(site_ids: list[int] | None, after: int, engine: Engine) -> tuple[list[Item], int]:
    with engine.connect() as conn:
        rows, last = events.for_staff(conn, site_ids, after, limit=READ_LIMIT)
    return _wire(rows), last
