"""``create_app(settings)``: the hub's composition root. Nothing here runs at import.

Start-up order: engine, migrations, bus, then routes; the lifespan starts the sweeper (expiry and
escalation) and the cross-instance listener (PostgreSQL NOTIFY) or event poller (SQLite).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Callable
from datetime import datetime

from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from kiosk.hub import dashboard
from kiosk.hub.api.v1 import build_router
from kiosk.hub.api.v1 import errors as api_errors
from kiosk.hub.api.v1.hot import HotPaths
from kiosk.hub.bus import EventBus, PgListener, poll_events
from kiosk.hub.config import HubSettings
from kiosk.hub.context import Hub, utc_now
from kiosk.hub.db import make_engine, migrate, session_factory
from kiosk.hub.lite import LoopWriter
from kiosk.hub.security import dummy_hash, make_hasher
from kiosk.hub.services import events, requests
from kiosk.protocol.common import API_PREFIX

log = logging.getLogger(__name__)


def build_hub(settings: HubSettings, clock: Callable[[], datetime] = utc_now) -> Hub:
    """Engine (migrated), sessions with event publishing, bus and password hasher."""
    url, pool = settings.database_url(), settings.database.pool_size
    write_lock = threading.Lock()  # SQLite: shared by the engine's writers and the loop writer
    engine = make_engine(url, pool_size=pool, write_lock=write_lock)
    migrate(engine)
    sessions = session_factory(engine)
    # SQLite: a second engine whose transactions never take the write lock (see db.py).
    readers = (
        session_factory(make_engine(url, pool_size=pool, read_only=True))
        if (engine.dialect.name == "sqlite")
        else sessions
    )
    bus = EventBus()
    events.install_publisher(sessions, bus)
    hasher = make_hasher(settings.security)
    sqlite = engine.dialect.name == "sqlite"
    return Hub(
        settings,
        engine,
        sessions,
        readers,
        bus,
        hasher,
        dummy_hash(hasher),
        clock,
        write_gate=asyncio.Lock() if sqlite else None,
        loop_reader=make_engine(url, loop_reader=True) if sqlite else None,
        loop_writer=_loop_writer(engine, write_lock),
    )


def _loop_writer(engine: Engine, write_lock: threading.Lock) -> LoopWriter | None:
    """SQLite on a file: the help button's writer on the event loop (see lite.py)."""
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:":
        return None
    return LoopWriter(path, write_lock, engine.dialect)


def sweep_once(hub: Hub) -> int:
    """Expire and escalate due requests now (also called by tests with an advanced clock)."""
    with hub.transaction() as db:
        return requests.sweep(
            db, now=hub.clock(), expire_minutes=hub.settings.requests.expire_minutes
        )


# Last-seen times written per transaction by the sweeper. Why: with 2,000 kiosks a sweep
# writes ~500 of them (~60 ms for 2,000 here), holding SQLite's one write lock; in slices a help
# request waits for one slice at most (~8 ms), not the whole flush.
FLUSH_SLICE = 250


def flush_presence(hub: Hub, limit: int | None = None) -> int:
    """Write buffered last-seen times of kiosks and staff sessions now (at most ``limit``)."""
    if not hub.presence.pending():
        return 0
    with hub.transaction() as db:
        return hub.presence.flush(db, limit)


def _flush_slice(hub: Hub) -> int:
    return flush_presence(hub, FLUSH_SLICE)


async def _sweeper(hub: Hub) -> None:
    """Every sweep interval: expire/escalate requests and write buffered last-seen times."""
    while True:
        await asyncio.sleep(hub.settings.requests.sweep_seconds)
        try:
            await _in_turn(hub, sweep_once)
        except Exception:  # noqa: BLE001 - the next round tries again
            log.exception("sweep failed")
        try:
            # Each slice takes its own writing turn: other writers get in between.
            while await _in_turn(hub, _flush_slice) >= FLUSH_SLICE:
                pass
        except Exception:  # noqa: BLE001 - the next round tries again
            log.exception("flushing last-seen times failed")


async def _in_turn(hub: Hub, job: Callable[[Hub], int]) -> int:
    if hub.write_gate is None:
        return await run_in_threadpool(job, hub)
    async with hub.write_gate:
        return await run_in_threadpool(job, hub)


def create_app(settings: HubSettings, *, clock: Callable[[], datetime] = utc_now) -> FastAPI:
    hub = build_hub(settings, clock)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        hub.bus.bind(asyncio.get_running_loop())
        tasks = [asyncio.create_task(_sweeper(hub))]
        listener = None
        mode = settings.events.cross_instance
        is_pg = hub.engine.dialect.name == "postgresql"
        if mode == "notify" or (mode == "auto" and is_pg):
            listener = PgListener(settings.database_url(), hub.bus)
            listener.start()
        else:
            interval = settings.events.poll_interval_ms / 1000
            # The readers' engine: through the writers' one every poll took the write lock.
            tasks.append(asyncio.create_task(poll_events(hub.read_engine, hub.bus, interval)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(Exception):
                flush_presence(hub)
            if listener is not None:
                listener.stop()
            hub.engine.dispose()
            hub.read_engine.dispose()
            if hub.loop_reader is not None:
                hub.loop_reader.dispose()
            if hub.loop_writer is not None:
                hub.loop_writer.close()

    app = FastAPI(
        title="Digituki kiosk hub",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.hub = hub
    # The kiosks' heartbeat and event long poll, answered without FastAPI (see api/v1/hot.py).
    app.add_middleware(HotPaths, hub=hub)
    api_errors.install(app)
    app.include_router(build_router(), prefix=API_PREFIX)
    dashboard.install(app)
    return app
