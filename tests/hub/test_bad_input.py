"""Bad input gets a 4xx with a message naming what is wrong; no input yields a 500."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hub.support import API, Driver

GOOD = {"language": "fi", "text_size": 100, "read_aloud": False, "stuck_seconds": 3}

BAD_REQUESTS = [
    ({"language": "de"}, "language"),
    ({"text_size": 120}, "text_size"),
    ({"stuck_seconds": -1}, "stuck_seconds"),
    ({"stuck_seconds": 10**30}, "stuck_seconds"),
    ({"read_aloud": "maybe"}, "read_aloud"),
    ({"topic": "x" * 201}, "topic"),
    ({"topic": "nul\x00byte"}, "NUL"),
    ({"visitor_name": "Matti"}, "visitor_name"),
    ({"outbox_seconds": 10**9}, "outbox_seconds"),
]


@pytest.fixture
def setup(lite: Driver):  # type: ignore[no-untyped-def]
    site = lite.site("Celia")
    return {"site": site, "kiosk": lite.kiosk(site), "staff": lite.staff("anna", "staff", [site])}


@pytest.mark.parametrize(("change", "named"), BAD_REQUESTS)
def test_bad_help_request_names_the_field(lite, setup, change, named) -> None:  # type: ignore[no-untyped-def]
    headers = {**lite.auth(setup["kiosk"]), "Idempotency-Key": "bad-input-1"}
    r = lite.client.post(f"{API}/kiosk/requests", json={**GOOD, **change}, headers=headers)
    assert r.status_code == 422
    assert named in r.json()["detail"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("POST", "/kiosk/requests", {"content": b"{not json"}, 422),
        ("POST", "/kiosk/requests", {"content": b"[]"}, 422),
        ("POST", "/kiosk/requests", {"json": GOOD, "headers": {"Idempotency-Key": "short"}}, 422),
        (
            "POST",
            "/kiosk/requests",
            {"json": GOOD, "headers": {"Idempotency-Key": "bad key!!"}},
            422,
        ),
        ("POST", "/kiosk/requests", {"json": GOOD, "headers": {}}, 422),
        ("GET", "/kiosk/requests/abc", {}, 422),
        ("GET", "/kiosk/requests/99999999999999999999", {}, 422),
        ("GET", "/kiosk/requests/0", {}, 422),
        ("GET", "/kiosk/requests/2147483647", {}, 404),
        ("GET", "/kiosk/events?after=-1", {}, 422),
        ("GET", "/kiosk/events?wait=3600", {}, 422),
        ("POST", "/kiosk/heartbeat", {"json": {"pack_versions": {"bad name!": "1"}}}, 422),
        ("DELETE", "/kiosk/heartbeat", {}, 405),
        ("GET", "/no/such/thing", {}, 404),
    ],
)
def test_bad_kiosk_calls(lite, setup, method, path, kwargs, status) -> None:  # type: ignore[no-untyped-def]
    headers = {**lite.auth(setup["kiosk"]), "Idempotency-Key": "bad-input-2"}
    if "headers" in kwargs:
        headers = {**lite.auth(setup["kiosk"]), **kwargs.pop("headers")}
    r = lite.client.request(method, API + path, headers=headers, **kwargs)
    assert r.status_code == status, r.text
    assert r.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        (
            "/staff/requests/1/resolve",
            {"need_type": "magic", "level": 2, "service_area": "x", "on_behalf": False},
            422,
        ),
        (
            "/staff/requests/1/resolve",
            {"need_type": "other", "level": 5, "service_area": "x", "on_behalf": False},
            422,
        ),
        (
            "/staff/requests/1/resolve",
            {"need_type": "other", "level": 2, "service_area": " ", "on_behalf": False},
            422,
        ),
        ("/staff/requests/1/move", {"site_id": 2**40}, 422),
        ("/staff/requests/1/move", {"site_id": 999}, 404),
        ("/staff/requests/1/message", {"key": "no-such-message"}, 404),
        ("/staff/duty", {"site_id": "1", "on_duty": "yes"}, 422),
        ("/staff/login", {"name": "", "password": "x"}, 422),
    ],
)
def test_bad_staff_calls(lite, setup, path, body, status) -> None:  # type: ignore[no-untyped-def]
    lite.ask(setup["kiosk"])
    r = lite.client.post(API + path, json=body, headers=lite.auth(setup["staff"]))
    assert r.status_code == status, r.text
    assert r.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/admin/sites", {"name": ""}, 422),
        ("/admin/sites", {"name": "Celia"}, 409),
        ("/admin/sites", {"name": "X", "escalation_minutes": 0}, 422),
        ("/admin/sites", {"name": "X", "quick_messages": []}, 422),
        (
            "/admin/sites",
            {"name": "X", "quick_messages": [{"key": "A B", "text": {"fi": "x"}}]},
            422,
        ),
        ("/admin/staff", {"name": "anna", "display_name": "A", "role": "staff"}, 409),
        ("/admin/staff", {"name": "bo", "display_name": "B", "role": "boss"}, 422),
        (
            "/admin/staff",
            {"name": "bo", "display_name": "B", "role": "staff", "site_ids": [77]},
            400,
        ),
        (
            "/admin/staff",
            {"name": "bo", "display_name": "B", "role": "staff", "password": "short"},
            422,
        ),
        ("/admin/staff/nobody/disable", None, 404),
        ("/admin/kiosks/enrolment", {"site_id": 77, "place": "hall"}, 404),
        ("/admin/kiosks/12345/revoke", None, 404),
    ],
)
def test_bad_admin_calls(lite, setup, path, body, status) -> None:  # type: ignore[no-untyped-def]
    r = lite.client.post(API + path, json=body, headers=lite.auth(lite.admin_token))
    assert r.status_code == status, r.text
    assert r.json()["detail"]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)
field_names = st.sampled_from(
    [
        "language",
        "text_size",
        "read_aloud",
        "demo",
        "step",
        "stuck_seconds",
        "topic",
        "outbox_seconds",
        "name",
        "site_id",
        "level",
        "on_behalf",
        "need_type",
        "key",
        "x",
    ]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    body=st.one_of(json_values, st.dictionaries(field_names, json_values, max_size=8)),
    target=st.sampled_from(
        [
            "/kiosk/requests",
            "/kiosk/heartbeat",
            "/staff/requests/1/resolve",
            "/staff/duty",
            "/admin/sites",
            "/admin/staff",
            "/staff/requests/1/move",
            "/enrol",
        ]
    ),
)
def test_no_payload_makes_a_500(lite, setup, body, target) -> None:  # type: ignore[no-untyped-def]
    token = setup["kiosk"] if target.startswith("/kiosk") else lite.admin_token
    headers = {**lite.auth(token), "Idempotency-Key": "fuzz-" + str(abs(hash(str(body))))}
    r = lite.client.post(API + target, json=body, headers=headers)
    assert r.status_code < 500, (target, body, r.text)
    if r.status_code >= 400:
        assert r.json()["detail"]
