"""Assisted mode, switching in (issue #8): card+PIN, number+PIN and the dashboard's one-time
code; the same answer for every wrong credential; the per-kiosk lock; who may use which kiosk."""

from __future__ import annotations

import json

import pytest

from tests.hub.assist_support import ANNA_CARD, PINS, World, make_world
from tests.hub.support import API, Clock, Driver


@pytest.fixture
def world(api: Driver) -> World:
    return make_world(api)


@pytest.fixture
def small(lite: Driver) -> World:
    return make_world(lite)


def test_each_way_in_opens_an_audited_session(world: World) -> None:
    r = world.unlock(world.ka, method="card", card_uid=ANNA_CARD, pin=PINS["anna"])
    assert r.status_code == 200, r.text
    first = r.json()
    assert first["staff_id"] == world.ids["anna"] and first["display_name"] == "Anna"
    assert first["role"] == "staff" and first["on_behalf_allowed"] is True
    assert first["maintenance_allowed"] is False
    r = world.by_number(world.ka, "ville")
    assert r.status_code == 200 and r.json()["on_behalf_allowed"] is False
    code = world.code("anna", world.kiosk_id(world.ka))
    assert code.status_code == 201 and code.headers["cache-control"] == "no-store"
    assert len(code.json()["code"]) == 6 and code.json()["code"].isdigit()
    assert code.json()["place"] == "2nd floor"
    r = world.unlock(world.ka, method="code", code=code.json()["code"])
    assert r.status_code == 200 and r.json()["staff_id"] == world.ids["anna"]
    admin = world.by_number(world.kb, "admin")
    assert admin.status_code == 200 and admin.json()["maintenance_allowed"] is True

    unlocks = world.audit(action="assist_unlock")
    methods = [(e["staff_name"], e["detail"]["method"]) for e in reversed(unlocks)]
    assert methods == [("anna", "card"), ("ville", "number"), ("anna", "code"), ("admin", "number")]
    assert unlocks[1]["detail"]["assist_id"] == r.json()["assist_id"]
    assert all(e["kiosk_id"] and e["site_id"] for e in unlocks)
    created = world.audit(action="assist_code_created")
    assert [e["staff_name"] for e in created] == ["anna"]


def test_every_wrong_credential_gets_the_same_answer(small: World) -> None:
    w = small
    wrong = [
        w.unlock(w.ka, method="card", card_uid="DEADBEEF", pin=PINS["anna"]),
        w.unlock(w.ka, method="card", card_uid=ANNA_CARD, pin="0000"),
        w.unlock(w.ka, method="number", staff_number=4242, pin=PINS["anna"]),
        w.by_number(w.ka, "anna", "0000"),
        w.unlock(w.ka, method="code", code="123456"),
    ]
    assert [r.status_code for r in wrong] == [401] * 5
    assert len({r.text for r in wrong}) == 1
    # A staff member with no PIN cannot use card or number either, with the same answer.
    w.api.staff("nopin", "staff", [w.a])
    nopin = w.api.admin("GET", "/staff")
    number = next(s["id"] for s in nopin if s["name"] == "nopin")
    r = w.unlock(w.kb, method="number", staff_number=number, pin="1234")
    assert r.status_code == 401 and r.text == wrong[0].text
    failed = w.audit(action="assist_unlock_failed")
    assert len(failed) == 6
    assert [e["detail"]["reason"] for e in reversed(failed)] == ["wrong"] * 4 + [
        "wrong_now_locked",
        "wrong",
    ]
    # The card's owner and the number typed are named for admins; the PIN and code never are.
    assert [e["staff_name"] for e in reversed(failed)][:4] == [None, "anna", None, "anna"]
    text = json.dumps(failed)
    for secret in ("0000", PINS["anna"], "123456", "1234"):
        assert secret not in text


