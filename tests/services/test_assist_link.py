"""Assisted mode on the kiosk's link: unlock outcomes, the emergency code, and audit actions
through the durable outbox, exactly once, against the in-memory hub (real HTTP: tests/e2e)."""

from __future__ import annotations

import threading

import pytest

from kiosk.services.hublink.actions import ActionQueue
from kiosk.services.hublink.assist import AssistGateway, verify_code
from kiosk.services.hublink.client import HubRefused
from kiosk.services.hublink.fake import FakeAssistGateway, FakeHub
from kiosk.services.hublink.link import HubLink
from tests.services.test_hublink_link import TIMINGS, Now

AT = "2026-03-01T10:00:00+00:00"


def action(name="assist_end", **fields):
    return {"action": name, "at": AT, **fields}


@pytest.fixture
def hub():
    hub = FakeHub()
    hub.add_staff(12, "2468", "Anna", "staff", card_uid="04A1B2C3")
    hub.add_staff(13, "1357", "Ville", "volunteer")
    hub.add_staff(14, "9999", "Old", "disabled")
    return hub


class Rig:
    """A link whose sender rounds the test runs by hand, on a real outbox file."""

    def __init__(self, tmp_path, hub, now):
        self.hub, self.now = hub, now
        self.link = HubLink(
            url="http://hub",
            token="t",
            outbox_path=tmp_path / "outbox.sqlite",
            timings=TIMINGS,
            on_status=lambda _s: None,
            now=now,
            client_factory=hub.client,
            rand=lambda: 1.0,
        )
        from kiosk.services.hublink.outbox import Outbox

        self.outbox = Outbox.open(self.link.outbox_path)
        self.link._actions = self.actions = ActionQueue.open(self.link.outbox_path)
        self.client = hub.client("http://hub", "t", timeout=1)

    def round(self):
        self.link._sender_round(self.outbox, self.client)


def test_an_action_made_while_the_hub_is_down_is_delivered_once_when_it_returns(tmp_path, hub):
    now = Now()
    rig = Rig(tmp_path, hub, now)
    hub.up = False
    rig.link.record_action("k-emergency", action("emergency_unlock"))
    rig.link.record_action("k-end", action("assist_end", reason="button"))
    rig.round()
    [first, second] = rig.actions.all()
    assert (first.state, first.attempts, second.attempts) == ("pending", 1, 0)  # order kept
    now.t += 0.5
    rig.round()  # not due yet: no new attempt
    assert rig.actions.get("k-emergency").attempts == 1
    hub.up = True
    hub.lose_answers = 1  # the hub audits it, but the answer is lost: the retry must not repeat
    now.t += 5
    rig.round()
    now.t += 5
    rig.round()
    assert [a.state for a in rig.actions.all()] == ["delivered", "delivered"]
    assert list(hub.actions) == ["k-emergency", "k-end"]
    assert hub.actions["k-emergency"] == action("emergency_unlock")
    assert hub.action_posts.count("k-emergency") == 2  # sent twice, audited once


def test_undelivered_actions_survive_a_restart(tmp_path, hub):
    now = Now()
    hub.up = False
    rig = Rig(tmp_path, hub, now)
    rig.link.record_action("k-1", action("real_service_opened", assist_id=3, url="https://k.fi"))
    rig.round()
    rig.actions.close()
    hub.up = True
    again = Rig(tmp_path, hub, now)
    now.t += 120
    again.round()
    assert again.actions.get("k-1").state == "delivered"
    assert hub.actions["k-1"]["url"] == "https://k.fi"


def test_a_refused_action_is_kept_with_the_reason_and_the_rest_go_on(tmp_path, hub):
    now = Now()
    rig = Rig(tmp_path, hub, now)

    def refuse(key, body):
        if body["action"] == "on_behalf_start":
            raise HubRefused(403, "Only staff may act on a visitor's behalf.")
        return type(rig.client).assist_action(rig.client, key, body)

    rig.client.assist_action = refuse
    rig.link.record_action("k-1", action("on_behalf_start", assist_id=1, service_area="Kela"))
    rig.link.record_action("k-2", action("assist_end", assist_id=1, reason="button"))
    rig.round()
    refused, delivered = rig.actions.all()
    assert refused.state == "refused" and "Only staff" in refused.last_error
    assert delivered.state == "delivered"


def test_the_queue_takes_only_action_fields_and_each_key_once(tmp_path):
    queue = ActionQueue.open(tmp_path / "o.sqlite")
    assert queue.add("k", action(), now=1) is True
    assert queue.add("k", action("maintenance_exit"), now=2) is False
    assert queue.get("k").body["action"] == "assist_end"
    with pytest.raises(ValueError, match="visitor_name"):
        queue.add("k2", {**action(), "visitor_name": "x"}, now=3)


def test_actions_queued_at_the_stop_are_on_disk(tmp_path, hub):
    hub.up = False
    link = HubLink(
        url="http://hub",
        token="t",
        outbox_path=tmp_path / "outbox.sqlite",
        timings=TIMINGS,
        on_status=lambda _s: None,
        client_factory=hub.client,
    )
    link.start()
    link.record_action("k-last", action("maintenance_exit", assist_id=4))
    link.stop()
    queue = ActionQueue.open(tmp_path / "outbox.sqlite")
    assert queue.get("k-last").state == "pending"


