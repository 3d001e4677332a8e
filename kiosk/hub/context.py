"""The hub's composition root object: settings, database, bus, hasher and clock, made once in
:func:`kiosk.hub.app.create_app` and handed to routes through ``request.app.state.hub``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

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
