"""A small HTTP client of the hub's admin API for ``kiosk-admin`` (requests, real HTTP).

Every failure becomes a :class:`HubCallError` with one plain line: the hub's own ``detail`` for
4xx answers, or what to check when the hub cannot be reached.
"""

from __future__ import annotations

from typing import Any

import requests

from kiosk.core.errors import KioskError
from kiosk.protocol.common import API_PREFIX


class HubCallError(KioskError):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class HubClient:
    def __init__(self, hub: str, token: str = "", timeout: float = 15) -> None:
        self.hub = hub.rstrip("/")
        self.token = token
        self.timeout = timeout
        self.http = requests.Session()

    def call(self, method: str, path: str, body: Any = None) -> Any:
        """One API call; returns the decoded JSON answer (None for 204)."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        url = f"{self.hub}{API_PREFIX}{path}"
        try:
            r = self.http.request(method, url, json=body, headers=headers, timeout=self.timeout)
        except requests.exceptions.InvalidURL as exc:
            raise HubCallError(f"{self.hub!r} is not a valid hub address ({exc})", 2) from None
        except requests.exceptions.MissingSchema:
            raise HubCallError(f"{self.hub!r}: give the hub as http(s)://host:port", 2) from None
        except requests.RequestException as exc:
            raise HubCallError(
                f"cannot reach the hub at {self.hub} ({type(exc).__name__}); is it running, and "
                "is the address right?",
                3,
            ) from None
        if r.status_code == 204:
            return None
        try:
            data = r.json()
        except ValueError:
            raise HubCallError(
                f"{self.hub} answered {r.status_code} without JSON; is this a kiosk hub?", 3
            ) from None
        if r.status_code >= 400:
            detail = data.get("detail") if isinstance(data, dict) else None
            code = 4 if r.status_code in (401, 403) else 1
            raise HubCallError(str(detail or f"the hub refused ({r.status_code})"), code)
        return data

    def login(self, name: str, password: str) -> str:
        data = self.call("POST", "/staff/login", {"name": name, "password": password})
        self.token = data["token"]
        if data["staff"]["role"] != "admin":
            raise HubCallError(f"{name!r} is not an admin; kiosk-admin needs an admin account", 4)
        return self.token
