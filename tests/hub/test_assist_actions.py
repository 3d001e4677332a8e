"""Assisted mode at work (issue #8): the helper's actions audited exactly once with the kiosk's
time, on-behalf refused for volunteers, and taking over or resolving the kiosk's own request."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.assist_support import World, make_world
from tests.hub.support import API, Driver

OUTCOME = {"need_type": "service_instructions", "level": 2, "service_area": "Kela"}


@pytest.fixture
def world(api: Driver) -> World:
    return make_world(api)


@pytest.fixture
def small(lite: Driver) -> World:
    return make_world(lite)


def kiosk_post(w: World, kiosk: str, path: str, body: dict[str, Any]) -> Any:
    return w.api.client.post(f"{API}/kiosk/assist{path}", json=body, headers=w.api.auth(kiosk))


def test_actions_are_audited_once_with_the_kiosks_time(world: World) -> None:
    w = world
    aid = w.assist_id(w.ka, "anna")
    first = w.action(
        w.ka, "act-0001", action="real_service_opened", assist_id=aid, url="https://www.kela.fi"
    )
    assert first.status_code == 201, first.text
    again = w.action(
        w.ka, "act-0001", action="real_service_opened", assist_id=aid, url="https://www.kela.fi"
    )
    assert again.status_code == 201 and again.content == first.content
    assert again.headers["idempotency-replayed"] == "true"
    clash = w.action(w.ka, "act-0001", action="assist_end", assist_id=aid, reason="idle")
    assert clash.status_code == 409
    entries = w.audit(action="real_service_opened")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["id"] == first.json()["audit_id"]
    assert entry["at"].startswith("2026-11-24T11:58:00")  # the kiosk's time, not the hub's
    assert entry["staff_name"] == "anna" and entry["kiosk_id"] == w.kiosk_id(w.ka)
    assert entry["detail"]["url"] == "https://www.kela.fi"
    assert entry["detail"]["assist_id"] == aid and entry["detail"]["received_at"]


def test_emergency_unlock_has_no_staff_and_ending_closes_the_session(world: World) -> None:
    w = world
    r = w.action(w.ka, action="emergency_unlock")
    assert r.status_code == 201, r.text
    r = w.action(w.ka, action="assist_end", reason="session_end")
    assert r.status_code == 201
    entry = w.audit(action="emergency_unlock")[0]
    assert entry["staff_id"] is None and entry["site_id"] == w.a
    assert w.action(w.ka, action="emergency_unlock_failed").status_code == 201
    failed = w.audit(action="emergency_unlock_failed")[0]
    assert failed["staff_id"] is None and failed["kiosk_id"] == entry["kiosk_id"]
    aid = w.assist_id(w.ka, "anna")
    req = w.api.ask(w.ka)
    assert w.action(w.ka, action="assist_end", assist_id=aid, reason="button").status_code == 201
    r = kiosk_post(w, w.ka, f"/requests/{req['id']}/claim", {"assist_id": aid})
    assert r.status_code == 409 and "ended" in r.json()["detail"]
    end = w.audit(action="assist_end")[0]
    assert end["detail"]["reason"] == "button" and end["staff_name"] == "anna"


@pytest.mark.parametrize(
    "body",
    [
        {"action": "on_behalf_start"},  # needs service_area
        {"action": "real_service_opened"},  # needs url
        {"action": "emergency_unlock", "assist_id": 1},
        {"action": "emergency_unlock_failed", "assist_id": 1},
        {"action": "assist_end", "at": "2026-11-24T11:58:00"},  # no time zone
        {"action": "fly_away"},
        {"action": "assist_end", "reason": "bored"},
        {"action": "assist_end", "visitor": "Matti"},
    ],
)
def test_bad_actions_are_422(small: World, body: dict) -> None:  # type: ignore[type-arg]
    r = small.action(small.ka, **body)
    assert r.status_code == 422, r.text


def test_a_kiosk_cannot_use_another_kiosks_session(small: World) -> None:
    w = small
    theirs = w.assist_id(w.kb, "kaisa")
    r = w.action(w.ka, action="assist_end", assist_id=theirs, reason="button")
    assert r.status_code == 404
    req = w.api.ask(w.ka)
    for path, body in (("claim", {}), ("resolve", OUTCOME)):
        r = kiosk_post(w, w.ka, f"/requests/{req['id']}/{path}", {"assist_id": theirs, **body})
        assert r.status_code == 404, path
    assert w.audit(action="assist_end") == []


def test_a_kiosk_cannot_claim_or_resolve_another_kiosks_request(small: World) -> None:
    w = small
    aid = w.assist_id(w.ka, "admin")  # an admin serves every site, yet the kiosk is the limit
    other = w.api.ask(w.kb)
    for path, body in (("claim", {}), ("resolve", OUTCOME)):
        r = kiosk_post(w, w.ka, f"/requests/{other['id']}/{path}", {"assist_id": aid, **body})
        assert r.status_code == 404, path
    r = w.api.client.get(f"{API}/kiosk/requests/{other['id']}", headers=w.api.auth(w.kb))
    assert r.json()["state"] == "waiting"


def test_volunteer_cannot_start_on_behalf_and_the_refusal_is_audited_once(world: World) -> None:
    w = world
    vid = w.assist_id(w.ka, "ville")
    body = {"action": "on_behalf_start", "assist_id": vid, "service_area": "OmaKanta"}
    r = w.action(w.ka, "behalf-01", **body)
    assert r.status_code == 403 and "Volunteers" in r.json()["detail"]
    assert w.action(w.ka, "behalf-01", **body).status_code == 403  # replayed
    refused = w.audit(action="on_behalf_start_refused")
    assert len(refused) == 1 and refused[0]["staff_name"] == "ville"
    assert w.audit(action="on_behalf_start") == []
    for name in ("anna", "rea"):
        aid = w.assist_id(w.ka, name)
        r = w.action(w.ka, action="on_behalf_start", assist_id=aid, service_area="OmaKanta")
        assert r.status_code == 201, name
    started = w.audit(action="on_behalf_start")
    assert [e["staff_name"] for e in started] == ["rea", "anna"]
    assert all(e["detail"]["service_area"] == "OmaKanta" for e in started)
    aid = w.assist_id(w.ka, "anna")
    assert w.action(w.ka, action="maintenance_exit", assist_id=aid).status_code == 403
    admin = w.assist_id(w.ka, "admin")
    assert w.action(w.ka, action="maintenance_exit", assist_id=admin).status_code == 201


def test_claim_and_resolve_at_the_kiosk_reach_dashboards_and_kiosk(world: World) -> None:
    w = world
    staff_events = w.api.client.get(
        f"{API}/staff/events?wait=0", headers=w.api.auth(w.tokens["anna"])
    ).json()["last_seq"]
    req = w.api.ask(w.ka, topic="OmaKanta login")
    aid = w.assist_id(w.ka, "anna")
    r = kiosk_post(w, w.ka, f"/requests/{req['id']}/claim", {"assist_id": aid})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "claimed" and r.json()["helper_name"] == "Anna"
    again = kiosk_post(w, w.ka, f"/requests/{req['id']}/claim", {"assist_id": aid})
    assert again.status_code == 200
    r = kiosk_post(
        w, w.ka, f"/requests/{req['id']}/resolve", {"assist_id": aid, "on_behalf": True, **OUTCOME}
    )
    assert r.status_code == 200 and r.json()["state"] == "resolved"
    seen = w.api.client.get(
        f"{API}/staff/events?wait=0&after={staff_events}", headers=w.api.auth(w.tokens["anna"])
    ).json()["events"]
    assert [e["type"] for e in seen] == ["created", "claimed", "resolved"]
    assert seen[1]["request"]["helper_name"] == "anna"
    kiosk_seen = w.api.client.get(f"{API}/kiosk/events?wait=0", headers=w.api.auth(w.ka)).json()
    assert [e["type"] for e in kiosk_seen["events"]] == ["claimed", "resolved"]
    history = w.api.client.get(f"{API}/staff/history", headers=w.api.auth(w.tokens["anna"]))
    outcome = history.json()[0]["outcome"]
    assert outcome == {**OUTCOME, "on_behalf": True}
    audited = {e["action"]: e for e in w.audit(staff_id=w.ids["anna"])}
    assert audited["request.claim"]["detail"]["assist_id"] == aid
    assert audited["request.resolve"]["detail"]["assist_id"] == aid
    assert audited["request.resolve"]["request_id"] == req["id"]


def test_volunteer_on_behalf_refused_at_resolve(small: World) -> None:
    w = small
    req = w.api.ask(w.ka)
    vid = w.assist_id(w.ka, "ville")
    body = {"assist_id": vid, "on_behalf": True, **OUTCOME}
    r = kiosk_post(w, w.ka, f"/requests/{req['id']}/resolve", body)
    assert r.status_code == 403 and "Volunteers" in r.json()["detail"]
    state = w.api.client.get(f"{API}/kiosk/requests/{req['id']}", headers=w.api.auth(w.ka))
    assert state.json()["state"] == "waiting"  # not even taken
    body["on_behalf"] = False
    r = kiosk_post(w, w.ka, f"/requests/{req['id']}/resolve", body)
    assert r.status_code == 200 and r.json()["state"] == "resolved"


def test_a_request_another_helper_has_is_not_taken_over(small: World) -> None:
    w = small
    req = w.api.ask(w.ka)
    claim = w.api.client.post(
        f"{API}/staff/requests/{req['id']}/claim", headers=w.api.auth(w.tokens["ville"])
    )
    assert claim.status_code == 200
    aid = w.assist_id(w.ka, "anna")
    r = kiosk_post(w, w.ka, f"/requests/{req['id']}/claim", {"assist_id": aid})
    assert r.status_code == 409 and "Ville" in r.json()["detail"]
    r = kiosk_post(w, w.ka, f"/requests/{req['id']}/resolve", {"assist_id": aid, **OUTCOME})
    assert r.status_code == 403


def test_a_new_unlock_ends_the_kiosks_earlier_session(small: World) -> None:
    w = small
    first = w.assist_id(w.ka, "anna")
    w.assist_id(w.ka, "ville")
    req = w.api.ask(w.ka)
    r = kiosk_post(w, w.ka, f"/requests/{req['id']}/claim", {"assist_id": first})
    assert r.status_code == 409