# -- the gateway: unlock outcomes, through a worker thread --------------------------------------
class LinkStub:
    def __init__(self, hub):
        self.hub = hub
        self.recorded = []

    def new_client(self):
        return self.hub.client("http://hub", "t", timeout=1)

    def record_action(self, key, body):
        self.recorded.append((key, body))


def run(gateway_call):
    """Call the gateway and wait for its answer (handed back through on_main)."""
    got = []
    done = threading.Event()

    def on_done(result):
        got.append(result)
        done.set()

    gateway_call(on_done)
    assert done.wait(5)
    return got[0]


@pytest.fixture
def gateway(hub):
    gw = AssistGateway(LinkStub(hub), emergency_hash="", on_main=lambda fn: fn())
    yield gw
    gw.close()


def test_unlock_by_number_card_and_code(gateway, hub):
    ok = run(lambda d: gateway.unlock({"method": "number", "staff_number": 12, "pin": "2468"}, d))
    assert ok.outcome == "ok"
    assert (ok.helper.display_name, ok.helper.role, ok.helper.on_behalf_allowed) == (
        "Anna",
        "staff",
        True,
    )
    card = run(
        lambda d: gateway.unlock({"method": "card", "card_uid": "04A1B2C3", "pin": "2468"}, d)
    )
    assert card.outcome == "ok" and card.helper.assist_id == 2
    hub.codes["123456"] = 13
    code = run(lambda d: gateway.unlock({"method": "code", "code": "123456"}, d))
    assert code.outcome == "ok" and code.helper.role == "volunteer"
    again = run(lambda d: gateway.unlock({"method": "code", "code": "123456"}, d))
    assert again.outcome == "wrong"  # a code works once


def test_wrong_pins_then_locked_with_the_seconds(gateway, hub):
    body = {"method": "number", "staff_number": 12, "pin": "0000"}
    for _ in range(hub.lock_after):
        assert run(lambda d: gateway.unlock(body, d)).outcome == "wrong"
    locked = run(lambda d: gateway.unlock({**body, "pin": "2468"}, d))
    assert (locked.outcome, locked.retry_after) == ("locked", 300)


def test_forbidden_and_unreachable(gateway, hub):
    disabled = {"method": "number", "staff_number": 14, "pin": "9999"}
    assert run(lambda d: gateway.unlock(disabled, d)).outcome == "forbidden"
    hub.up = False
    ok_pin = {"method": "number", "staff_number": 12, "pin": "2468"}
    assert run(lambda d: gateway.unlock(ok_pin, d)).outcome == "unreachable"
    assert run(lambda d: gateway.claim(1, 1, d)).outcome == "unreachable"


def test_without_a_hub_only_the_emergency_code(tmp_path):
    from argon2 import PasswordHasher

    code_hash = PasswordHasher().hash("20242024")
    gw = AssistGateway(None, emergency_hash=code_hash, on_main=lambda fn: fn())
    try:
        pin = {"method": "number", "staff_number": 12, "pin": "2468"}
        assert run(lambda d: gw.unlock(pin, d)).outcome == "unreachable"
        assert gw.has_emergency_code
        assert run(lambda d: gw.check_emergency("20242024", d)) is True
        assert run(lambda d: gw.check_emergency("20242025", d)) is False
    finally:
        gw.close()


def test_verify_code_refuses_empty_and_broken_hashes():
    assert verify_code("", "1234") is False
    assert verify_code("$argon2id$garbage", "1234") is False


def test_record_goes_to_the_link_with_a_fresh_key(hub):
    stub = LinkStub(hub)
    gw = AssistGateway(stub, emergency_hash="", on_main=lambda fn: fn())
    k1 = gw.record(action())
    k2 = gw.record(action())
    assert k1 != k2 and [k for k, _ in stub.recorded] == [k1, k2]


def test_claim_and_resolve_the_visitors_request(gateway, hub):
    unlocked = run(
        lambda d: gateway.unlock({"method": "number", "staff_number": 13, "pin": "1357"}, d)
    )
    aid = unlocked.helper.assist_id
    assert run(lambda d: gateway.claim(5, aid, d)).outcome == "ok"
    body = {"assist_id": aid, "need_type": "other", "level": 2, "service_area": "Kela"}
    refused = run(lambda d: gateway.resolve(5, {**body, "on_behalf": True}, d))
    assert refused.outcome == "forbidden"  # a volunteer's session
    assert run(lambda d: gateway.resolve(5, {**body, "on_behalf": False}, d)).outcome == "ok"
    assert hub.claims == [(5, aid)] and hub.resolves[0][0] == 5


def test_the_fake_gateway_answers_like_the_real_one(hub):
    fake = FakeAssistGateway(hub, emergency_code="20242024")
    got = []
    fake.unlock({"method": "number", "staff_number": 12, "pin": "2468"}, got.append)
    fake.check_emergency("20242024", got.append)
    assert got[0].outcome == "ok" and got[1] is True
    offline = FakeAssistGateway(None)
    offline.unlock({"method": "code", "code": "123456"}, got.append)
    assert got[2].outcome == "unreachable" and not offline.has_emergency_code
