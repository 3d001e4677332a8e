"""A small world for assisted-mode tests: two sites with a kiosk each, staff with PINs and a
card, and helpers that call the kiosk's assist endpoints."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.hub.support import API, Driver

PINS = {"anna": "4711", "ville": "2580", "kaisa": "1357", "rea": "8642", "admin": "9999"}
ANNA_CARD = "04A1B2C3D4E5F6"


@dataclass
class World:
    api: Driver
    a: int
    b: int
    ka: str
    kb: str
    tokens: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def unlock(self, kiosk: str, **body: Any) -> Any:
        return self.api.client.post(
            f"{API}/kiosk/assist/unlock", json=body, headers=self.api.auth(kiosk)
        )

    def by_number(self, kiosk: str, name: str, pin: str | None = None) -> Any:
        return self.unlock(
            kiosk, method="number", staff_number=self.ids[name], pin=pin or PINS[name]
        )

    def assist_id(self, kiosk: str, name: str) -> int:
        r = self.by_number(kiosk, name)
        assert r.status_code == 200, r.text
        return int(r.json()["assist_id"])

    def code(self, name: str, kiosk_id: int) -> Any:
        return self.api.client.post(
            f"{API}/staff/kiosks/{kiosk_id}/unlock-code", headers=self.api.auth(self.tokens[name])
        )

    def kiosk_id(self, token: str) -> int:
        r = self.api.client.post(f"{API}/kiosk/heartbeat", json={}, headers=self.api.auth(token))
        assert r.status_code == 200, r.text
        place = r.json()["place"]
        kiosks = self.api.admin("GET", "/kiosks")
        return int(next(k["id"] for k in kiosks if k["place"] == place))

    def action(self, kiosk: str, key: str | None = None, **body: Any) -> Any:
        body.setdefault("at", datetime(2026, 11, 24, 11, 58, tzinfo=UTC).isoformat())
        headers = {**self.api.auth(kiosk), "Idempotency-Key": key or os.urandom(8).hex()}
        return self.api.client.post(f"{API}/kiosk/assist/actions", json=body, headers=headers)

    def audit(self, **params: Any) -> list[dict[str, Any]]:
        r = self.api.client.get(
            f"{API}/admin/audit", params=params, headers=self.api.auth(self.api.admin_token)
        )
        assert r.status_code == 200, r.text
        return r.json()  # type: ignore[no-any-return]


def make_world(api: Driver) -> World:
    a = api.site("Pasila")
    b = api.site("Kallio")
    world = World(api, a, b, api.kiosk(a, "2nd floor"), api.kiosk(b, "Entrance hall"))
    world.tokens["anna"] = api.staff("anna", "staff", [a])
    world.tokens["ville"] = api.staff("ville", "volunteer", [a])
    world.tokens["kaisa"] = api.staff("kaisa", "staff", [b])
    world.tokens["rea"] = api.staff("rea", "regional", [a, b])
    world.tokens["admin"] = api.admin_token
    for row in api.admin("GET", "/staff"):
        world.ids[row["name"]] = row["id"]
    for name, pin in PINS.items():
        api.admin("POST", f"/staff/{name}/pin", json={"pin": pin})
    api.admin("POST", "/staff/anna/card", json={"card_uid": ANNA_CARD})
    return world
