"""The durable outbox: help requests on the kiosk's own disk until the hub has them.

Every request is committed here (SQLite, WAL, ``synchronous=FULL``: on disk, not in a cache)
before any attempt to send it. Each row carries an idempotency key made once, at the press of the
button, and reused on every retry, so the hub creates the request exactly once however often the
link has to try. Rows hold only the protocol's context fields (language, text size, read-aloud,
demo, step, seconds stuck, topic), never anything about the visitor.

States of a row::

    pending ──delivered──▶ delivered ──(cancel wanted)──▶ cancelled
       │                   (hub id known) ──(ended on the hub)──▶ closed
       ├──(too old)──▶ expired          (recorded with its time, never sent)
       └──(cancel before delivery)──▶ cancelled (never sent)

Time is injected: every method that needs "now" takes it (seconds since the epoch, because rows
must keep their age across a restart). The object is used by one thread at a time (the link's
worker); the connection is opened with ``check_same_thread=False`` only so that a test or the
command line may read it from elsewhere.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The only fields a row may carry: the protocol's context fields (HelpRequestIn), nothing else.
CONTEXT_FIELDS = ("language", "text_size", "read_aloud", "demo", "step", "stuck_seconds", "topic")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,
    context TEXT NOT NULL,
    created_at REAL NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'closed', 'expired', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT,
    hub_id INTEGER,
    delivered_at REAL,
    cancel_wanted INTEGER NOT NULL DEFAULT 0,
    cancel_sent_at REAL,
    expired_at REAL,
    cancelled_at REAL
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state, next_attempt_at);
"""


@dataclass(frozen=True)
class OutboxItem:
    """One row. ``context`` is the body of ``POST /kiosk/requests`` minus ``outbox_seconds``."""

    key: str
    context: dict[str, Any]
    created_at: float
    state: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    hub_id: int | None
    delivered_at: float | None
    cancel_wanted: bool
    cancel_sent_at: float | None
    expired_at: float | None
    cancelled_at: float | None

    def body(self, now: float) -> dict[str, Any]:
        """The request body to send now: the context plus how long it has waited here."""
        return {**self.context, "outbox_seconds": max(0, int(now - self.created_at))}


def new_key() -> str:
    """A fresh idempotency key: 128 random bits, in the characters the hub accepts."""
    return "k-" + secrets.token_hex(16)


