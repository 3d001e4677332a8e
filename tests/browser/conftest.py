"""Fixtures for dashboard tests: a real hub (uvicorn on a free loopback port, SQLite file) set up
through its real API, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from kiosk.hub.app import create_app
from tests.hub.support import Driver, ServerThread, add_admin, settings_for

CHROMIUM = "/usr/bin/chromium"
LOCK_AFTER = 3


class QuickServer(ServerThread):
    """The hub's test server, but stopping within a second even with event streams open."""

    def __init__(self, app: Any) -> None:
        super().__init__(app)
        self.server.config.timeout_graceful_shutdown = 1


@dataclass
class LiveHub:
    """A running hub, an admin-driven API client, and a site with a kiosk and staff in it."""

    url: str
    api: Driver
    site: int
    other_site: int
    kiosk: str
    other_kiosk: str
    hub: Any = None
    passwords: dict[str, str] = field(default_factory=dict)

    def ask(self, kiosk: str | None = None, **fields: Any) -> dict[str, Any]:
        return self.api.ask(kiosk or self.kiosk, **fields)

    def kiosk_request(self, request_id: int, kiosk: str | None = None) -> dict[str, Any]:
        r = self.api.client.get(
            f"/api/v1/kiosk/requests/{request_id}", headers=self.api.auth(kiosk or self.kiosk)
        )
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]


def hub_settings(tmp: Path) -> Any:
    return settings_for(
        tmp,
        f"sqlite:///{tmp / 'hub.sqlite'}",
        server={"development": True},
        security={"cookie_secure": False, "login_max_failures": LOCK_AFTER},
        events={"poll_interval_ms": 100, "stream_keepalive_seconds": 1},
    )


@pytest.fixture
def live_hub(tmp_path: Path) -> Iterator[LiveHub]:
    app = create_app(hub_settings(tmp_path))
    password = add_admin(app.state.hub)
    with QuickServer(app) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        api = Driver(client)
        api.passwords["admin"] = password
        api.admin_token = api.login("admin")
        site = api.site("Pasila", address="Kellosilta 9", guidance_hours="Tue 10-12")
        other = api.site("Kallio", address="Viides linja 11", guidance_hours="Wed 14-16")
        kiosk = api.kiosk(site, "2nd floor, by the newspapers")
        other_kiosk = api.kiosk(other, "Entrance hall")
        api.staff("anna", "staff", [site])
        api.staff("ville", "volunteer", [site])
        api.staff("kaisa", "staff", [other])
        yield LiveHub(
            server.url, api, site, other, kiosk, other_kiosk, app.state.hub, api.passwords
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--disable-gpu", "--disable-quic", "--autoplay-policy=no-user-gesture-required"],
        )
        yield chromium
        chromium.close()


def log_in(page: Any, hub: LiveHub, name: str) -> None:
    page.goto(f"{hub.url}/dashboard/login?lang=en")
    page.fill("#name", name)
    page.fill("#password", hub.passwords[name])
    page.click("button[type=submit]")
    page.wait_for_selector("#queue", state="attached")
