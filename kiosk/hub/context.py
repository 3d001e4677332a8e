"""The hub's composition root object: settings, database, bus, hasher and clock, made once in
:func:`kiosk.hub.app.create_app` and handed to routes through ``request.app.state.hub``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from anyio import to_thread
from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from kiosk.hub.bus import EventBus
from kiosk.hub.config import HubSettings
from kiosk.hub.lite import LoopWriter
from kiosk.hub.services.presence import Presence

T = TypeVar("T")


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
    # SQLite only: writing requests take turns on the event loop (see api/v1/deps.py).
    write_gate: asyncio.Lock | None = None
    # SQLite only: one read connection used on the event loop itself (see :meth:`read`).
    loop_reader: Engine | None = None
    # SQLite only: the help button's writer on the event loop itself (see lite.py).
    loop_writer: LoopWriter | None = None

    @property
    def read_engine(self) -> Engine:
        """The engine of :attr:`readers` (on SQLite its transactions never take the write lock),
        for plain Core reads on the kiosks' hot paths."""
        return self.readers.kw["bind"]  # type: ignore[no-any-return]

    async def read(self, fn: Callable[[Engine], T]) -> T:
        """``fn(engine)``, a short read, from the event loop.

        On SQLite it runs on the loop itself, on its own connection: a read in WAL mode does not
        wait for writers, and the hop to a worker thread and back cost more than the read (on a
        busy machine a scheduling delay each way, which the benchmark's latencies showed). If
        the file is busy after all (another process recovering it), the read goes to a worker
        thread and waits there. On PostgreSQL (a network round trip) always a worker thread.
        """
        if self.loop_reader is not None:
            try:
                return fn(self.loop_reader)
            except OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
        return await to_thread.run_sync(fn, self.read_engine)

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
