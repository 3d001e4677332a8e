"""An in-memory stand-in for the hub's kiosk API, for fast unit tests (tests/services).

It keeps the hub's promises that matter to the link: one request per idempotency key (a repeat
replays the first answer), 401 for a wrong token, and it can be "down" (every call unreachable)
or lose an answer after doing the work (the case idempotency keys exist for).
"""

from __future__ import annotations

from typing import Any

from kiosk.services.hublink import wire
from kiosk.services.hublink.client import HubRefused, HubUnreachable


class FakeHub:
    def __init__(self) -> None:
        self.up = True
        self.lose_answers = 0  # do the work, then fail this many answers
        self.requests: dict[int, dict[str, Any]] = {}
        self.by_key: dict[str, int] = {}
        self.first_answers: dict[str, wire.KioskRequestOut] = {}
        self.posts: list[tuple[str, dict[str, Any]]] = []
        self.cancels: list[int] = []
        self.heartbeats = 0
        self.events: list[wire.KioskEventOut] = []

    def client(self, url: str, token: str | None, *, timeout: float) -> FakeClient:
        return FakeClient(self)

    def _check(self) -> None:
        if not self.up:
            raise HubUnreachable("The helper hub cannot be reached.", detail="fake: down")

    def _answer(self, out: Any) -> Any:
        if self.lose_answers:
            self.lose_answers -= 1
            raise HubUnreachable("The helper hub cannot be reached.", detail="fake: lost")
        return out

    def view(self, rid: int) -> wire.KioskRequestOut:
        r = self.requests[rid]
        return wire.KioskRequestOut(
            id=rid,
            state=r["state"],
            position=1 if r["state"] == "waiting" else None,
            expected_wait_seconds=600 if r["state"] == "waiting" else None,
            helper_name=r.get("helper"),
            escalated=False,
            last_message=None,
        )


class FakeClient:
    def __init__(self, hub: FakeHub) -> None:
        self.hub = hub

    def close(self) -> None:
        pass

    def heartbeat(self, app_version: str, in_session: bool) -> wire.HeartbeatOut:
        self.hub._check()
        self.hub.heartbeats += 1
        return wire.HeartbeatOut(
            site_name="Kirjasto",
            place="2nd floor",
            helper_on_duty=True,
            guidance_hours="",
            last_event_seq=len(self.hub.events),
        )

    def create_request(self, key: str, body: dict[str, Any]) -> wire.KioskRequestOut:
        self.hub._check()
        self.hub.posts.append((key, body))
        if key not in self.hub.by_key:
            rid = len(self.hub.requests) + 1
            self.hub.requests[rid] = {**body, "state": "waiting"}
            self.hub.by_key[key] = rid
            self.hub.first_answers[key] = self.hub.view(rid)
        # Like the hub: a repeated key replays the first answer, however old.
        return self.hub._answer(self.hub.first_answers[key])

    def get_request(self, rid: int) -> wire.KioskRequestOut:
        self.hub._check()
        return self.hub.view(rid)

    def cancel_request(self, rid: int) -> wire.KioskRequestOut:
        self.hub._check()
        if self.hub.requests[rid]["state"] in ("resolved", "expired"):
            raise HubRefused(409, "not waiting any more")
        self.hub.cancels.append(rid)
        self.hub.requests[rid]["state"] = "cancelled"
        return self.hub.view(rid)

    def events(self, after: int, wait: float) -> wire.KioskEventsOut:
        self.hub._check()
        return wire.KioskEventsOut(events=self.hub.events[after:], last_seq=len(self.hub.events))
