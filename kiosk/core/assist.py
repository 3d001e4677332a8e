"""Assisted mode: who is helping at the kiosk, what they may do there, and when it ends. Pure.

A member of staff switches the kiosk in (staff card + PIN, staff number + PIN, a one-time code,
or, with the hub unreachable, the site emergency code); the hub says who they are
(``AssistUnlockOut``). What the helper then does is returned as :class:`Action` values for the
audit log, which the caller stamps with the wall-clock time and queues for the hub.

Phases::

    visitor ──open_login──▶ asking ──unlocked──▶ assisted ──ask_consent──▶ consent
       ▲                      │ cancel, timeout      ▲  │                    │ agreed
       ├──────────────────────┘                      │  │                    ▼
       │                                   declined, └──┼─── end_on_behalf ─ on_behalf
       └───────────── end(reason): button, idle, session end, maintenance ───┘

Rules: acting on the visitor's behalf only for the staff, regional and admin roles (never a
volunteer, never under the emergency code, whose user is not known), and only after the visitor
agreed on screen; the maintenance exit to the desktop only for admins. Time is injected: every
call that needs it takes ``now`` (a monotonic clock's seconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from kiosk.core.errors import KioskError

Phase = Literal["visitor", "asking", "assisted", "consent", "on_behalf"]
LoginMethod = Literal["card", "number", "code", "emergency"]
EndReason = Literal["button", "idle", "session_end", "maintenance"]
LOGIN_METHODS: tuple[LoginMethod, ...] = ("card", "number", "code", "emergency")
#: Roles that may act on a visitor's behalf (with consent). "regional" is named for when the
#: hub has such a role; the protocol's roles today are volunteer, staff and admin.
ON_BEHALF_ROLES = frozenset({"staff", "regional", "admin"})
MAINTENANCE_ROLES = frozenset({"admin"})
ACTIVE_PHASES = frozenset({"assisted", "consent", "on_behalf"})


class NotAllowed(KioskError):
    """The helper's role (or the current phase) does not allow this."""


@dataclass(frozen=True)
class Helper:
    """Who is helping. ``assist_id`` None: switched in with the emergency code (nobody known)."""

    display_name: str
    role: str
    assist_id: int | None
    staff_id: int | None
    on_behalf_allowed: bool
    maintenance_allowed: bool

    @classmethod
    def from_unlock(cls, out: Any) -> Helper:
        """From the hub's ``AssistUnlockOut`` (or anything with its fields)."""
        return cls(
            display_name=out.display_name,
            role=out.role,
            assist_id=out.assist_id,
            staff_id=out.staff_id,
            on_behalf_allowed=bool(out.on_behalf_allowed),
            maintenance_allowed=bool(out.maintenance_allowed),
        )

    @classmethod
    def by_emergency_code(cls) -> Helper:
        return cls("", "", None, None, on_behalf_allowed=False, maintenance_allowed=False)

    @property
    def emergency(self) -> bool:
        return self.assist_id is None

    @property
    def may_act_on_behalf(self) -> bool:
        """Both the hub's flag and the role must say yes (never a volunteer, never unknown)."""
        return not self.emergency and self.on_behalf_allowed and self.role in ON_BEHALF_ROLES

    @property
    def may_exit_to_desktop(self) -> bool:
        return not self.emergency and self.maintenance_allowed and self.role in MAINTENANCE_ROLES

    @property
    def may_handle_requests(self) -> bool:
        """Take over or resolve the visitor's help request (the hub needs an assisted session)."""
        return not self.emergency


@dataclass(frozen=True)
class Action:
    """One audited thing the helper did: ``AssistActionIn`` without ``at`` (see :meth:`body`)."""

    action: str
    assist_id: int | None
    reason: str | None = None
    service_area: str | None = None
    url: str | None = None

    def body(self, at_iso: str) -> dict[str, Any]:
        """The wire body, stamped with when it happened (ISO 8601 with a time zone)."""
        body: dict[str, Any] = {"action": self.action, "at": at_iso}
        for name in ("assist_id", "reason", "service_area", "url"):
            value = getattr(self, name)
            if value is not None:
                body[name] = value
        return body


class EmergencyGuard:
    """The emergency code is checked at the kiosk, so the kiosk limits guesses itself: after
    ``max_attempts`` wrong codes in a row, none is checked for ``lock_seconds``."""

    def __init__(self, max_attempts: int, lock_seconds: float) -> None:
        self.max_attempts = max_attempts
        self.lock_seconds = lock_seconds
        self.failures = 0
        self.locked_until = 0.0

    def locked_for(self, now: float) -> float:
        """Seconds left of the lock (0: a code may be tried)."""
        return max(0.0, self.locked_until - now)

    def failed(self, now: float) -> float:
        """Count a wrong code; the seconds of the lock it starts (0 if none)."""
        self.failures += 1
        if self.failures >= self.max_attempts:
            self.failures = 0
            self.locked_until = now + self.lock_seconds
            return self.lock_seconds
        return 0.0

    def succeeded(self) -> None:
        self.failures = 0


