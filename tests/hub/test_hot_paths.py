"""The kiosks' hot paths (kiosk/hub/api/v1/hot.py) answer exactly as the FastAPI routes do.

Two apps on one database: ``hot`` as the hub runs, ``ref`` without the ``HotPaths`` middleware
(every call through FastAPI). Same calls, same status, headers and bytes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kiosk.hub.api.v1 import hot
from kiosk.hub.api.v1.hot import HotPaths
from kiosk.hub.app import create_app
from kiosk.hub.services import events, fleet, requests
from tests.hub.support import API, Clock, Driver, add_admin, settings_for


@pytest.fixture
def pair(tmp_path, db_url: str, clock: Clock) -> Iterator[tuple[Driver, TestClient]]:  # type: ignore[no-untyped-def]
    settings = settings_for(tmp_path, db_url)
    hot = create_app(settings, clock=clock)
    ref = create_app(settings, clock=clock)
    ref.user_middleware = [m for m in ref.user_middleware if m.cls is not HotPaths]
    password = add_admin(hot.state.hub)
    with (
        TestClient(hot, raise_server_exceptions=False) as hot_client,
        TestClient(ref, raise_server_exceptions=False) as ref_client,
    ):
        driver = Driver(hot_client)
        driver.passwords["admin"] = password
        driver.admin_token = driver.login("admin")
        yield driver, ref_client


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The bodies the hot paths answered themselves (not handed to FastAPI)."""
    seen: list[bytes] = []
    send_json = hot._send_json

    async def counting(send: Any, body: bytes) -> None:
        seen.append(body)
        await send_json(send, body)

    monkeypatch.setattr(hot, "_send_json", counting)
    return seen


ASK = {"language": "fi", "text_size": 100, "read_aloud": False, "stuck_seconds": 5}


def _same(pair: tuple[Driver, TestClient], method: str, url: str, **kw: Any) -> Any:
    api, ref = pair
    got = api.client.request(method, url, **kw)
    want = ref.request(method, url, **kw)
    assert (got.status_code, got.content) == (want.status_code, want.content)
    for header in ("content-type", "content-length", "www-authenticate"):
        assert got.headers.get(header) == want.headers.get(header), header
    return got


def test_heartbeat_and_events_answer_byte_for_byte_as_the_routes(pair, answered) -> None:  # type: ignore[no-untyped-def]
    api, _ = pair
    site = api.site("Kallio", guidance_hours="Ti 10–12, ä ö")
    kiosk = api.kiosk(site, "2. krs, lehtien luona")
    anna = api.staff("anna", "staff", [site])
    auth = api.auth(kiosk)
    beats = [
        {},
        {"app_version": "", "pack_versions": {}, "in_session": False},
        {"app_version": "0.3", "pack_versions": {"core-a": "3"}, "in_session": True},
    ]
    for beat in beats:
        got = _same(pair, "POST", f"{API}/kiosk/heartbeat", json=beat, headers=auth)
        assert got.status_code == 200
    _same(pair, "GET", f"{API}/kiosk/events?wait=0", headers=auth)
    mine = api.ask(kiosk, topic="pankkitunnukset")
    api.client.post(
        f"{API}/staff/duty", json={"site_id": site, "on_duty": True}, headers=api.auth(anna)
    )
    api.client.post(f"{API}/staff/requests/{mine['id']}/claim", headers=api.auth(anna))
    messages = api.client.get(f"{API}/staff/sites", headers=api.auth(anna)).json()
    key = messages[0]["quick_messages"][0]["key"]
    api.client.post(
        f"{API}/staff/requests/{mine['id']}/message", json={"key": key}, headers=api.auth(anna)
    )
    got = _same(pair, "GET", f"{API}/kiosk/events?after=0&wait=0", headers=auth).json()
    assert [e["type"] for e in got["events"]] == ["duty", "claimed", "message"]
    cursor = got["events"][1]["seq"]
    _same(pair, "GET", f"{API}/kiosk/events?after={cursor}&wait=0.5", headers=auth)
    _same(pair, "GET", f"{API}/kiosk/events?wait=0&after={got['last_seq']}", headers=auth)
    beat = _same(pair, "POST", f"{API}/kiosk/heartbeat", json={}, headers=auth).json()
    assert beat["helper_on_duty"] is True and beat["last_event_seq"] == got["last_seq"]
    assert len(answered) == 8  # every call above took the hot path


