"""The hub's composition root object: settings, database, bus, hasher and clock, made once in
:func:`kiosk.hub.app.create_app` and handed to routes through ``request.app.state.hub``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import anyio
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from kiosk.hub.bus import EventBus
from kiosk.hub.config import HubSettings
from kiosk.hub.services.presence import Presence


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Hub:
    settings: HubSettings
    engine: Engine
    sessions: sessionmaker[Session]
    readers: sessionmaker[Session]
    bus: EventBus
    hasher: PasswordHasher
    dummy_hash: str
    clock: Callable[[], datetime] = field(default=utc_now)
    presence: Presence = field(default_factory=Presence)
    # Worker threads for the kiosks' frequent reads (long polls, heartbeats) and for creating
    # help requests, apart from the shared pool. Why: on 2 cores, more reading threads add no
    # throughput, only GIL contention; a bounded number leaves the CPU to the visitor's button and
    # to staff actions, which must not queue behind 2,000 kiosks' polls.
    read_threads: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(16))
    write_threads: anyio.CapacityLimiter = field(default_factory=lambda: anyio.CapacityLimiter(2))
    # SQLite only: writing requests take turns on the event loop (see api/v1/deps.py).
    write_gate: asyncio.Lock | None = None

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any exception."""
        with self.sessions() as db:
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise
