"""The link's logic against an in-memory hub, driven round by round with a test clock.

The same behaviour over real HTTP against the real hub is in tests/e2e/.
"""

from __future__ import annotations

import threading
import time

import pytest

from kiosk.services.hublink import wire
from kiosk.services.hublink.backoff import Backoff
from kiosk.services.hublink.fake import FakeHub
from kiosk.services.hublink.link import HubLink, LinkTimings
from kiosk.services.hublink.outbox import Outbox

CTX = {
    "language": "sv",
    "text_size": 150,
    "read_aloud": False,
    "demo": "bank-pay-bill",
    "step": "payee",
    "stuck_seconds": 12,
    "topic": None,
}
TIMINGS = LinkTimings(
    heartbeat_seconds=30,
    retry_first_seconds=1,
    retry_max_seconds=60,
    status_refresh_seconds=10,
    long_poll_seconds=1,
    request_timeout_seconds=2,
    outbox_max_age_minutes=30,
)


class Now:
    def __init__(self) -> None:
        self.t = 1_000_000.0

    def __call__(self) -> float:
        return self.t


class Rig:
    """A link whose sender rounds the test runs by hand (no threads), on a real outbox file."""

    def __init__(self, tmp_path, hub: FakeHub, now: Now, rand=lambda: 1.0) -> None:
        self.statuses = []
        self.hub, self.now = hub, now
        self.link = HubLink(
            url="http://hub",
            token="t",
            outbox_path=tmp_path / "outbox.sqlite",
            timings=TIMINGS,
            on_status=self.statuses.append,
            now=now,
            client_factory=hub.client,
            rand=rand,
        )
        self.outbox = Outbox.open(self.link.outbox_path)
        self.client = hub.client("http://hub", "t", timeout=1)
        self.link._resume(self.outbox, self.client)

    def round(self) -> None:
        self.link._sender_round(self.outbox, self.client)

    @property
    def phase(self) -> str:
        return self.link.status.phase


@pytest.fixture
def hub():
    return FakeHub()


@pytest.fixture
def now():
    return Now()


def test_backoff_doubles_caps_and_jitters():
    top = Backoff(1, 60, rand=lambda: 1.0)
    assert [top.delay(n) for n in (1, 2, 3, 4, 7, 8, 50)] == [1, 2, 4, 8, 60, 60, 60]
    low = Backoff(1, 60, rand=lambda: 0.0)
    assert [low.delay(n) for n in (1, 3, 9)] == [0.5, 2, 30]


def test_request_is_stored_before_it_is_sent(tmp_path, hub, now):
    rig = Rig(tmp_path, hub, now)
    seen_on_disk = []
    real_create = hub.client("", None, timeout=1).create_request

    def create(key, body):
        seen_on_disk.append(Outbox.open(rig.link.outbox_path).get(key).state)
        return real_create(key, body)

    rig.client.create_request = create
    rig.link.call(CTX)
    rig.round()
    assert seen_on_disk == ["pending"]
    assert rig.phase == "waiting" and rig.link.status.position == 1
    [(key, body)] = hub.posts
    assert body == {**CTX, "outbox_seconds": 0}
    assert rig.outbox.get(key).state == "delivered"


def test_hub_down_retries_with_backoff_then_arrives_once(tmp_path, hub, now):
    rig = Rig(tmp_path, hub, now)
    hub.up = False
    rig.link.call(CTX)
    rig.round()
    assert rig.phase == "unreachable"
    key = rig.link.status.key
    waits = []
    for _ in range(8):
        item = rig.outbox.get(key)
        waits.append(item.next_attempt_at - now.t)
        now.t = item.next_attempt_at - 0.01
        rig.round()  # not due yet: no attempt
        assert rig.outbox.get(key).attempts == item.attempts
        now.t = item.next_attempt_at
        rig.round()
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60]
    hub.up = True
    now.t = rig.outbox.get(key).next_attempt_at
    rig.round()
    rig.round()
    assert rig.phase == "waiting"
    assert len(hub.requests) == 1 and rig.link.delivered == 1


def test_a_lost_answer_is_retried_with_the_same_key_and_counted_once(tmp_path, hub, now):
    rig = Rig(tmp_path, hub, now)
    hub.lose_answers = 2
    rig.link.call(CTX)
    for _ in range(3):
        rig.round()
        now.t += 100
    keys = [k for k, _ in hub.posts]
    assert len(keys) == 3 and len(set(keys)) == 1
    assert len(hub.requests) == 1
    assert rig.phase == "waiting" and rig.link.delivered == 1


def test_restart_delivers_what_was_left(tmp_path, hub, now):
    hub.up = False
    first = Rig(tmp_path, hub, now)
    first.link.call(CTX)
    first.round()
    assert first.phase == "unreachable"
    first.outbox.close()
    hub.up = True
    now.t += 60
    second = Rig(tmp_path, hub, now)
    assert second.phase == "sending"
    second.round()
    assert second.phase == "waiting"
    assert len(hub.requests) == 1
    assert hub.posts[-1][1]["outbox_seconds"] == 60


def test_restart_expires_a_request_too_old_to_send(tmp_path, hub, now):
    hub.up = False
    first = Rig(tmp_path, hub, now)
    first.link.call(CTX)
    first.round()
    key = first.link.status.key
    first.outbox.close()
    hub.up = True
    now.t += 31 * 60
    second = Rig(tmp_path, hub, now)
    second.round()
    assert hub.requests == {}
    item = second.outbox.get(key)
    assert (item.state, item.expired_at) == ("expired", now.t)


def test_cancel_reaches_the_hub_even_after_an_outage(tmp_path, hub, now):
    rig = Rig(tmp_path, hub, now)
    rig.link.call(CTX)
    rig.round()
    hub.up = False
    rig.link.cancel()
    rig.round()
    assert rig.phase == "cancelled" and hub.cancels == []
    hub.up = True
    now.t += 5
    rig.round()
    assert hub.cancels == [1]


def test_cancel_before_delivery_never_sends(tmp_path, hub, now):
    rig = Rig(tmp_path, hub, now)
    hub.up = False
    rig.link.call(CTX)
    rig.round()
    rig.link.cancel()
    hub.up = True
    now.t += 1000
    rig.round()
    assert hub.requests == {} and rig.phase == "cancelled"


def test_only_one_request_open_at_a_time(tmp_path, hub, now):
    rig = Rig(tmp_path, hub, now)
    rig.link.call(CTX)
    rig.link.call(CTX)
    rig.round()
    assert len(hub.requests) == 1


def test_events_update_the_open_request(tmp_path, hub, now):
    rig = Rig(tmp_path, hub, now)
    rig.link.call(CTX)
    rig.round()
    rid = rig.link.status.request_id
    other = wire.KioskEventOut(seq=1, type="claimed", request_id=rid + 1, helper_name="X")
    rig.link._on_event(other)
    assert rig.phase == "waiting"
    rig.link._on_event(
        wire.KioskEventOut(seq=2, type="claimed", request_id=rid, helper_name="Anna")
    )
    assert (rig.phase, rig.link.status.helper_name) == ("claimed", "Anna")
    msg = wire.QuickMessageOut(key="coming", text={"fi": "Tulen", "en": "Coming"})
    rig.link._on_event(wire.KioskEventOut(seq=3, type="message", request_id=rid, message=msg))
    assert rig.link.status.message == {"fi": "Tulen", "en": "Coming"}
    rig.link._on_event(wire.KioskEventOut(seq=4, type="resolved", request_id=rid))
    assert rig.phase == "resolved"
    rig.round()
    assert rig.outbox.latest_open() is None


def test_statuses_are_reported_only_on_change(tmp_path, hub, now):
    rig = Rig(tmp_path, hub, now)
    rig.link.call(CTX)
    rig.round()
    for _ in range(3):
        now.t += 11
        rig.round()  # refreshes return the same: nothing new reported
    seen = [(s.phase, s.helper_on_duty) for s in rig.statuses]
    assert seen == [("sending", None), ("waiting", None), ("waiting", True)]
    assert hub.heartbeats == 2  # at the start and 30 s later


def test_threads_hand_statuses_through_on_main_and_stop(tmp_path, hub):
    handed = []
    seen = threading.Event()

    def on_status(status):
        if status.phase == "claimed":
            seen.set()

    link = HubLink(
        url="http://hub",
        token="t",
        outbox_path=tmp_path / "o.sqlite",
        timings=TIMINGS,
        on_status=on_status,
        on_main=lambda fn: (handed.append(fn), fn()),
        client_factory=hub.client,
    )
    link.start()
    try:
        link.call(CTX)
        deadline = time.monotonic() + 5
        while link.status.request_id is None and time.monotonic() < deadline:
            time.sleep(0.01)
        hub.events.append(
            wire.KioskEventOut(
                seq=1, type="claimed", request_id=link.status.request_id, helper_name="Anna"
            )
        )
        assert seen.wait(5)
    finally:
        link.stop()
    assert handed and not link._threads[0].is_alive()  # the sender; events may end its poll


def test_a_replayed_answer_is_followed_by_a_fresh_look(tmp_path, hub, now):
    rig = Rig(tmp_path, hub, now)
    hub.lose_answers = 1
    rig.link.call(CTX)
    rig.round()  # the hub made it, the answer was lost
    hub.requests[1]["state"] = "claimed"  # meanwhile a helper took it
    hub.requests[1]["helper"] = "Anna"
    now.t += 5
    rig.round()  # the retry gets the request; the link then asks how it is now
    assert (rig.phase, rig.link.status.helper_name) == ("claimed", "Anna")


def test_heartbeats_back_off_while_the_hub_is_down(tmp_path, hub, now):
    hub.up = False
    rig = Rig(tmp_path, hub, now)
    waits = []
    for _ in range(7):
        rig.round()
        waits.append(rig.link._next_heartbeat - now.t)
        now.t = rig.link._next_heartbeat
    assert waits == [1, 2, 4, 8, 16, 30, 30]
    hub.up = True
    rig.round()
    assert rig.link._next_heartbeat - now.t == 30 and rig.link._cursor_ready.is_set()
