"""The help-request life cycle through the real API, on SQLite and on PostgreSQL."""

from __future__ import annotations

import time

from kiosk.hub.app import sweep_once
from tests.hub.support import API, Driver


def _events(api: Driver, token: str, after: int, wait: float = 0) -> dict:
    r = api.client.get(
        f"{API}/kiosk/events", params={"after": after, "wait": wait}, headers=api.auth(token)
    )
    assert r.status_code == 200, r.text
    return r.json()


def test_request_claim_message_resolve(api: Driver) -> None:
    site = api.site("Oodi", guidance_hours="Mon-Fri 10-12")
    anna = api.staff("anna", "staff", [site])
    kiosk = api.kiosk(site, "2nd floor, by the newspapers")
    beat = api.client.post(
        f"{API}/kiosk/heartbeat", json={"app_version": "0.1"}, headers=api.auth(kiosk)
    ).json()
    assert beat["helper_on_duty"] is False and beat["guidance_hours"] == "Mon-Fri 10-12"
    cursor = beat["last_event_seq"]

    mine = api.ask(kiosk, demo="kela-housing", step="income", topic="Kela form", language="sv")
    assert mine["state"] == "waiting" and mine["position"] == 1
    queue = api.client.get(f"{API}/staff/queue", headers=api.auth(anna)).json()
    assert [(q["id"], q["place"], q["demo"], q["language"]) for q in queue] == [
        (mine["id"], "2nd floor, by the newspapers", "kela-housing", "sv")
    ]

    claimed = api.client.post(f"{API}/staff/requests/{mine['id']}/claim", headers=api.auth(anna))
    assert claimed.status_code == 200 and claimed.json()["helper_display_name"] == "Anna"
    got = _events(api, kiosk, cursor)
    assert [(e["type"], e["helper_name"]) for e in got["events"]] == [("claimed", "Anna")]

    r = api.client.post(
        f"{API}/staff/requests/{mine['id']}/message", json={"key": "coming"}, headers=api.auth(anna)
    )
    assert r.status_code == 204
    got = _events(api, kiosk, got["last_seq"])
    assert got["events"][0]["type"] == "message"
    assert got["events"][0]["message"]["text"]["fi"].startswith("Tulen")

    outcome = {
        "need_type": "service_instructions",
        "level": 2,
        "service_area": "Kela",
        "on_behalf": True,
    }
    r = api.client.post(
        f"{API}/staff/requests/{mine['id']}/resolve", json=outcome, headers=api.auth(anna)
    )
    assert r.status_code == 200 and r.json()["outcome"] == outcome
    view = api.client.get(f"{API}/kiosk/requests/{mine['id']}", headers=api.auth(kiosk)).json()
    assert view["state"] == "resolved" and view["resolved_at"] and view["claimed_at"]
    history = api.client.get(f"{API}/staff/history", headers=api.auth(anna)).json()
    assert [h["state"] for h in history] == ["resolved"]