def test_heartbeat_changes_are_written_through_the_hot_path(pair) -> None:  # type: ignore[no-untyped-def]
    api, _ = pair
    kiosk = api.kiosk(api.site("Espoo"))
    beat = {"app_version": "0.9", "pack_versions": {"core-a": "7"}}
    r = api.client.post(f"{API}/kiosk/heartbeat", json=beat, headers=api.auth(kiosk))
    assert r.status_code == 200
    assert api.admin("GET", "/kiosks")[0]["app_version"] == "0.9"
    hub = api.client.app.state.hub
    with hub.readers() as db:
        assert fleet.kiosk_by_token(db, kiosk).pack_versions == {"core-a": "7"}


@pytest.mark.parametrize(
    ("method", "path", "kw"),
    [
        ("POST", "/kiosk/heartbeat", {"json": {"app_version": 3}}),
        ("POST", "/kiosk/heartbeat", {"json": {"in_session": "yes"}}),
        ("POST", "/kiosk/heartbeat", {"json": {"surprise": 1}}),
        ("POST", "/kiosk/heartbeat", {"json": {"pack_versions": {"bad name!": "1"}}}),
        ("POST", "/kiosk/heartbeat", {"json": [1, 2]}),
        ("POST", "/kiosk/heartbeat", {"content": b"{not json"}),
        ("POST", "/kiosk/heartbeat", {"content": b""}),
        ("POST", "/kiosk/heartbeat", {"content": b"\xff\xfe"}),
        ("POST", "/kiosk/heartbeat", {"content": b"{}", "ct": "text/plain"}),
        ("POST", "/kiosk/heartbeat", {"content": b"{}", "ct": "application/json; charset=utf-8"}),
        ("POST", "/kiosk/heartbeat", {"content": b"{}", "ct": "application/merge-patch+json"}),
        ("POST", "/kiosk/heartbeat", {"content": b'{"app_version":"' + b"x" * 20000 + b'"}'}),
        ("GET", "/kiosk/events?after=-1", {}),
        ("GET", "/kiosk/events?after=007&wait=0", {}),
        ("GET", "/kiosk/events?after=1&after=2&wait=0", {}),
        ("GET", "/kiosk/events?after=&wait=0", {}),
        ("GET", "/kiosk/events?after=1e3&wait=0", {}),
        ("GET", "/kiosk/events?after=99999999999999999999&wait=0", {}),
        ("GET", "/kiosk/events?wait=3600", {}),
        ("GET", "/kiosk/events?wait=60.5", {}),
        ("GET", "/kiosk/events?wait=nan", {}),
        ("GET", "/kiosk/events?wait=-0", {}),
        ("GET", "/kiosk/events?wai%74=100", {}),
        ("GET", "/kiosk/events?wait=0&other=x", {}),
        ("GET", "/kiosk/events?wait", {}),
        ("POST", "/kiosk/requests", {"json": {**ASK, "language": "xx"}, "key": "good-key-1"}),
        ("POST", "/kiosk/requests", {"json": {**ASK, "stuck_seconds": "5"}, "key": "good-key-2"}),
        ("POST", "/kiosk/requests", {"json": ASK, "key": "short"}),
        ("POST", "/kiosk/requests", {"json": ASK, "key": "bad key with spaces"}),
        ("POST", "/kiosk/requests", {"json": ASK, "key": "k" * 129}),
        ("POST", "/kiosk/requests", {"json": ASK}),
        ("POST", "/kiosk/requests", {"content": b"{", "key": "good-key-3"}),
    ],
)
def test_unusual_calls_get_the_routes_answer(
    pair, answered, method: str, path: str, kw: dict
) -> None:  # type: ignore[no-untyped-def]
    api, _ = pair
    token = api.kiosk(api.site("Vantaa"))
    headers, kw = api.auth(token), dict(kw)
    if "key" in kw:
        headers["Idempotency-Key"] = kw.pop("key")
    if "ct" in kw:
        headers["Content-Type"] = kw.pop("ct")
    elif "content" in kw:
        headers["Content-Type"] = "application/json"
    _same(pair, method, f"{API}{path}", headers=headers, **kw)
    if "charset" not in headers.get("Content-Type", "") and "other" not in path:
        assert answered == []  # handed to FastAPI


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-kiosk-token"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer "},
    ],
)
def test_refused_tokens_get_the_routes_answer(pair, answered, headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    got = _same(
        pair,
        "POST",
        f"{API}/kiosk/requests",
        json=ASK,
        headers={**headers, "Idempotency-Key": "refused-0001"},
    )
    assert got.status_code == 401
    got = _same(pair, "POST", f"{API}/kiosk/heartbeat", json={}, headers=headers)
    assert got.status_code == 401
    got = _same(pair, "GET", f"{API}/kiosk/events?wait=0", headers=headers)
    assert got.status_code == 401
    assert answered == []


def test_a_revoked_kiosk_is_refused_on_both_hot_paths(pair) -> None:  # type: ignore[no-untyped-def]
    api, _ = pair
    site = api.site("Turku")
    token = api.kiosk(site)
    kiosk_id = api.admin("GET", "/kiosks")[0]["id"]
    assert api.client.post(f"{API}/kiosk/heartbeat", json={}, headers=api.auth(token)).is_success
    api.admin("POST", f"/kiosks/{kiosk_id}/revoke")
    for method, path, kw in [
        ("POST", "/kiosk/heartbeat", {"json": {}}),
        ("GET", "/kiosk/events?wait=0", {}),
        ("POST", "/kiosk/requests", {"json": ASK}),
    ]:
        headers = {**api.auth(token), "Idempotency-Key": "revoked-0001"}
        got = _same(pair, method, f"{API}{path}", headers=headers, **kw)
        assert got.status_code == 401


def test_the_button_takes_the_hot_path_and_replays_as_the_route(pair, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    api, _ = pair
    token = api.kiosk(api.site("Porvoo"))
    headers = {**api.auth(token), "Idempotency-Key": "button-0001"}
    calls: list[str] = []
    press_button = hot.press_button

    async def counting(hub: Any, token: str, body: Any, key: str) -> Any:
        calls.append(key)
        return await press_button(hub, token, body, key)

    monkeypatch.setattr(hot, "press_button", counting)
    first = api.client.post(f"{API}/kiosk/requests", json=ASK, headers=headers)
    assert first.status_code == 201 and calls == ["button-0001"]
    again = _same(pair, "POST", f"{API}/kiosk/requests", json=ASK, headers=headers)
    assert again.content == first.content and again.headers["Idempotency-Replayed"] == "true"
    other = {**ASK, "stuck_seconds": 6}
    conflict = _same(pair, "POST", f"{API}/kiosk/requests", json=other, headers=headers)
    assert conflict.status_code == 409


def test_core_create_matches_the_orm_reference(api: Driver, clock: Clock) -> None:
    """``requests.create_once`` (the button's path) writes the same request, event and
    answer as the ORM path it replaced (``requests.create`` with the kiosk's view)."""
    from sqlalchemy import select

    from kiosk.hub.api.v1.kiosk import kiosk_view
    from kiosk.hub.models import Event, HelpRequest

    hub = api.client.app.state.hub
    site = api.site("Lahti")
    api.staff("anna", "staff", [site])
    kiosk = api.kiosk(site, "aula")
    body = {"language": "sv", "text_size": 150, "read_aloud": True, "stuck_seconds": 40}
    body.update(demo="kela", step="2", topic="lomake", outbox_seconds=90)
    ref = api.ask(kiosk)  # one waiting ahead of both

    with hub.transaction() as db:
        reference = requests.create(db, fleet.kiosk_by_token(db, kiosk), dict(body), now=clock())
        want = kiosk_view(hub, db, reference).model_dump(mode="json")
    with hub.engine.connect() as conn:
        answer, keys, published = requests.create_once(
            conn,
            token=kiosk,
            key="compare-0001",
            hashed="h",
            body=dict(body),
            clock=clock,
            wait_per_person=hub.settings.requests.average_help_minutes * 60,
        )
        conn.commit()
    got = json.loads(answer.body)
    assert got.pop("id") == reference.id + 1 and want.pop("id") == reference.id
    # Dated back by its outbox time, each is ahead of ``ref``; the second is behind the first.
    assert (want.pop("position"), got.pop("position")) == (1, 2)
    assert (want.pop("expected_wait_seconds"), got.pop("expected_wait_seconds")) == (600, 1200)
    assert got == want and not answer.replayed
    assert set(keys) == {"all", f"kiosk:{reference.kiosk_id}", f"site:{site}"}
    # The event row published on the bus is the row the table gives back (long polls answer
    # from it instead of reading it again).
    (event,) = published
    with hub.readers() as db:
        (stored,), _ = events.for_staff(db, None, event.seq - 1)
    assert stored._asdict() == event._asdict()

    def row(model: Any, **where: Any) -> dict[str, Any]:
        with hub.readers() as db:
            obj = db.scalars(select(model).filter_by(**where)).one()
            return {c.key: getattr(obj, c.key) for c in model.__table__.columns}

    a, b = row(HelpRequest, id=reference.id), row(HelpRequest, id=reference.id + 1)
    assert a.pop("id") + 1 == b.pop("id") and a == b
    a, b = row(Event, request_id=reference.id), row(Event, request_id=reference.id + 1)
    assert a.pop("seq") + 1 == b.pop("seq")
    a.pop("request_id"), b.pop("request_id")
    a["staff_payload"]["request"].pop("id"), b["staff_payload"]["request"].pop("id")
    assert a == b and a["kiosk_payload"] is None
    assert ref["position"] == 1
    again = api.client.post(
        f"{API}/kiosk/requests",
        json=body,
        headers={**api.auth(kiosk), "Idempotency-Key": "compare-0001"},
    )
    assert again.status_code == 409  # stored with another body hash ("h")


def test_a_staff_long_poll_woken_by_the_button_answers_as_the_table_would(
    api: Driver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The staff long poll the button wakes answers from the rows on the bus (no read; on
    SQLite), with the same bytes as a read of the events table, rendered as FastAPI renders
    the model."""
    import threading

    from fastapi.responses import JSONResponse

    from kiosk.hub.api.v1 import longpoll
    from kiosk.protocol.staff import StaffEventsOut

    answered: list[Any] = []
    published = longpoll.published

    def counting(*args: Any) -> Any:
        known = published(*args)
        answered.append(known is not None and bool(known[0]))
        return known

    monkeypatch.setattr(longpoll, "published", counting)
    site = api.site("Ähtäri")
    anna = api.staff("anna", "staff", [site])
    kiosk = api.kiosk(site, "lehtisali – 2. krs")
    url = f"{API}/staff/events"
    after = api.client.get(url, params={"wait": 0}, headers=api.auth(anna)).json()["last_seq"]
    got: list[Any] = []
    waiting = threading.Thread(
        target=lambda: got.append(
            api.client.get(url, params={"after": after, "wait": 10}, headers=api.auth(anna))
        )
    )
    waiting.start()
    time.sleep(0.3)  # the long poll is parked
    api.ask(kiosk, topic="pankkitunnukset ✓", demo="kela", step="2")
    waiting.join(10)
    (woken,) = got
    if api.client.app.state.hub.engine.dialect.name == "sqlite":
        assert answered == [True]
    # (On PostgreSQL this instance's own NOTIFY, a wake-up without rows, often comes first:
    # then the long poll reads the table, as before.)
    again = api.client.get(url, params={"after": after, "wait": 0}, headers=api.auth(anna))
    assert woken.content == again.content
    for header in ("content-type", "content-length"):
        assert woken.headers[header] == again.headers[header]
    model = StaffEventsOut.model_validate_json(woken.content)
    assert JSONResponse(model.model_dump(mode="json")).body == woken.content
    assert [e.type for e in model.events] == ["created"]


def test_the_row_filters_for_published_rows_match_the_queries(api: Driver) -> None:
    """``events.staff_sees``/``kiosk_sees`` (for rows on the bus) select what the long polls'
    queries select, over events of every kind: created, claimed, moved, duty, cancelled."""
    from sqlalchemy import select

    from kiosk.hub.models import Event

    a, b = api.site("Kotka"), api.site("Hamina")
    pekka = api.staff("pekka", "staff", [a, b])
    k1, k2 = api.kiosk(a), api.kiosk(b)
    first, second = api.ask(k1), api.ask(k2)
    staff = api.auth(pekka)
    api.client.post(f"{API}/staff/duty", json={"site_id": a, "on_duty": True}, headers=staff)
    api.client.post(f"{API}/staff/requests/{first['id']}/claim", headers=staff)
    api.client.post(f"{API}/staff/requests/{first['id']}/move", json={"site_id": b}, headers=staff)
    api.client.post(f"{API}/kiosk/requests/{second['id']}/cancel", headers=api.auth(k2))
    hub = api.client.app.state.hub
    with hub.readers() as db:
        rows = list(db.execute(select(*Event.__table__.columns).order_by(Event.seq)))
        assert {r.type for r in rows} >= {"created", "claimed", "moved", "duty", "cancelled"}
        for site_ids in (None, [a], [b], [a, b]):
            found, _ = events.for_staff(db, site_ids, 0)
            assert [r.seq for r in found] == [r.seq for r in rows if events.staff_sees(r, site_ids)]
        for token in (k1, k2):
            kiosk = fleet.kiosk_by_token(db, token)
            found, _ = events.for_kiosk(db, kiosk, 0)
            assert [r.seq for r in found] == [r.seq for r in rows if events.kiosk_sees(r, kiosk)]
            assert found  # each kiosk has events of its own
