"""The regional role (issue #6): staff of a region's sites see and answer only the requests that
waited past their site's limit (escalated); they message the visitor, take and resolve them;
they do not go on duty at a desk. Requests of other regions stay out of sight."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.hub.app import sweep_once
from tests.hub.support import API, Clock, Driver

OUTCOME = {"need_type": "other", "level": 3, "service_area": "Kela", "on_behalf": True}


@pytest.fixture
def region(api: Driver) -> dict[str, Any]:
    a, b, far = api.site("Pasila"), api.site("Kallio"), api.site("Rovaniemi")
    out = {"a": a, "b": b, "far": far, "ka": api.kiosk(a), "kb": api.kiosk(b)}
    out["kfar"] = api.kiosk(far, "far away")
    out["rea"] = api.staff("rea", "regional", [a, b])
    out["anna"] = api.staff("anna", "staff", [a])
    return out


def call(api: Driver, token: str, method: str, path: str, body: Any = None) -> Any:
    return api.client.request(method, API + path, json=body, headers=api.auth(token))


def ids(api: Driver, token: str, path: str) -> list[int]:
    r = call(api, token, "GET", path)
    assert r.status_code == 200, r.text
    return [row["id"] for row in r.json()]


def test_regional_sees_and_answers_only_escalated_requests(
    api: Driver, region: dict[str, Any], clock: Clock
) -> None:
    rea = region["rea"]
    after = call(api, rea, "GET", "/staff/events?wait=0").json()["last_seq"]
    old = api.ask(region["ka"], topic="waits long")
    far = api.ask(region["kfar"], topic="another region")
    clock.advance(minutes=3)
    fresh = api.ask(region["kb"], topic="just came")
    assert ids(api, rea, "/staff/queue") == []
    assert ids(api, region["anna"], "/staff/queue") == [old["id"]]
    for path in ("claim", "message"):
        body = {"key": "coming"} if path == "message" else None
        r = call(api, rea, "POST", f"/staff/requests/{old['id']}/{path}", body)
        assert r.status_code == 403 and "Regional" in r.json()["detail"], path

    clock.advance(minutes=3)  # the first is 6 minutes old: past the 5-minute limit
    assert sweep_once(api.client.app.state.hub) == 2
    queue = call(api, rea, "GET", "/staff/queue").json()
    assert [(q["id"], q["escalated"]) for q in queue] == [(old["id"], True)]
    assert far["id"] not in ids(api, rea, "/staff/queue")
    assert fresh["id"] not in ids(api, rea, "/staff/history")
    events = call(api, rea, "GET", f"/staff/events?wait=0&after={after}").json()["events"]
    assert [(e["type"], e["request"]["id"]) for e in events] == [("escalated", old["id"])]

    r = call(api, rea, "POST", f"/staff/requests/{old['id']}/message", {"key": "callback"})
    assert r.status_code == 204
    got = api.client.get(f"{API}/kiosk/requests/{old['id']}", headers=api.auth(region["ka"]))
    assert got.json()["last_message"]["key"] == "callback" and got.json()["escalated"] is True
    r = call(api, rea, "POST", f"/staff/requests/{old['id']}/claim")
    assert r.status_code == 200 and r.json()["helper_name"] == "rea"
    assert ids(api, rea, "/staff/queue") == [old["id"]]  # still shown, now taken
    r = call(api, rea, "POST", f"/staff/requests/{old['id']}/resolve", OUTCOME)
    assert r.status_code == 200 and r.json()["outcome"]["on_behalf"] is True  # counts as staff
    assert ids(api, rea, "/staff/history") == [old["id"]]


def test_regional_does_not_go_on_duty(api: Driver, region: dict[str, Any]) -> None:
    r = call(api, region["rea"], "POST", "/staff/duty", {"site_id": region["a"], "on_duty": True})
    assert r.status_code == 403 and "Regional" in r.json()["detail"]
    beat = api.client.post(f"{API}/kiosk/heartbeat", json={}, headers=api.auth(region["ka"]))
    assert beat.json()["helper_on_duty"] is False
    me = call(api, region["rea"], "GET", "/staff/me").json()
    assert me["role"] == "regional" and me["site_ids"] == [region["a"], region["b"]]


def test_regional_of_another_region_is_refused(
    api: Driver, region: dict[str, Any], clock: Clock
) -> None:
    far = api.ask(region["kfar"])
    clock.advance(minutes=6)
    assert sweep_once(api.client.app.state.hub) == 1
    r = call(api, region["rea"], "POST", f"/staff/requests/{far['id']}/claim")
    assert r.status_code == 403 and "do not serve" in r.json()["detail"]
    admin = call(api, api.admin_token, "GET", "/staff/queue").json()
    assert [q["id"] for q in admin] == [far["id"]]
