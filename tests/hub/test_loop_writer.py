"""SQLite: the help button's transaction on the event loop (kiosk/hub/lite.py).

The same rows as the Core path, the loop never waits for a busy writer (it hands the call to a
worker thread), and the WAL stays bounded although the loop's connection never checkpoints.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest

from kiosk.hub import lite as lite_module
from kiosk.hub.api.v1 import kiosk as kiosk_routes
from kiosk.hub.models import Event, HelpRequest, IdempotencyRecord
from kiosk.hub.services import requests
from tests.hub.support import API, Clock, Driver

ASK = {"language": "fi", "text_size": 100, "read_aloud": False, "stuck_seconds": 5}


def _post(lite_api: Driver, token: str, key: str, **fields: Any) -> Any:
    headers = {**lite_api.auth(token), "Idempotency-Key": key}
    return lite_api.client.post(f"{API}/kiosk/requests", json={**ASK, **fields}, headers=headers)


@pytest.fixture
def paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which path each create call took: "loop" or "thread"."""
    taken: list[str] = []
    create_in, create_call = kiosk_routes.create_in, kiosk_routes.create_call

    def on_loop(hub: Any, conn: Any, *args: Any) -> Any:
        if isinstance(conn, lite_module.LoopWriter):
            taken.append("loop")
        return create_in(hub, conn, *args)

    def in_thread(*args: Any) -> Any:
        taken.append("thread")
        return create_call(*args)

    monkeypatch.setattr(kiosk_routes, "create_in", on_loop)
    monkeypatch.setattr(kiosk_routes, "create_call", in_thread)
    return taken


def test_the_button_writes_on_the_loop_and_replays(lite: Driver, paths: list[str]) -> None:
    token = lite.kiosk(lite.site("Porvoo"))
    first = _post(lite, token, "loop-0001")
    again = _post(lite, token, "loop-0001")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content and again.headers["Idempotency-Replayed"] == "true"
    assert _post(lite, token, "loop-0001", stuck_seconds=6).status_code == 409
    assert paths == ["loop", "loop", "loop"]


def test_loop_rows_equal_the_core_path(lite: Driver, clock: Clock) -> None:
    """The raw DB-API statements store exactly what the Core statements store."""
    hub = lite.client.app.state.hub
    site = lite.site("Lahti")
    kiosk = lite.kiosk(site, "aula")
    body = {**ASK, "demo": "kela", "step": "2", "topic": "lomake ä", "outbox_seconds": 90}

    def create(conn: Any, key: str) -> requests.Answer:
        answer, _, _ = requests.create_once(
            conn,
            token=kiosk,
            key=key,
            hashed="h",
            body=dict(body),
            clock=clock,
            wait_per_person=600.0,
        )
        conn.commit()
        return answer

    with hub.engine.connect() as conn:
        core = create(conn, "compare-0000")
    assert hub.loop_writer.begin()
    try:
        loop = create(hub.loop_writer, "compare-0001")
    finally:
        hub.loop_writer.rollback()

    def rows(model: Any) -> list[dict[str, Any]]:
        """The rows as stored (as SQLite gives them back raw: text dates, JSON as text)."""
        with sqlite3.connect(hub.loop_writer.path) as db:
            db.row_factory = sqlite3.Row
            found = db.execute(f"SELECT * FROM {model.__tablename__}").fetchall()
            return [dict(r) for r in found]

    a, b = rows(HelpRequest)
    assert a.pop("id") + 1 == b.pop("id") and a == b
    assert a["created_at"] == "2026-11-24 11:58:30.000000"  # SQLAlchemy's format, as text
    a, b = rows(Event)
    assert a.pop("seq") + 1 == b.pop("seq") and a.pop("request_id") + 1 == b.pop("request_id")
    a_payload, b_payload = json.loads(a.pop("staff_payload")), json.loads(b.pop("staff_payload"))
    assert a_payload["request"].pop("id") + 1 == b_payload["request"].pop("id")
    assert a == b and a_payload == b_payload
    a, b = rows(IdempotencyRecord)
    assert (a.pop("key"), b.pop("key")) == ("compare-0000", "compare-0001")
    assert a.pop("body") == core.body and b.pop("body") == loop.body and a == b


def test_a_taken_turn_sends_the_call_to_a_thread(lite: Driver, paths: list[str]) -> None:
    """The loop never waits for the writers' lock: held elsewhere, the call goes to a thread
    (which waits for it there) and is answered once it is free."""
    hub = lite.client.app.state.hub
    token = lite.kiosk(lite.site("Porvoo"))
    lock = hub.loop_writer._lock
    assert lock.acquire()
    threading.Timer(0.2, lock.release).start()
    assert _post(lite, token, "held-0001").status_code == 201
    assert paths == ["thread"]


def test_another_process_writing_sends_the_call_to_a_thread(lite: Driver, paths: list[str]) -> None:
    """Another connection (as another process) holds SQLite's write lock: no busy wait on
    the loop; the thread path waits on the busy timeout and succeeds once it is let go."""
    hub = lite.client.app.state.hub
    token = lite.kiosk(lite.site("Porvoo"))
    other = sqlite3.connect(hub.loop_writer.path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    threading.Timer(0.2, other.rollback).start()
    assert _post(lite, token, "other-0001").status_code == 201
    assert paths == ["thread"]
    other.close()


def _wal_sizes(lite: Driver, creates: int) -> list[int]:
    hub = lite.client.app.state.hub
    token = lite.kiosk(lite.site("Porvoo"))
    wal = Path(hub.loop_writer.path + "-wal")
    sizes = []
    for n in range(creates):
        assert _post(lite, token, f"wal-{n:06d}").status_code == 201
        sizes.append(wal.stat().st_size)
    return sizes


WAL_LIMIT = 6 * 1024 * 1024  # SQLite's own auto-checkpoint keeps a WAL to ~4 MB (1,000 pages)


def test_the_wal_stays_bounded_without_checkpoints_on_the_loop(lite: Driver) -> None:
    sizes = _wal_sizes(lite, 1500)
    assert max(sizes) < WAL_LIMIT
    assert lite.client.app.state.hub.loop_writer._conn.execute(
        "PRAGMA wal_autocheckpoint"
    ).fetchone() == (0,)


def test_without_the_checkpoints_the_wal_would_grow(
    lite: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control for the test above: its bound is one the loop's writes would pass."""
    monkeypatch.setattr(lite_module, "CHECKPOINT_EVERY", 10**9)
    assert max(_wal_sizes(lite, 1500)) > WAL_LIMIT