@pytest.mark.parametrize(
    "body",
    [
        {"method": "card", "pin": "1234"},
        {"method": "number", "staff_number": 1},
        {"method": "code", "code": "12345"},
        {"method": "code", "code": "123456", "pin": "1234"},
        {"method": "card", "card_uid": "04a1b2c3", "pin": "1234"},
        {"method": "number", "staff_number": "1", "pin": "1234"},
        {"method": "number", "staff_number": 1, "pin": "12a4"},
    ],
)
def test_malformed_unlocks_are_422(small: World, body: dict) -> None:  # type: ignore[type-arg]
    r = small.unlock(small.ka, **body)
    assert r.status_code == 422 and r.json()["detail"]


def test_lock_after_failures_with_retry_after_until_it_ends(world: World, clock: Clock) -> None:
    for _ in range(5):
        assert world.by_number(world.ka, "anna", "0000").status_code == 401
    locked = world.by_number(world.ka, "anna")  # even the right PIN
    assert locked.status_code == 429
    assert locked.headers["retry-after"] == "600"
    assert "10 min" in locked.json()["detail"]
    code = world.code("anna", world.kiosk_id(world.ka)).json()["code"]
    assert world.unlock(world.ka, method="code", code=code).status_code == 429
    # Another kiosk is not locked.
    assert world.by_number(world.kb, "kaisa").status_code == 200
    clock.advance(minutes=9, seconds=30)
    r = world.by_number(world.ka, "anna")
    assert r.status_code == 429 and r.headers["retry-after"] == "30"
    clock.advance(seconds=31)
    assert world.by_number(world.ka, "anna").status_code == 200
    reasons = [e["detail"]["reason"] for e in reversed(world.audit(action="assist_unlock_failed"))]
    assert reasons == ["wrong"] * 4 + ["wrong_now_locked"] + ["locked"] * 3


def test_a_success_clears_the_count_and_old_failures_are_forgotten(
    small: World, clock: Clock
) -> None:
    w = small
    for _ in range(4):
        w.by_number(w.ka, "anna", "0000")
    assert w.by_number(w.ka, "anna").status_code == 200
    for _ in range(4):
        w.by_number(w.ka, "anna", "0000")
    clock.advance(minutes=11)
    for _ in range(4):
        assert w.by_number(w.ka, "anna", "0000").status_code == 401
    assert w.by_number(w.ka, "anna").status_code == 200


def test_code_works_once_expires_and_is_replaced(world: World, clock: Clock) -> None:
    kid = world.kiosk_id(world.ka)
    code = world.code("anna", kid).json()
    assert world.unlock(world.ka, method="code", code=code["code"]).status_code == 200
    assert world.unlock(world.ka, method="code", code=code["code"]).status_code == 401
    old = world.code("anna", kid).json()["code"]
    new = world.code("ville", kid).json()
    assert world.unlock(world.ka, method="code", code=old).status_code == 401 or old == new["code"]
    r = world.unlock(world.ka, method="code", code=new["code"])
    assert r.status_code == 200 and r.json()["display_name"] == "Ville"
    late = world.code("anna", kid).json()
    clock.advance(minutes=2, seconds=1)
    assert world.unlock(world.ka, method="code", code=late["code"]).status_code == 401
    # A code for one kiosk does not open another.
    other = world.code("admin", world.kiosk_id(world.kb)).json()
    assert world.unlock(world.ka, method="code", code=other["code"]).status_code == 401
    assert world.unlock(world.kb, method="code", code=other["code"]).status_code == 200


def test_code_valid_for_two_minutes_exactly(small: World, clock: Clock) -> None:
    code = small.code("anna", small.kiosk_id(small.ka)).json()
    clock.advance(minutes=1, seconds=59)
    assert small.unlock(small.ka, method="code", code=code["code"]).status_code == 200