def test_idempotency_key_replays_first_answer(api: Driver) -> None:
    site = api.site("Lohja")
    kiosk = api.kiosk(site)
    headers = {**api.auth(kiosk), "Idempotency-Key": "outbox-0001"}
    body = {"language": "fi", "text_size": 150, "read_aloud": True, "stuck_seconds": 30}
    first = api.client.post(f"{API}/kiosk/requests", json=body, headers=headers)
    again = api.client.post(f"{API}/kiosk/requests", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.content == first.content and again.headers["Idempotency-Replayed"] == "true"
    other = dict(body, stuck_seconds=31)
    assert api.client.post(f"{API}/kiosk/requests", json=other, headers=headers).status_code == 409
    anna = api.staff("anna", "staff", [site])
    assert len(api.client.get(f"{API}/staff/queue", headers=api.auth(anna)).json()) == 1


def test_position_release_move_and_cancel(api: Driver) -> None:
    a, b = api.site("Turku"), api.site("Vaasa")
    pekka = api.staff("pekka", "staff", [a])
    k1, k2 = api.kiosk(a, "entrance"), api.kiosk(a, "upstairs")
    first, second = api.ask(k1), api.ask(k2)
    assert (first["position"], second["position"]) == (1, 2)
    api.client.post(f"{API}/staff/requests/{first['id']}/claim", headers=api.auth(pekka))
    mine = api.client.get(f"{API}/kiosk/requests/{second['id']}", headers=api.auth(k2)).json()
    assert mine["position"] == 1 and mine["expected_wait_seconds"] > 0
    r = api.client.post(f"{API}/staff/requests/{first['id']}/release", headers=api.auth(pekka))
    assert r.json()["state"] == "waiting" and r.json()["helper_name"] is None
    r = api.client.post(
        f"{API}/staff/requests/{first['id']}/move", json={"site_id": b}, headers=api.auth(pekka)
    )
    assert r.status_code == 200 and r.json()["site_id"] == b
    queue_a = api.client.get(f"{API}/staff/queue", headers=api.auth(pekka)).json()
    assert [q["id"] for q in queue_a] == [second["id"]]
    cancel = api.client.post(f"{API}/kiosk/requests/{second['id']}/cancel", headers=api.auth(k2))
    assert cancel.json()["state"] == "cancelled" and cancel.json()["cancelled_at"]
    assert api.client.get(f"{API}/staff/queue", headers=api.auth(pekka)).json() == []


def test_waiting_request_escalates_then_expires(api: Driver, clock) -> None:  # type: ignore[no-untyped-def]
    site = api.site("Utsjoki", escalation_minutes=5)
    kiosk = api.kiosk(site)
    mine = api.ask(kiosk)
    hub = api.client.app.state.hub
    clock.advance(minutes=4)
    assert sweep_once(hub) == 0
    clock.advance(minutes=2)
    assert sweep_once(hub) == 1
    view = api.client.get(f"{API}/kiosk/requests/{mine['id']}", headers=api.auth(kiosk)).json()
    assert view["escalated"] is True and view["state"] == "waiting"
    clock.advance(minutes=hub.settings.requests.expire_minutes)
    assert sweep_once(hub) == 1
    assert sweep_once(hub) == 0
    view = api.client.get(f"{API}/kiosk/requests/{mine['id']}", headers=api.auth(kiosk)).json()
    assert view["state"] == "expired" and view["expired_at"]
    types = [e["type"] for e in _events(api, kiosk, 0)["events"]]
    assert types == ["escalated", "expired"]


def test_outbox_delay_dates_request_back(api: Driver, clock) -> None:  # type: ignore[no-untyped-def]
    kiosk = api.kiosk(api.site("Alavus"))
    mine = api.ask(kiosk, outbox_seconds=120)
    assert mine["created_at"].startswith("2026-11-24T11:58:00")


def test_duty_reaches_kiosk_and_heartbeat(api: Driver) -> None:
    site = api.site("Rovaniemi")
    kiosk = api.kiosk(site)
    liisa = api.staff("liisa", "volunteer", [site])
    r = api.client.post(
        f"{API}/staff/duty", json={"site_id": site, "on_duty": True}, headers=api.auth(liisa)
    )
    assert r.json()["helpers_on_duty"] == ["Liisa"]
    events = _events(api, kiosk, 0)["events"]
    assert [(e["type"], e["helper_on_duty"]) for e in events] == [("duty", True)]
    beat = api.client.post(f"{API}/kiosk/heartbeat", json={}, headers=api.auth(kiosk)).json()
    assert beat["helper_on_duty"] is True
    sites = api.client.get(f"{API}/staff/sites", headers=api.auth(liisa)).json()
    assert sites[0]["i_am_on_duty"] is True and sites[0]["quick_messages"]


def test_long_poll_wakes_on_claim_within_a_second(api: Driver) -> None:
    import threading

    site = api.site("Oulu")
    anna = api.staff("anna", "staff", [site])
    kiosk = api.kiosk(site)
    mine = api.ask(kiosk)
    cursor = _events(api, kiosk, 0)["last_seq"]

    def claim_soon() -> None:
        time.sleep(0.3)
        api.client.post(f"{API}/staff/requests/{mine['id']}/claim", headers=api.auth(anna))

    thread = threading.Thread(target=claim_soon)
    start = time.monotonic()
    thread.start()
    got = _events(api, kiosk, cursor, wait=10)
    elapsed = time.monotonic() - start
    thread.join()
    assert [e["type"] for e in got["events"]] == ["claimed"]
    assert 0.3 <= elapsed < 1.3


def test_staff_event_long_poll_sees_new_request(api: Driver) -> None:
    site = api.site("Pihtipudas")
    anna = api.staff("anna", "staff", [site])
    kiosk = api.kiosk(site)
    start = api.client.get(f"{API}/staff/events", params={"wait": 0}, headers=api.auth(anna))
    mine = api.ask(kiosk, topic="bank codes")
    got = api.client.get(
        f"{API}/staff/events", params={"after": start.json()["last_seq"]}, headers=api.auth(anna)
    ).json()
    assert [(e["type"], e["request"]["id"]) for e in got["events"]] == [("created", mine["id"])]


def test_heartbeat_last_seen_is_buffered_then_written(api: Driver, clock) -> None:  # type: ignore[no-untyped-def]
    from kiosk.hub.app import flush_presence

    kiosk = api.kiosk(api.site("Espoo"))
    clock.advance(minutes=3)
    beat = {"app_version": "0.2", "pack_versions": {"core-a": "3"}}
    assert api.client.post(f"{API}/kiosk/heartbeat", json=beat, headers=api.auth(kiosk)).is_success
    listed = api.admin("GET", "/kiosks")[0]
    assert listed["app_version"] == "0.2"  # a change is written at once
    assert listed["last_seen_at"].startswith("2026-11-24T12:00")  # last-seen waits for a flush
    assert flush_presence(api.client.app.state.hub) == 2  # the kiosk and the admin's session
    assert api.admin("GET", "/kiosks")[0]["last_seen_at"].startswith("2026-11-24T12:03")
