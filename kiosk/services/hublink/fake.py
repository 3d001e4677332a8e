"""An in-memory stand-in for the hub's kiosk API, for fast unit tests (tests/services), and
:class:`FakeAssistGateway` for the assisted mode's widget tests (tests/ui).

It keeps the hub's promises that matter to the link: one request (or audit action) per
idempotency key (a repeat replays the first answer), 401 for a wrong token or PIN, 429 while the
staff login is locked, and it can be "down" (every call unreachable) or lose an answer after
doing the work (the case idempotency keys exist for).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.services.hublink import wire
from kiosk.services.hublink.assist import CallResult, call_result, unlock_result
from kiosk.services.hublink.client import HubRefused, HubUnreachable, TokenRefused


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
        # Assisted mode: staff by number, one-time codes, the lock, audit actions by key.
        self.staff: dict[int, dict[str, Any]] = {}
        self.codes: dict[str, int] = {}
        self.unlocks: list[str] = []  # the method of each attempt (never a PIN)
        self.lock_after = 3
        self.lock_seconds = 300
        self.failures = 0
        self.assist_ids = 0
        self.sessions: dict[int, str] = {}  # assist_id -> role
        self.actions: dict[str, dict[str, Any]] = {}
        self.action_posts: list[str] = []
        self.claims: list[tuple[int, int]] = []
        self.resolves: list[tuple[int, dict[str, Any]]] = []

    def add_staff(
        self, number: int, pin: str, name: str, role: str, card_uid: str | None = None
    ) -> None:
        self.staff[number] = {"pin": pin, "name": name, "role": role, "card": card_uid}

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

    # -- assisted mode -----------------------------------------------------------------------
    def assist_unlock(self, body: dict[str, Any]) -> wire.AssistUnlockOut:
        hub = self.hub
        hub._check()
        hub.unlocks.append(body["method"])
        if hub.failures >= hub.lock_after:
            raise HubRefused(429, "Staff login is locked.", retry_after=hub.lock_seconds)
        number = self._staff_number(body)
        if number is None:
            hub.failures += 1
            raise TokenRefused("wrong", detail="The PIN, staff number, card or code is wrong.")
        hub.failures = 0
        who = hub.staff[number]
        if who["role"] == "disabled":
            raise HubRefused(403, "This staff member cannot log in here.")
        hub.assist_ids += 1
        hub.sessions[hub.assist_ids] = who["role"]
        return wire.AssistUnlockOut(
            assist_id=hub.assist_ids,
            staff_id=number,
            display_name=who["name"],
            role=who["role"],
            on_behalf_allowed=who["role"] in ("staff", "regional", "admin"),
            maintenance_allowed=who["role"] == "admin",
        )

    def _staff_number(self, body: dict[str, Any]) -> int | None:
        staff = self.hub.staff
        if body["method"] == "code":
            return self.hub.codes.pop(body["code"], None)
        if body["method"] == "card":
            number = next((n for n, s in staff.items() if s["card"] == body["card_uid"]), None)
        else:
            number = body["staff_number"]
        if number in staff and staff[number]["pin"] == body["pin"]:
            return number
        return None

    def assist_action(self, key: str, body: dict[str, Any]) -> wire.AssistActionOut:
        self.hub._check()
        self.hub.action_posts.append(key)
        if key not in self.hub.actions:
            self.hub.actions[key] = dict(body)
        audit_id = list(self.hub.actions).index(key) + 1
        return self.hub._answer(wire.AssistActionOut(audit_id=audit_id))

    def assist_claim(self, request_id: int, assist_id: int) -> None:
        self.hub._check()
        self.hub.claims.append((request_id, assist_id))
        self.hub.requests.setdefault(request_id, {})["state"] = "claimed"

    def assist_resolve(self, request_id: int, body: dict[str, Any]) -> None:
        self.hub._check()
        role = self.hub.sessions.get(body["assist_id"])
        if body.get("on_behalf") and role not in ("staff", "regional", "admin"):
            raise HubRefused(403, "Only staff may act on a visitor's behalf.")
        self.hub.resolves.append((request_id, dict(body)))
        self.hub.requests.setdefault(request_id, {})["state"] = "resolved"


class FakeAssistGateway:
    """Stands in for :class:`~kiosk.services.hublink.assist.AssistGateway` in widget tests: the
    same calls, answered by a :class:`FakeHub` at once (through ``on_main``, like the real one),
    the emergency code compared in plain text, and recorded actions kept in ``recorded``."""

    def __init__(
        self,
        hub: FakeHub | None = None,
        *,
        emergency_code: str = "",
        on_main: Callable[[Callable[[], None]], None] = lambda fn: fn(),
    ) -> None:
        self.hub = hub
        self.emergency_code = emergency_code
        self.on_main = on_main
        self.recorded: list[dict[str, Any]] = []
        self.emergency_checks = 0
        self._client = FakeClient(hub) if hub is not None else None

    @property
    def link(self) -> Any:
        return self.hub

    @property
    def has_emergency_code(self) -> bool:
        return bool(self.emergency_code)

    def unlock(self, fields: dict[str, Any], on_done: Callable[[Any], None]) -> None:
        def call() -> Any:
            if self._client is None:
                raise HubUnreachable("The helper hub cannot be reached.", detail="no hub")
            return self._client.assist_unlock(dict(fields))

        result = unlock_result(call)
        self.on_main(lambda: on_done(result))

    def check_emergency(self, code: str, on_done: Callable[[bool], None]) -> None:
        self.emergency_checks += 1
        ok = bool(self.emergency_code) and code == self.emergency_code
        self.on_main(lambda: on_done(ok))

    def record(self, body: dict[str, Any]) -> str:
        self.recorded.append(dict(body))
        return f"k-{len(self.recorded)}"

    def claim(self, request_id: int, assist_id: int, on_done: Callable[[Any], None]) -> None:
        self._call(lambda c: c.assist_claim(request_id, assist_id), on_done)

    def resolve(
        self, request_id: int, body: dict[str, Any], on_done: Callable[[Any], None]
    ) -> None:
        self._call(lambda c: c.assist_resolve(request_id, dict(body)), on_done)

    def _call(self, call: Callable[[Any], Any], on_done: Callable[[Any], None]) -> None:
        if self._client is None:
            result = CallResult("unreachable", "no hub")
        else:
            client = self._client
            result = call_result(lambda: call(client))
        self.on_main(lambda: on_done(result))

    def close(self) -> None:
        pass

    def actions(self) -> list[str]:
        """The names of the recorded actions, in order."""
        return [b["action"] for b in self.recorded]
