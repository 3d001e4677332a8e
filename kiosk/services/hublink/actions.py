"""The assisted mode's audit actions on the kiosk's own disk until the hub has them.

Same promise as the help-request outbox (outbox.py), in a table of its own in the same SQLite
file: every action is committed here before any attempt to send it, with an idempotency key made
once when the helper acted, and reused on every retry, so that the hub audits it exactly once
however often the link has to try (an ``emergency_unlock`` made while the hub was unreachable
arrives when it is back). Actions never expire: the audit wants them however late. Rows carry
only ``AssistActionIn``'s fields, never anything about the visitor.

States: ``pending`` ──▶ ``delivered`` (the hub's audit id) or ``refused`` (a 4xx: kept with the
reason, never sent again). Time is injected (seconds since the epoch).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.services.hublink.client import HubRefused, HubUnreachable, TokenRefused

log = logging.getLogger("kiosk.hublink.actions")
#: The only fields a row may carry (kiosk.protocol.assist.AssistActionIn).
ACTION_FIELDS = frozenset({"action", "at", "assist_id", "reason", "service_area", "url"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS assist_actions (
    key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    created_at REAL NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'refused')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL,
    last_error TEXT,
    audit_id INTEGER,
    delivered_at REAL
);
CREATE INDEX IF NOT EXISTS assist_actions_state ON assist_actions (state, created_at);
"""


@dataclass(frozen=True)
class ActionItem:
    key: str
    body: dict[str, Any]
    created_at: float
    state: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    audit_id: int | None
    delivered_at: float | None


class ActionQueue:
    """The ``assist_actions`` table. Used by one thread at a time (the link's sender)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._db = conn

    @classmethod
    def open(cls, path: Path) -> ActionQueue:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.executescript(_SCHEMA)
        return cls(conn)

    def close(self) -> None:
        self._db.close()

    def add(self, key: str, body: dict[str, Any], *, now: float) -> bool:
        """Store an action durably; False when ``key`` is already stored (added once only)."""
        extra = set(body) - ACTION_FIELDS
        if extra:
            raise ValueError(f"not a field of an assist action: {sorted(extra)}")
        done = self._db.execute(
            "INSERT OR IGNORE INTO assist_actions (key, body, created_at, state, next_attempt_at)"
            " VALUES (?, ?, ?, 'pending', ?)",
            (key, json.dumps(body, sort_keys=True), now, now),
        )
        return done.rowcount == 1

    def get(self, key: str) -> ActionItem:
        row = self._db.execute("SELECT * FROM assist_actions WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise KeyError(key)
        return _item(row)

    def all(self) -> list[ActionItem]:
        rows = self._db.execute("SELECT * FROM assist_actions ORDER BY created_at, rowid")
        return [_item(r) for r in rows]

    def pending(self) -> list[ActionItem]:
        """Every undelivered action, oldest first (they are sent in the order they happened)."""
        rows = self._db.execute(
            "SELECT * FROM assist_actions WHERE state = 'pending' ORDER BY created_at, rowid"
        )
        return [_item(r) for r in rows]

    def next_due(self) -> float | None:
        row = self._db.execute(
            "SELECT MIN(next_attempt_at) FROM assist_actions WHERE state = 'pending'"
        ).fetchone()
        return row[0]

    def deliver_due(self, client: Any, *, now: float, delay: Any) -> int:
        """Send the pending actions in order until one cannot be sent now; the number sent.

        ``delay(n)`` is the backoff for the n-th failure in a row. An unreachable hub stops the
        round (the order is kept); a refusal (4xx) is recorded and the round goes on."""
        sent = 0
        for item in self.pending():
            if item.next_attempt_at > now:
                break
            try:
                out = client.assist_action(item.key, item.body)
            except (HubUnreachable, TokenRefused) as exc:
                self._failed(item, exc.detail or exc.user_message, now + delay(item.attempts + 1))
                break
            except HubRefused as exc:
                log.error("hub refused audit action %s: %s", item.body["action"], exc.user_message)
                self._db.execute(
                    "UPDATE assist_actions SET state = 'refused', last_error = ?"
                    " WHERE key = ? AND state = 'pending'",
                    (exc.user_message[:300], item.key),
                )
                continue
            self._db.execute(
                "UPDATE assist_actions SET state = 'delivered', audit_id = ?, delivered_at = ?,"
                " last_error = NULL WHERE key = ? AND state = 'pending'",
                (out.audit_id, now, item.key),
            )
            sent += 1
        return sent

    def _failed(self, item: ActionItem, error: str, retry_at: float) -> None:
        self._db.execute(
            "UPDATE assist_actions SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?"
            " WHERE key = ?",
            (error[:300], retry_at, item.key),
        )

    def prune(self, *, before: float) -> int:
        """Delete delivered and refused rows created before ``before``."""
        done = self._db.execute(
            "DELETE FROM assist_actions WHERE state != 'pending' AND created_at < ?", (before,)
        )
        return done.rowcount


def _item(row: sqlite3.Row) -> ActionItem:
    data = dict(row)
    data["body"] = json.loads(data["body"])
    return ActionItem(**data)