def test_codes_only_for_staff_serving_the_kiosks_site(small: World) -> None:
    w = small
    ka, kb = w.kiosk_id(w.ka), w.kiosk_id(w.kb)
    assert w.code("kaisa", ka).status_code == 403
    assert w.code("kaisa", kb).status_code == 201
    assert w.code("ville", ka).status_code == 201  # volunteers switch in too (no on-behalf)
    assert w.code("rea", kb).status_code == 201  # regional: the region's kiosks
    assert w.code("admin", ka).status_code == 201
    assert w.code("anna", 4242).status_code == 404
    assert w.api.client.post(f"{API}/staff/kiosks/{ka}/unlock-code").status_code == 401
    w.api.admin("POST", f"/kiosks/{kb}/revoke")
    assert w.code("kaisa", kb).status_code == 404


def test_code_needs_csrf_with_the_cookie(small: World) -> None:
    w = small
    login = w.api.client.post(
        f"{API}/staff/login", json={"name": "anna", "password": w.api.passwords["anna"]}
    )
    w.api.client.cookies.set("kiosk_session", login.json()["token"])
    try:
        url = f"{API}/staff/kiosks/{w.kiosk_id(w.ka)}/unlock-code"
        assert w.api.client.post(url).status_code == 403
        ok = w.api.client.post(url, headers={"X-CSRF-Token": login.json()["csrf_token"]})
        assert ok.status_code == 201
    finally:
        w.api.client.cookies.clear()


def test_staff_of_another_site_or_disabled_are_refused(small: World) -> None:
    w = small
    r = w.by_number(w.ka, "kaisa")
    assert r.status_code == 403 and "does not serve" in r.json()["detail"]
    w.api.admin("POST", "/staff/anna/disable")
    r = w.unlock(w.ka, method="card", card_uid=ANNA_CARD, pin=PINS["anna"])
    assert r.status_code == 403 and "disabled" in r.json()["detail"]
    reasons = {e["detail"]["reason"] for e in w.audit(action="assist_unlock_failed")}
    assert reasons == {"other_site", "disabled"}
    # A refusal for a right PIN does not count towards the lock.
    for _ in range(6):
        w.by_number(w.ka, "kaisa")
    assert w.by_number(w.ka, "ville").status_code == 200


def test_kiosk_token_is_needed(small: World) -> None:
    w = small
    for path in ("unlock", "actions", "requests/1/claim", "requests/1/resolve"):
        r = w.api.client.post(f"{API}/kiosk/assist/{path}", json={})
        assert r.status_code in (401, 422), path
        r = w.api.client.post(
            f"{API}/kiosk/assist/{path}",
            json={"method": "code", "code": "123456"},
            headers={**w.api.auth("not-a-token"), "Idempotency-Key": "k" * 10},
        )
        assert r.status_code in (401, 422), path
    r = w.api.client.post(
        f"{API}/kiosk/assist/unlock",
        json={"method": "code", "code": "123456"},
        headers=w.api.auth(w.tokens["anna"]),
    )
    assert r.status_code == 401


def test_staff_kiosk_list_shows_my_sites_and_who_is_online(small: World, clock: Clock) -> None:
    w = small
    mine = w.api.client.get(f"{API}/staff/kiosks", headers=w.api.auth(w.tokens["anna"])).json()
    assert [(k["place"], k["site_name"], k["online"]) for k in mine] == [
        ("2nd floor", "Pasila", True)
    ]
    everyone = w.api.client.get(f"{API}/staff/kiosks", headers=w.api.auth(w.api.admin_token))
    assert {k["place"] for k in everyone.json()} == {"2nd floor", "Entrance hall"}
    clock.advance(minutes=5)
    w.api.client.post(f"{API}/kiosk/heartbeat", json={}, headers=w.api.auth(w.kb))
    now = {k["place"]: k["online"] for k in everyone_of(w)}
    assert now == {"2nd floor": False, "Entrance hall": True}


def everyone_of(w: World) -> list[dict]:  # type: ignore[type-arg]
    r = w.api.client.get(f"{API}/staff/kiosks", headers=w.api.auth(w.api.admin_token))
    return r.json()  # type: ignore[no-any-return]
