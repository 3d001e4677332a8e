"""The dashboard's pages without a browser (fast): security headers, the login form's CSRF
cookie, session expiry on a test clock, and the quick-message form's checks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiosk.hub.app import create_app
from kiosk.hub.dashboard import messages
from tests.browser.conftest import hub_settings
from tests.hub.support import Clock, add_admin


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(tmp_path: Path, clock: Clock) -> Iterator[TestClient]:
    app = create_app(hub_settings(tmp_path), clock=clock)
    password = add_admin(app.state.hub)
    with TestClient(app, base_url="http://127.0.0.1") as c:
        c.app_state_password = password  # type: ignore[attr-defined]
        yield c


def form_login(client: TestClient) -> None:
    page = client.get("/dashboard/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token is not None
    r = client.post(
        "/dashboard/login",
        data={"name": "admin", "password": client.app_state_password, "csrf": token.group(1)},  # type: ignore[attr-defined]
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/dashboard/"


def test_login_page_headers_and_csrf_cookie(client: TestClient) -> None:
    r = client.get("/dashboard/login")
    assert r.status_code == 200
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"
    cookie = r.headers["set-cookie"]
    assert "kiosk_login_csrf=" in cookie and "HttpOnly" in cookie
    assert "samesite=strict" in cookie.lower()
    value = re.search(r"kiosk_login_csrf=([^;]+)", cookie)
    assert value is not None and f'value="{value.group(1)}"' in r.text
    assert len(value.group(1)) >= 22  # >= 128 bits


def test_idle_and_absolute_expiry(client: TestClient, clock: Clock) -> None:
    form_login(client)
    assert client.get("/dashboard/", follow_redirects=False).status_code == 200
    clock.advance(minutes=29)
    assert client.get("/dashboard/", follow_redirects=False).status_code == 200
    clock.advance(minutes=31)  # 31 minutes without use
    r = client.get("/dashboard/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/dashboard/login?why=expired"

    form_login(client)
    for _ in range(12 * 3 - 1):  # used every 20 minutes: never idle, but 12 hours in all
        clock.advance(minutes=20)
        assert client.get("/dashboard/", follow_redirects=False).status_code == 200
    clock.advance(minutes=20)
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303


def test_logout_needs_the_session_csrf_token(client: TestClient) -> None:
    form_login(client)
    r = client.post("/dashboard/logout", data={"csrf": "wrong"}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/dashboard/", follow_redirects=False).status_code == 200
    page = client.get("/dashboard/").text
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert token is not None
    r = client.post("/dashboard/logout", data={"csrf": token.group(1)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303


def test_page_data_cannot_break_out_of_its_script(client: TestClient) -> None:
    form_login(client)
    page = client.get("/dashboard/").text
    data = page.split('<script type="application/json" id="page-data">', 1)[1]
    data = data.split("</script>", 1)[0]
    assert "<" not in data


def row(n: int, key: str, fi: str = "a", sv: str = "b", en: str = "c") -> dict[str, str]:
    return {f"key_{n}": key, f"fi_{n}": fi, f"sv_{n}": sv, f"en_{n}": en}


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ({**row(0, "ok"), **row(1, "ok")}, "fill"),  # the same key twice
        (row(0, "Bad Key"), "key"),
        (row(0, "ok", sv=""), "no text in sv"),
        (row(0, "ok", en="x" * 201), "no text in en"),
        ({}, "fill"),
    ],
)
def test_message_form_problems(form: dict[str, str], problem: str) -> None:
    parsed, error = messages.parse(form, "en")
    assert error is not None and problem in error.lower()


def test_message_form_reads_rows_and_skips_blank_ones() -> None:
    form = {**row(0, "coming", fi="Tulen"), **row(1, "", "", "", ""), **row(2, "desk")}
    parsed, error = messages.parse(form, "en")
    assert error is None
    assert parsed == [
        {"key": "coming", "text": {"fi": "Tulen", "sv": "b", "en": "c"}},
        {"key": "desk", "text": {"fi": "a", "sv": "b", "en": "c"}},
    ]
