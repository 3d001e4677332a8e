"""Authorization for every endpoint: who may call it, and who is refused with which status."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from kiosk.hub.app import create_app
from tests.hub.support import API, Driver, settings_for

OUTCOME = {"need_type": "other", "level": 1, "service_area": "bank", "on_behalf": False}

KIOSK_CALLS = [
    ("POST", "/kiosk/heartbeat", {}),
    (
        "POST",
        "/kiosk/requests",
        {"language": "fi", "text_size": 100, "read_aloud": False, "stuck_seconds": 1},
    ),
    ("GET", "/kiosk/requests/{rid}", None),
    ("POST", "/kiosk/requests/{rid}/cancel", None),
    ("GET", "/kiosk/events?wait=0", None),
]
STAFF_CALLS = [
    ("POST", "/staff/logout", None),
    ("GET", "/staff/me", None),
    ("GET", "/staff/sites", None),
    ("GET", "/staff/queue", None),
    ("GET", "/staff/history", None),
    ("POST", "/staff/requests/{rid}/claim", None),
    ("POST", "/staff/requests/{rid}/release", None),
    ("POST", "/staff/requests/{rid}/move", {"site_id": 1}),
    ("POST", "/staff/requests/{rid}/message", {"key": "coming"}),
    ("POST", "/staff/requests/{rid}/resolve", OUTCOME),
    ("POST", "/staff/duty", {"site_id": 1, "on_duty": True}),
    ("GET", "/staff/events?wait=0", None),
    ("GET", "/staff/events/stream", None),
]
ADMIN_CALLS = [
    ("POST", "/admin/sites", {"name": "New"}),
    ("GET", "/admin/sites", None),
    ("POST", "/admin/kiosks/enrolment", {"site_id": 1, "place": "hall"}),
    ("GET", "/admin/kiosks", None),
    ("POST", "/admin/kiosks/1/revoke", None),
    ("POST", "/admin/staff", {"name": "x", "display_name": "X", "role": "staff"}),
    ("GET", "/admin/staff", None),
    ("POST", "/admin/staff/anna/disable", None),
    ("POST", "/admin/staff/anna/password", {}),
]


def _call(api: Driver, method: str, path: str, body, token: str | None, rid: int = 1, **kw):  # type: ignore[no-untyped-def]
    headers = kw.pop("headers", {})
    if token:
        headers.update(api.auth(token))
    if path.startswith("/kiosk/requests") and method == "POST" and "{rid}" not in path:
        headers["Idempotency-Key"] = "k" * 10
    return api.client.request(method, API + path.format(rid=rid), json=body, headers=headers, **kw)


@pytest.fixture
def world(lite: Driver):  # type: ignore[no-untyped-def]
    """Two sites A and B, a kiosk and a request at each, and staff of A only."""
    a, b = lite.site("A"), lite.site("B")
    world = {"a": a, "b": b, "ka": lite.kiosk(a), "kb": lite.kiosk(b)}
    world["ra"] = lite.ask(world["ka"])["id"]
    world["rb"] = lite.ask(world["kb"])["id"]
    world["staff_a"] = lite.staff("anna", "staff", [a])
    world["vol_a"] = lite.staff("ville", "volunteer", [a])
    return world


@pytest.fixture(scope="module")
def bare(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One hub for the many unauthenticated calls (authentication comes before any lookup)."""
    path = tmp_path_factory.mktemp("bare")
    app = create_app(settings_for(path, f"sqlite:///{path / 'hub.sqlite'}"))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Driver(client)


@pytest.mark.parametrize(("method", "path", "body"), KIOSK_CALLS + STAFF_CALLS + ADMIN_CALLS)
@pytest.mark.parametrize("token", [None, "not-a-real-token"])
def test_every_endpoint_needs_a_valid_token(bare, method, path, body, token) -> None:  # type: ignore[no-untyped-def]
    r = _call(bare, method, path, body, token, 1)
    assert r.status_code == 401, (path, r.text)
    assert r.json()["detail"]