class Outbox:
    """The outbox file. Open with :meth:`open`; every write is committed before it returns."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._db = conn
        self.path = path

    @classmethod
    def open(cls, path: Path) -> Outbox:
        """Open (creating folder and table if needed) the outbox at ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        conn.row_factory = sqlite3.Row
        # WAL + FULL: a commit is on disk when it returns, also across a power cut.
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(_SCHEMA)
        return cls(conn, path)

    def close(self) -> None:
        self._db.close()

    # -- writing --------------------------------------------------------------------------
    def add(self, context: dict[str, Any], *, now: float, key: str | None = None) -> OutboxItem:
        """Store a new request durably and return it. Unknown fields are refused (privacy)."""
        extra = set(context) - set(CONTEXT_FIELDS)
        if extra:
            raise ValueError(f"not a context field of a help request: {sorted(extra)}")
        key = key or new_key()
        self._db.execute(
            "INSERT INTO outbox (key, context, created_at, state, next_attempt_at)"
            " VALUES (?, ?, ?, 'pending', ?)",
            (key, json.dumps(context, sort_keys=True), now, now),
        )
        return self.get(key)

    def mark_delivered(self, key: str, hub_id: int, *, now: float) -> bool:
        """Record the hub's id for ``key``; True only the first time (exactly-once marking)."""
        done = self._db.execute(
            "UPDATE outbox SET state = 'delivered', hub_id = ?, delivered_at = ?, last_error = NULL"
            " WHERE key = ? AND state = 'pending'",
            (hub_id, now, key),
        )
        return done.rowcount == 1

    def mark_failed(self, key: str, *, error: str, retry_at: float) -> None:
        """Count a failed attempt and set when to try again."""
        self._db.execute(
            "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
            " WHERE key = ?",
            (error[:300], retry_at, key),
        )

    def expire_old(self, *, now: float, max_age_seconds: float) -> list[OutboxItem]:
        """Mark pending rows older than ``max_age_seconds`` expired (with the time); return them."""
        old = [
            row["key"]
            for row in self._db.execute(
                "SELECT key FROM outbox WHERE state = 'pending' AND created_at < ?",
                (now - max_age_seconds,),
            )
        ]
        for key in old:
            self._db.execute(
                "UPDATE outbox SET state = 'expired', expired_at = ?"
                " WHERE key = ? AND state = 'pending'",
                (now, key),
            )
        return [self.get(k) for k in old]

    def give_up(self, key: str, *, now: float, error: str) -> None:
        """The hub refused this request for good (4xx): record why; it is never sent again."""
        self._db.execute(
            "UPDATE outbox SET state = 'expired', expired_at = ?, last_error = ?"
            " WHERE key = ? AND state = 'pending'",
            (now, error[:300], key),
        )

    def want_cancel(self, key: str, *, now: float) -> OutboxItem:
        """The visitor (or the session's end) cancels: an undelivered row is never sent; a
        delivered one waits for :meth:`mark_cancel_sent` after the hub has been told."""
        self._db.execute(
            "UPDATE outbox SET state = 'cancelled', cancelled_at = ?, cancel_wanted = 1"
            " WHERE key = ? AND state = 'pending'",
            (now, key),
        )
        self._db.execute(
            "UPDATE outbox SET cancel_wanted = 1, next_attempt_at = ?"
            " WHERE key = ? AND state = 'delivered'",
            (now, key),
        )
        return self.get(key)

    def mark_cancel_sent(self, key: str, *, now: float) -> None:
        """The hub has the cancel (or the request had ended there anyway)."""
        self._db.execute(
            "UPDATE outbox SET state = 'cancelled', cancelled_at = ?, cancel_sent_at = ?"
            " WHERE key = ? AND state = 'delivered'",
            (now, now, key),
        )

    def close_delivered(self, key: str) -> None:
        """A delivered request ended on the hub (resolved, expired or cancelled there)."""
        self._db.execute(
            "UPDATE outbox SET state = 'closed', cancel_wanted = 0"
            " WHERE key = ? AND state = 'delivered'",
            (key,),
        )

    def prune(self, *, before: float) -> int:
        """Delete finished rows created before ``before`` (the outbox does not grow forever)."""
        done = self._db.execute(
            "DELETE FROM outbox WHERE state != 'pending' AND NOT (state = 'delivered' AND"
            " cancel_wanted = 1) AND created_at < ?",
            (before,),
        )
        return done.rowcount

    # -- reading --------------------------------------------------------------------------
    def get(self, key: str) -> OutboxItem:
        row = self._db.execute("SELECT * FROM outbox WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return _item(row)

    def due(self, *, now: float) -> list[OutboxItem]:
        """Pending rows whose next attempt is due, oldest first."""
        rows = self._db.execute(
            "SELECT * FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?"
            " ORDER BY created_at",
            (now,),
        )
        return [_item(r) for r in rows]

    def cancels_due(self, *, now: float) -> list[OutboxItem]:
        """Delivered rows whose cancel the hub has not had yet and is due to be tried."""
        rows = self._db.execute(
            "SELECT * FROM outbox WHERE state = 'delivered' AND cancel_wanted = 1"
            " AND next_attempt_at <= ? ORDER BY created_at",
            (now,),
        )
        return [_item(r) for r in rows]

    def next_due(self) -> float | None:
        """When the next attempt (delivery or cancel) is due, or None when nothing waits."""
        row = self._db.execute(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE state = 'pending'"
            " OR (state = 'delivered' AND cancel_wanted = 1)"
        ).fetchone()
        return row[0]

    def all(self) -> list[OutboxItem]:
        return [_item(r) for r in self._db.execute("SELECT * FROM outbox ORDER BY created_at")]

    def latest_open(self) -> OutboxItem | None:
        """The newest row still open from the kiosk's side (pending, or delivered and not
        cancelled): after a restart the link reports this one to the screen."""
        row = self._db.execute(
            "SELECT * FROM outbox WHERE state IN ('pending', 'delivered') AND cancel_wanted = 0"
            " ORDER BY created_at DESC LIMIT 1"
        ).fetchone()
        return _item(row) if row is not None else None


def _item(row: sqlite3.Row) -> OutboxItem:
    data = dict(row)
    data["context"] = json.loads(data["context"])
    data["cancel_wanted"] = bool(data["cancel_wanted"])
    return OutboxItem(**data)