class AssistMode:
    """The state machine. Methods that change what the audit must know return the actions."""

    def __init__(self, idle_exit_seconds: float, login_timeout_seconds: float) -> None:
        self.idle_exit_seconds = idle_exit_seconds
        self.login_timeout_seconds = login_timeout_seconds
        self.phase: Phase = "visitor"
        self.method: LoginMethod | None = None
        self.helper: Helper | None = None
        #: The service area being done on the visitor's behalf (or awaiting their consent).
        self.service_area: str | None = None
        self.last_activity = 0.0

    @property
    def active(self) -> bool:
        """A helper is switched in (assisted, asking the visitor's consent, or on-behalf)."""
        return self.phase in ACTIVE_PHASES

    # -- switching in -----------------------------------------------------------------------
    def open_login(self, method: LoginMethod, now: float) -> None:
        """Show the staff login for ``method`` (also to change method while it shows)."""
        if method not in LOGIN_METHODS:
            raise ValueError(f"unknown login method {method!r}")
        if self.active:
            raise NotAllowed("A helper is already switched in.")
        self.phase, self.method, self.last_activity = "asking", method, now

    def cancel_login(self) -> None:
        if self.phase == "asking":
            self.phase, self.method = "visitor", None

    def unlocked(self, helper: Helper, now: float) -> list[Action]:
        """The hub (or the emergency code) let ``helper`` in."""
        if self.phase != "asking":
            raise NotAllowed("Nobody was logging in.")
        self.phase, self.helper, self.last_activity = "assisted", helper, now
        self.service_area = None
        return [Action("emergency_unlock", None)] if helper.emergency else []

    # -- while assisted ---------------------------------------------------------------------
    def touch(self, now: float) -> None:
        """Any touch: the idle time (or the login's wait) starts again."""
        self.last_activity = now

    def due(self, now: float) -> Literal["idle", "login_timeout"] | None:
        """What the clock says should happen now: assisted mode ends, or the login closes."""
        quiet = now - self.last_activity
        if self.active and quiet >= self.idle_exit_seconds:
            return "idle"
        if self.phase == "asking" and quiet >= self.login_timeout_seconds:
            return "login_timeout"
        return None

    def _helper(self) -> Helper:
        if not self.active or self.helper is None:
            raise NotAllowed("Assisted mode is not on.")
        return self.helper

    def ask_consent(self, service_area: str, now: float) -> None:
        """The helper wants to act on the visitor's behalf in ``service_area``: ask the visitor."""
        helper = self._helper()
        if not helper.may_act_on_behalf:
            raise NotAllowed("Only staff may act on a visitor's behalf.")
        if self.phase != "assisted":
            raise NotAllowed("Already acting on the visitor's behalf.")
        if not service_area.strip():
            raise ValueError("a service area is needed")
        self.phase, self.service_area, self.last_activity = "consent", service_area.strip(), now

    def consent(self, agreed: bool, now: float) -> list[Action]:
        """The visitor touched "I agree" (``agreed``) or "No"."""
        helper = self._helper()
        if self.phase != "consent":
            raise NotAllowed("The visitor was not asked.")
        self.last_activity = now
        if not agreed:
            self.phase, self.service_area = "assisted", None
            return []
        self.phase = "on_behalf"
        return [Action("on_behalf_start", helper.assist_id, service_area=self.service_area)]

    def end_on_behalf(self, now: float) -> list[Action]:
        helper = self._helper()
        self.last_activity = now
        if self.phase != "on_behalf":
            if self.phase == "consent":
                self.phase, self.service_area = "assisted", None
            return []
        area, self.phase, self.service_area = self.service_area, "assisted", None
        return [Action("on_behalf_end", helper.assist_id, service_area=area)]

    def real_service(self, url: str, allowed: list[str], now: float) -> list[Action]:
        """Open one of the site's real e-services (``allowed``: the configured addresses)."""
        helper = self._helper()
        if url not in allowed:
            raise NotAllowed("Only the site's own list of real e-services can be opened.")
        self.last_activity = now
        return [Action("real_service_opened", helper.assist_id, url=url)]

    def maintenance_exit(self, now: float) -> list[Action]:
        """An admin leaves the kiosk app for the desktop: assisted mode ends with it."""
        helper = self._helper()
        if not helper.may_exit_to_desktop:
            raise NotAllowed("Only an admin may leave the kiosk for the desktop.")
        return [Action("maintenance_exit", helper.assist_id), *self.end("maintenance", now)]

    # -- switching out ----------------------------------------------------------------------
    def end(self, reason: EndReason, now: float) -> list[Action]:
        """Leave assisted mode (or close the login); nothing of the helper is kept."""
        if not self.active:
            self.cancel_login()
            return []
        helper = self._helper()
        actions = self.end_on_behalf(now) if self.phase == "on_behalf" else []
        actions.append(Action("assist_end", helper.assist_id, reason=reason))
        self.phase, self.method, self.helper, self.service_area = "visitor", None, None, None
        return actions