@pytest.mark.parametrize(("method", "path", "body"), KIOSK_CALLS[2:4])
def test_kiosk_cannot_touch_another_kiosks_request(lite, world, method, path, body) -> None:  # type: ignore[no-untyped-def]
    r = _call(lite, method, path, body, world["ka"], world["rb"])
    assert r.status_code == 404
    own = lite.client.get(f"{API}/kiosk/requests/{world['rb']}", headers=lite.auth(world["kb"]))
    assert own.json()["state"] == "waiting"


def test_kiosk_token_is_not_a_staff_token(lite, world) -> None:  # type: ignore[no-untyped-def]
    for method, path, body in STAFF_CALLS + ADMIN_CALLS:
        assert _call(lite, method, path, body, world["ka"], world["ra"]).status_code == 401, path


def test_kiosk_events_carry_only_its_own(lite, world) -> None:  # type: ignore[no-untyped-def]
    lite.client.post(
        f"{API}/staff/requests/{world['rb']}/claim", headers=lite.auth(lite.admin_token)
    )
    got = _call(lite, "GET", "/kiosk/events?wait=0", None, world["ka"]).json()
    assert got["events"] == []
    got = _call(lite, "GET", "/kiosk/events?wait=0", None, world["kb"]).json()
    assert [e["type"] for e in got["events"]] == ["claimed"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [c for c in STAFF_CALLS if "{rid}" in c[1] and "move" not in c[1]]
    + [("POST", "/staff/requests/{rid}/move", {"site_id": 1})],
)
def test_staff_of_another_site_is_refused(lite, world, method, path, body) -> None:  # type: ignore[no-untyped-def]
    r = _call(lite, method, path, body, world["staff_a"], world["rb"])
    assert r.status_code == 403, r.text


def test_staff_site_filters_refuse_other_sites(lite, world) -> None:  # type: ignore[no-untyped-def]
    token, b = world["staff_a"], world["b"]
    assert _call(lite, "GET", f"/staff/queue?site_id={b}", None, token).status_code == 403
    assert _call(lite, "GET", f"/staff/history?site_id={b}", None, token).status_code == 403
    duty = {"site_id": b, "on_duty": True}
    assert _call(lite, "POST", "/staff/duty", duty, token).status_code == 403
    queue = _call(lite, "GET", "/staff/queue", None, token).json()
    assert [q["id"] for q in queue] == [world["ra"]]
    events = _call(lite, "GET", "/staff/events?wait=0", None, token).json()["events"]
    assert {e["site_id"] for e in events} == {world["a"]}
    admin_queue = _call(lite, "GET", "/staff/queue", None, lite.admin_token).json()
    assert {q["id"] for q in admin_queue} == {world["ra"], world["rb"]}


@pytest.mark.parametrize(("method", "path", "body"), ADMIN_CALLS)
@pytest.mark.parametrize("who", ["staff_a", "vol_a"])
def test_admin_endpoints_refuse_staff(lite, world, method, path, body, who) -> None:  # type: ignore[no-untyped-def]
    assert _call(lite, method, path, body, world[who]).status_code == 403


def test_volunteer_cannot_record_on_behalf(lite, world) -> None:  # type: ignore[no-untyped-def]
    vol, rid = world["vol_a"], world["ra"]
    assert _call(lite, "POST", "/staff/requests/{rid}/claim", None, vol, rid).status_code == 200
    r = _call(
        lite, "POST", "/staff/requests/{rid}/resolve", dict(OUTCOME, on_behalf=True), vol, rid
    )
    assert r.status_code == 403 and "Volunteers" in r.json()["detail"]
    r = _call(lite, "POST", "/staff/requests/{rid}/resolve", OUTCOME, vol, rid)
    assert r.status_code == 200 and r.json()["outcome"]["on_behalf"] is False


def test_only_the_claimer_resolves_or_releases(lite, world) -> None:  # type: ignore[no-untyped-def]
    rid = world["ra"]
    _call(lite, "POST", "/staff/requests/{rid}/claim", None, world["vol_a"], rid)
    r = _call(lite, "POST", "/staff/requests/{rid}/claim", None, world["staff_a"], rid)
    assert r.status_code == 409 and r.json()["detail"] == "Already taken by Ville."
    for action in ("release", "resolve"):
        r = _call(lite, "POST", f"/staff/requests/{{rid}}/{action}", OUTCOME, world["staff_a"], rid)
        assert r.status_code == 403


