"""The durable outbox on a real SQLite file: stored before sending, one key, expiry, restart."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from kiosk.services.hublink.outbox import Outbox, new_key

CTX = {
    "language": "fi",
    "text_size": 200,
    "read_aloud": True,
    "demo": "kela",
    "step": "s1",
    "stuck_seconds": 40,
    "topic": "current_task",
}


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / "outbox.sqlite"


def test_a_request_is_on_disk_when_add_returns(path):
    box = Outbox.open(path)
    item = box.add(CTX, now=100.0)
    # A second, independent connection (another process would see the same) finds it.
    other = sqlite3.connect(path)
    rows = other.execute("SELECT key, state FROM outbox").fetchall()
    assert rows == [(item.key, "pending")]
    assert box._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert box._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_durable_across_a_killed_process(path):
    code = (
        "import os; from pathlib import Path;"
        "from kiosk.services.hublink.outbox import Outbox;"
        f"b = Outbox.open(Path({str(path)!r})); i = b.add({CTX!r}, now=5.0);"
        "print(i.key, flush=True); os._exit(9)"  # no close, no clean shutdown
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    key = out.stdout.strip()
    assert out.returncode == 9 and key.startswith("k-")
    box = Outbox.open(path)
    assert [i.key for i in box.due(now=5.0)] == [key]


def test_only_context_fields_may_be_stored(path):
    box = Outbox.open(path)
    with pytest.raises(ValueError, match="name"):
        box.add({**CTX, "name": "Maija Meikäläinen"}, now=1.0)
    assert box.all() == []


def test_keys_are_unique_random_and_accepted_by_the_hub():
    import re

    keys = {new_key() for _ in range(1000)}
    assert len(keys) == 1000
    assert all(re.fullmatch(r"[A-Za-z0-9._:-]{8,128}", k) for k in keys)


def test_delivered_is_marked_exactly_once(path):
    box = Outbox.open(path)
    item = box.add(CTX, now=1.0)
    assert box.mark_delivered(item.key, 7, now=2.0) is True
    assert box.mark_delivered(item.key, 8, now=3.0) is False
    got = box.get(item.key)
    assert (got.state, got.hub_id, got.delivered_at) == ("delivered", 7, 2.0)
    assert box.due(now=10.0) == []


def test_failed_attempts_count_and_wait(path):
    box = Outbox.open(path)
    item = box.add(CTX, now=1.0)
    box.mark_failed(item.key, error="down", retry_at=5.0)
    assert box.due(now=4.9) == []
    [again] = box.due(now=5.0)
    assert (again.key, again.attempts, again.last_error) == (item.key, 1, "down")
    assert box.next_due() == 5.0


def test_body_says_how_long_it_waited(path):
    item = Outbox.open(path).add(CTX, now=100.0)
    assert item.body(now=142.7) == {**CTX, "outbox_seconds": 42}


def test_too_old_requests_expire_with_their_time_and_are_never_due(path):
    box = Outbox.open(path)
    old = box.add(CTX, now=0.0)
    fresh = box.add(CTX, now=1700.0)
    expired = box.expire_old(now=1900.0, max_age_seconds=1800)
    assert [i.key for i in expired] == [old.key]
    got = box.get(old.key)
    assert (got.state, got.expired_at) == ("expired", 1900.0)
    assert [i.key for i in box.due(now=1900.0)] == [fresh.key]


def test_cancel_before_delivery_is_never_sent(path):
    box = Outbox.open(path)
    item = box.add(CTX, now=1.0)
    box.want_cancel(item.key, now=2.0)
    assert box.get(item.key).state == "cancelled"
    assert box.due(now=9.0) == [] and box.cancels_due(now=9.0) == []


def test_cancel_after_delivery_waits_until_the_hub_has_it(path):
    box = Outbox.open(path)
    item = box.add(CTX, now=1.0)
    box.mark_delivered(item.key, 3, now=2.0)
    box.want_cancel(item.key, now=4.0)
    assert [i.hub_id for i in box.cancels_due(now=4.0)] == [3]
    assert box.prune(before=1e12) == 0  # an unsent cancel is never pruned
    box.mark_cancel_sent(item.key, now=5.0)
    assert box.cancels_due(now=9.0) == []
    assert box.get(item.key).state == "cancelled"
    assert box.prune(before=1e12) == 1


def test_latest_open_survives_reopen(path):
    box = Outbox.open(path)
    a = box.add(CTX, now=1.0)
    b = box.add(CTX, now=2.0)
    box.mark_delivered(b.key, 9, now=3.0)
    box.close()
    again = Outbox.open(path)
    assert again.latest_open().key == b.key
    again.close_delivered(b.key)
    assert again.latest_open().key == a.key
