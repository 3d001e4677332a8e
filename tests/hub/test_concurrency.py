"""Races over real HTTP on a real server: simultaneous claims, duplicate deliveries, and two hub
instances sharing one PostgreSQL."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from kiosk.hub.app import create_app
from tests.hub.support import API, Driver, ServerThread, add_admin, settings_for


def _served_driver(app) -> tuple[ServerThread, Driver]:  # type: ignore[no-untyped-def]
    password = add_admin(app.state.hub)
    server = ServerThread(app).__enter__()
    driver = Driver(httpx.Client(base_url=server.url, timeout=20))
    driver.passwords["admin"] = password
    driver.admin_token = driver.login("admin")
    return server, driver


def _race(calls: list) -> list[httpx.Response]:  # type: ignore[type-arg]
    barrier = threading.Barrier(len(calls))

    def run(call):  # type: ignore[no-untyped-def]
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_exactly_one_of_simultaneous_claims_wins(tmp_path, db_url) -> None:  # type: ignore[no-untyped-def]
    server, api = _served_driver(create_app(settings_for(tmp_path, db_url)))
    try:
        site = api.site("Helsinki")
        names = ["anna", "bertil", "cecilia", "dora"]
        tokens = [api.staff(n, "staff", [site]) for n in names]
        kiosk = api.kiosk(site)
        for round_ in range(3):
            rid = api.ask(kiosk)["id"]
            url = f"{API}/staff/requests/{rid}/claim"
            results = _race(
                [lambda t=t, u=url: api.client.post(u, headers=api.auth(t)) for t in tokens]
            )
            codes = sorted(r.status_code for r in results)
            assert codes == [200, 409, 409, 409], (round_, [r.text for r in results])
            winner = next(r for r in results if r.status_code == 200).json()["helper_display_name"]
            for r in results:
                if r.status_code == 409:
                    assert r.json()["detail"] == f"Already taken by {winner}."
    finally:
        api.client.close()
        server.__exit__()


def test_duplicate_deliveries_create_one_request(tmp_path, db_url) -> None:  # type: ignore[no-untyped-def]
    server, api = _served_driver(create_app(settings_for(tmp_path, db_url)))
    try:
        site = api.site("Lohja")
        kiosk = api.kiosk(site)
        body = {"language": "fi", "text_size": 100, "read_aloud": False, "stuck_seconds": 1}
        headers = {**api.auth(kiosk), "Idempotency-Key": "same-key-for-all"}
        results = _race(
            [lambda: api.client.post(f"{API}/kiosk/requests", json=body, headers=headers)] * 6
        )
        assert {r.status_code for r in results} == {201}
        assert len({r.json()["id"] for r in results}) == 1
        queue = api.client.get(f"{API}/staff/queue", headers=api.auth(api.admin_token)).json()
        assert len(queue) == 1
    finally:
        api.client.close()
        server.__exit__()


@pytest.mark.postgres
def test_two_instances_on_one_postgresql_see_each_other_live(tmp_path, pg_cluster) -> None:  # type: ignore[no-untyped-def]
    url = pg_cluster.new_database()
    server_a, api_a = _served_driver(create_app(settings_for(tmp_path / "a", url)))
    server_b = ServerThread(create_app(settings_for(tmp_path / "b", url))).__enter__()
    api_b = Driver(httpx.Client(base_url=server_b.url, timeout=20), passwords=api_a.passwords)
    try:
        site = api_a.site("Vaasa")
        staff_b = api_a.staff("anna", "staff", [site])  # logged in through A, used through B
        kiosk = api_a.kiosk(site)
        cursor = api_b.client.get(
            f"{API}/staff/events", params={"wait": 0}, headers=api_b.auth(staff_b)
        ).json()["last_seq"]

        def ask_soon() -> None:
            time.sleep(0.3)
            api_a.ask(kiosk, topic="through A")

        thread = threading.Thread(target=ask_soon)
        start = time.monotonic()
        thread.start()
        got = api_b.client.get(
            f"{API}/staff/events", params={"after": cursor, "wait": 10}, headers=api_b.auth(staff_b)
        ).json()
        seen_after = time.monotonic() - start
        thread.join()
        assert [e["request"]["topic"] for e in got["events"]] == ["through A"]
        assert seen_after < 1.3, seen_after

        rid = got["events"][0]["request"]["id"]
        k_cursor = api_a.client.get(
            f"{API}/kiosk/events", params={"wait": 0}, headers=api_a.auth(kiosk)
        ).json()["last_seq"]

        def claim_via_b() -> None:
            time.sleep(0.3)
            api_b.client.post(f"{API}/staff/requests/{rid}/claim", headers=api_b.auth(staff_b))

        thread = threading.Thread(target=claim_via_b)
        start = time.monotonic()
        thread.start()
        got = api_a.client.get(
            f"{API}/kiosk/events", params={"after": k_cursor, "wait": 10}, headers=api_a.auth(kiosk)
        ).json()
        seen_after = time.monotonic() - start
        thread.join()
        assert [(e["type"], e["helper_name"]) for e in got["events"]] == [("claimed", "Anna")]
        assert seen_after < 1.3, seen_after
    finally:
        api_a.client.close()
        api_b.client.close()
        server_a.__exit__()
        server_b.__exit__()


def test_staff_event_stream_delivers_server_sent_events(tmp_path, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    server, api = _served_driver(create_app(settings_for(tmp_path, sqlite_url)))
    try:
        site = api.site("Kerava")
        anna = api.staff("anna", "staff", [site])
        kiosk = api.kiosk(site)
        lines: list[str] = []
        with api.client.stream("GET", f"{API}/staff/events/stream", headers=api.auth(anna)) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            ask = threading.Timer(0.3, lambda: api.ask(kiosk, topic="stream me"))
            ask.start()
            for line in r.iter_lines():
                lines.append(line)
                if line.startswith("data: "):
                    break
        # The event may reach the stream before the kiosk has its answer: let it finish
        # before the client closes.
        ask.join(10)
        assert any(line == "event: created" for line in lines)
        assert '"topic":"stream me"' in lines[-1]
        assert any(line.startswith("id: ") for line in lines)
    finally:
        api.client.close()
        server.__exit__()


def test_staff_event_stream_ends_at_logout(tmp_path, sqlite_url) -> None:  # type: ignore[no-untyped-def]
    fast = {"stream_keepalive_seconds": 1}
    server, api = _served_driver(create_app(settings_for(tmp_path, sqlite_url, events=fast)))
    try:
        api.site("Kerava")
        token = api.login("admin")
        start = time.monotonic()
        with api.client.stream("GET", f"{API}/staff/events/stream", headers=api.auth(token)) as r:
            threading.Timer(
                0.3, lambda: api.client.post(f"{API}/staff/logout", headers=api.auth(token))
            ).start()
            lines = list(r.iter_lines())
        assert "event: logged-out" in lines
        assert time.monotonic() - start < 5
    finally:
        api.client.close()
        server.__exit__()
