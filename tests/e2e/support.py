"""A real hub on loopback for the end-to-end tests, which can be stopped and started again on the
same port and database (the "hub down, hub back" case), and kiosk settings pointing at it."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from kiosk.config import load_settings
from kiosk.hub.app import create_app
from kiosk.services.hublink.credentials import Enrolment, save_enrolment
from tests.hub.support import Driver, add_admin, free_port, settings_for

API = "/api/v1"


class LiveHub:
    """``kiosk-hub``'s app under uvicorn on 127.0.0.1, on an SQLite file, in a thread."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.db_url = f"sqlite:///{folder / 'hub.sqlite'}"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.driver: Driver | None = None
        self._http: httpx.Client | None = None

    def start(self) -> LiveHub:
        app = create_app(settings_for(self.folder, self.db_url))
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="error", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("test hub did not start")
            time.sleep(0.02)
        if self.driver is None:
            self._http = httpx.Client(base_url=self.url, timeout=10)
            self.driver = Driver(self._http)
            self.driver.passwords["admin"] = add_admin(app.state.hub)
            self.driver.admin_token = self.driver.login("admin")
        return self

    def stop(self) -> None:
        """Stop serving (connections refused) but keep the database for a restart."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = None

    def close(self) -> None:
        self.stop()
        if self._http is not None:
            self._http.close()

    # -- staff's side, through the real API ----------------------------------------------------
    def queue(self, token: str) -> list[dict[str, Any]]:
        r = self._http.get(f"{API}/staff/queue", headers=self.driver.auth(token))
        assert r.status_code == 200, r.text
        return r.json()

    def claim(self, token: str, request_id: int) -> dict[str, Any]:
        r = self._http.post(
            f"{API}/staff/requests/{request_id}/claim", headers=self.driver.auth(token)
        )
        assert r.status_code == 200, r.text
        return r.json()

    def message(self, token: str, request_id: int, key: str) -> None:
        r = self._http.post(
            f"{API}/staff/requests/{request_id}/message",
            json={"key": key},
            headers=self.driver.auth(token),
        )
        assert r.status_code == 204, r.text

    def history(self, token: str) -> list[dict[str, Any]]:
        r = self._http.get(f"{API}/staff/history", headers=self.driver.auth(token))
        assert r.status_code == 200, r.text
        return r.json()


def kiosk_settings(data_dir: Path, url: str, **hub: Any) -> Any:
    """Kiosk settings for tests: this data folder, this hub, quick retries."""
    fast = {"retry_first_seconds": 0.1, "retry_max_seconds": 0.4, "long_poll_seconds": 2}
    return load_settings(
        extra={"paths": {"data_dir": str(data_dir)}, "hub": {"url": url, **fast, **hub}}
    )


def enrol_kiosk(hub: LiveHub, site_id: int, data_dir: Path, place: str = "by the window") -> str:
    """Enrol a kiosk through the API and save its token as `kiosk enroll` does; the token."""
    code = hub.driver.admin("POST", "/kiosks/enrolment", json={"site_id": site_id, "place": place})
    r = hub._http.post(f"{API}/enrol", json={"code": code["code"]})
    assert r.status_code == 201, r.text
    out = r.json()
    save_enrolment(
        data_dir,
        Enrolment(hub.url, out["token"], out["kiosk_id"], out["site_name"], out["place"]),
    )
    return out["token"]


def wait_until(predicate: Any, timeout: float = 5.0, step: float = 0.01) -> float:
    """Poll ``predicate`` (real time: the hub and the link run for real); seconds it took."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not true within {timeout}s: {predicate}")
        time.sleep(step)
    return time.monotonic() - start