def test_cookie_writes_need_the_csrf_token(lite, world) -> None:  # type: ignore[no-untyped-def]
    login = lite.client.post(
        f"{API}/staff/login", json={"name": "anna", "password": lite.passwords["anna"]}
    )
    assert "httponly" in login.headers["set-cookie"].lower()
    assert "samesite=strict" in login.headers["set-cookie"].lower()
    lite.client.cookies.set("kiosk_session", login.json()["token"])
    try:
        assert lite.client.get(f"{API}/staff/me").status_code == 200
        url = f"{API}/staff/requests/{world['ra']}/claim"
        assert lite.client.post(url).status_code == 403
        ok = lite.client.post(url, headers={"X-CSRF-Token": login.json()["csrf_token"]})
        assert ok.status_code == 200
    finally:
        lite.client.cookies.clear()


def test_login_lockout_same_message_for_unknown_name(lite, world, clock) -> None:  # type: ignore[no-untyped-def]
    wrong = [
        lite.client.post(f"{API}/staff/login", json={"name": n, "password": "wrong"})
        for n in ("anna", "nobody")
    ]
    assert [r.status_code for r in wrong] == [401, 401]
    assert wrong[0].json() == wrong[1].json()
    for _ in range(4):
        lite.client.post(f"{API}/staff/login", json={"name": "anna", "password": "wrong"})
    right = {"name": "anna", "password": lite.passwords["anna"]}
    assert lite.client.post(f"{API}/staff/login", json=right).status_code == 429
    clock.advance(minutes=16)
    assert lite.client.post(f"{API}/staff/login", json=right).status_code == 200


def test_sessions_end_idle_logout_and_disable(lite, world, clock) -> None:  # type: ignore[no-untyped-def]
    token = world["staff_a"]
    clock.advance(minutes=29)
    assert _call(lite, "GET", "/staff/me", None, token).status_code == 200
    clock.advance(minutes=31)
    assert _call(lite, "GET", "/staff/me", None, token).status_code == 401
    token = lite.login("anna")
    assert _call(lite, "POST", "/staff/logout", None, token).status_code == 204
    assert _call(lite, "GET", "/staff/me", None, token).status_code == 401
    token = lite.login("ville")
    lite.admin_token = lite.login("admin")
    lite.admin("POST", "/staff/ville/disable")
    assert _call(lite, "GET", "/staff/me", None, token).status_code == 401
    r = lite.client.post(
        f"{API}/staff/login", json={"name": "ville", "password": lite.passwords["ville"]}
    )
    assert r.status_code == 401


def test_enrolment_code_works_once_and_expires(lite, world, clock) -> None:  # type: ignore[no-untyped-def]
    code = lite.admin("POST", "/kiosks/enrolment", json={"site_id": world["a"], "place": "hall"})
    assert lite.client.post(f"{API}/enrol", json={"code": code["code"]}).status_code == 201
    again = lite.client.post(f"{API}/enrol", json={"code": code["code"]})
    assert again.status_code == 400 and "already used" in again.json()["detail"]
    code = lite.admin("POST", "/kiosks/enrolment", json={"site_id": world["a"], "place": "hall"})
    clock.advance(minutes=61)
    assert lite.client.post(f"{API}/enrol", json={"code": code["code"]}).status_code == 400


def test_revoked_kiosk_is_refused_at_once(lite, world) -> None:  # type: ignore[no-untyped-def]
    kiosks = lite.admin("GET", "/kiosks")
    lite.admin("POST", f"/kiosks/{kiosks[0]['id']}/revoke")
    assert _call(lite, "POST", "/kiosk/heartbeat", {}, world["ka"]).status_code == 401
    assert _call(lite, "POST", "/kiosk/heartbeat", {}, world["kb"]).status_code == 200
