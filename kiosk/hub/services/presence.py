"""When kiosks and staff sessions were last seen, kept in memory and written in batches.

Why: a heartbeat every 30 s from 2,000 kiosks would otherwise be 67 writes a second, each taking
SQLite's single write lock. "Last seen" is for admins and idle timeouts, where a few seconds of
delay do not matter, so each instance buffers it and flushes in one transaction.
"""

from __future__ import annotations

import threading
from datetime import datetime
from itertools import islice

from sqlalchemy import bindparam, update
from sqlalchemy.orm import Session

from kiosk.hub.models import Kiosk, StaffSession, table_of


class Presence:
    """Thread-safe buffer of last-seen times; :meth:`flush` writes and empties it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kiosks: dict[int, datetime] = {}
        self._sessions: dict[int, datetime] = {}

    def kiosk_seen(self, kiosk_id: int, now: datetime) -> None:
        with self._lock:
            self._kiosks[kiosk_id] = now

    def kiosk_last_seen(self, kiosk_id: int) -> datetime | None:
        with self._lock:
            return self._kiosks.get(kiosk_id)

    def session_seen(self, session_id: int, now: datetime) -> None:
        with self._lock:
            self._sessions[session_id] = now

    def session_last_seen(self, session_id: int) -> datetime | None:
        with self._lock:
            return self._sessions.get(session_id)

    def pending(self) -> bool:
        with self._lock:
            return bool(self._kiosks or self._sessions)

    def flush(self, db: Session, limit: int | None = None) -> int:
        """Write buffered times (never moving one backwards), at most ``limit`` of them;
        returns how many.

        One executemany per table: an ORM UPDATE per kiosk cost several milliseconds of CPU
        per sweep in all (seen in the benchmark's profile)."""
        with self._lock:
            kiosks = _take(self._kiosks, limit)
            sessions = _take(self._sessions, None if limit is None else limit - len(kiosks))
        conn = db.connection()
        if kiosks:
            conn.execute(_KIOSK_SEEN, [{"row_id": k, "at": at} for k, at in kiosks])
        if sessions:
            conn.execute(_SESSION_SEEN, [{"row_id": s, "at": at} for s, at in sessions])
        return len(kiosks) + len(sessions)


def _take(buffer: dict[int, datetime], limit: int | None) -> list[tuple[int, datetime]]:
    """Remove and return up to ``limit`` (None: all) entries of ``buffer``."""
    taken = list(buffer.items() if limit is None else islice(buffer.items(), max(0, limit)))
    if len(taken) == len(buffer):
        buffer.clear()
    else:
        for key, _ in taken:
            del buffer[key]
    return taken


_kiosks = table_of(Kiosk).c
_sessions = table_of(StaffSession).c
# Typed, so that times pass through UTCDateTime (naive UTC on SQLite) like ORM values do.
_at = bindparam("at", type_=_kiosks.last_seen_at.type)
_KIOSK_SEEN = (
    update(table_of(Kiosk))
    .where(
        _kiosks.id == bindparam("row_id"),
        _kiosks.last_seen_at.is_(None) | (_kiosks.last_seen_at < _at),
    )
    .values(last_seen_at=_at)
)
_SESSION_SEEN = (
    update(table_of(StaffSession))
    .where(_sessions.id == bindparam("row_id"), _sessions.last_seen_at < _at)
    .values(last_seen_at=_at)
)
