"""Assisted mode on the wire: a helper switching a kiosk in, what they do there, and the audit.

Three ways in (issue #8): a staff card plus PIN, a staff number plus PIN (after the hidden corner
gesture), or a six-digit one-time code that the dashboard shows for one kiosk. The hub verifies
PINs (argon2id) and codes, locks a kiosk's staff login after repeated wrong PINs, and audits every
attempt. What the helper then does at the kiosk is reported back as actions, through the kiosk's
outbox, so that an action taken while the hub was unreachable (the site emergency code) is still
audited once the link returns, exactly once (``Idempotency-Key`` header as for help requests).

Nothing here describes the visitor: consent records carry time, kiosk, staff member and service
area only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StringConstraints, field_validator, model_validator

from kiosk.protocol.common import Role, WireIn, WireOut

#: A staff PIN: 4-12 digits.
Pin = Annotated[str, StringConstraints(min_length=4, max_length=12, pattern=r"^[0-9]+$")]
#: The dashboard's one-time unlock code: six digits.
UnlockCode = Annotated[str, StringConstraints(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")]
#: A staff card's UID as read by GET DATA, upper-case hex (4-10 bytes).
CardUid = Annotated[str, StringConstraints(min_length=8, max_length=20, pattern=r"^[0-9A-F]+$")]
ServiceArea = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]

UnlockMethod = Literal["card", "number", "code"]


class AssistUnlockIn(WireIn):
    """``POST /api/v1/kiosk/assist/unlock`` (kiosk token). Exactly the fields of its method:

    - ``card``: ``card_uid`` and ``pin``;
    - ``number``: ``staff_number`` (the staff member's id, as ``staff list`` shows) and ``pin``;
    - ``code``: ``code`` (shown by the dashboard for this kiosk; works once, for two minutes).

    Answers 200 :class:`AssistUnlockOut`; 401 with one plain sentence when the PIN, number, card
    or code is wrong (the same sentence whichever it was); 429 with ``Retry-After`` seconds when
    this kiosk's staff login is locked after repeated failures; 403 when the staff member does
    not serve the kiosk's site or is disabled. Every attempt, good or bad, is audited.
    """

    method: UnlockMethod
    card_uid: CardUid | None = None
    staff_number: int | None = Field(default=None, ge=1, le=2**31 - 1)
    pin: Pin | None = None
    code: UnlockCode | None = None

    @model_validator(mode="after")
    def _fields_of_method(self) -> AssistUnlockIn:
        wanted = {
            "card": {"card_uid", "pin"},
            "number": {"staff_number", "pin"},
            "code": {"code"},
        }[self.method]
        given = {f for f in ("card_uid", "staff_number", "pin", "code") if getattr(self, f)}
        if given != wanted:
            raise ValueError(f"method {self.method!r} takes exactly {', '.join(sorted(wanted))}")
        return self


class AssistUnlockOut(WireOut):
    """Who is now helping at the kiosk. ``assist_id`` names this assisted session in later
    actions; ``on_behalf_allowed`` is true only for the staff, regional and admin roles (never
    volunteers); ``maintenance_allowed`` only for admins."""

    assist_id: int
    staff_id: int
    display_name: str
    role: Role
    on_behalf_allowed: bool
    maintenance_allowed: bool


AssistAction = Literal[
    "assist_end",  # left assisted mode: reason says how
    "emergency_unlock",  # switched in with the site emergency code while the hub was unreachable
    "emergency_unlock_failed",  # a wrong emergency code was typed (never the code itself)
    "on_behalf_start",  # the visitor touched "I agree": service_area is set
    "on_behalf_end",
    "real_service_opened",  # url is set (one of the site's configured addresses)
    "maintenance_exit",  # an admin left the kiosk app for the desktop
    "request_claimed",  # the helper took over the visitor's help request at the kiosk
]
EndReason = Literal["button", "idle", "session_end", "maintenance"]


class AssistActionIn(WireIn):
    """``POST /api/v1/kiosk/assist/actions`` (kiosk token, ``Idempotency-Key`` header): one thing a
    helper did at this kiosk, for the audit log. ``at`` is when it happened at the kiosk (it may
    arrive much later from the outbox). ``assist_id`` is None only for ``emergency_unlock`` and
    what followed it (no staff member is known then). Answers 201 :class:`AssistActionOut`; the
    same key again replays the first answer. 403 when ``on_behalf_start`` names an assisted
    session whose staff member may not act on a visitor's behalf (volunteers), or
    ``maintenance_exit`` one of a non-admin; the refusal is audited and replayed like an answer.
    404 when ``assist_id`` is not one of this kiosk's sessions. ``on_behalf_start`` needs
    ``service_area`` and ``real_service_opened`` needs ``url`` (422 otherwise)."""

    action: AssistAction
    # Why not strict like the rest: strict refuses every ISO 8601 string, which is all JSON can
    # carry; a time with its zone (UTC offset) is required, numbers are refused (see below).
    at: AwareDatetime = Field(strict=False)
    assist_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    reason: EndReason | None = None
    service_area: ServiceArea | None = None
    url: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None

    @field_validator("at", mode="before")
    @classmethod
    def _iso_text(cls, value: object) -> object:
        if not isinstance(value, str | datetime):
            raise ValueError("at must be an ISO 8601 time with a zone, e.g. 2026-11-24T12:00:00Z")
        return value

    @model_validator(mode="after")
    def _fields_of_action(self) -> AssistActionIn:
        needed = {"on_behalf_start": "service_area", "real_service_opened": "url"}.get(self.action)
        if needed and not getattr(self, needed):
            raise ValueError(f"action {self.action!r} needs {needed}")
        if self.action.startswith("emergency_unlock") and self.assist_id is not None:
            raise ValueError(f"{self.action} has no assist_id (no staff member is known)")
        return self


class AssistActionOut(WireOut):
    """The audit entry written for the action."""

    audit_id: int


class AssistResolveIn(WireIn):
    """``POST /api/v1/kiosk/assist/requests/{id}/resolve`` (kiosk token): the helper at the kiosk
    resolves this kiosk's own help request, with the outcome as on the dashboard. ``on_behalf``
    true is refused (403) unless the assisted session's staff member has the staff, regional or
    admin role. A request still waiting is taken by the helper first. ``POST .../claim``
    (:class:`AssistClaimIn`) takes the request over for the helper at the kiosk. Both answer
    ``KioskRequestOut`` (as ``GET /kiosk/requests/{id}``); 404 for another kiosk's request or
    assisted session, 409 when the session has ended or another helper has the request."""

    assist_id: int = Field(ge=1, le=2**31 - 1)
    need_type: Literal[
        "no_device",
        "buying_device",
        "own_device_guidance",
        "try_safely",
        "service_instructions",
        "other",
    ]
    level: int = Field(ge=1, le=4)
    service_area: ServiceArea
    on_behalf: bool = False


class AssistClaimIn(WireIn):
    """Body of ``POST /api/v1/kiosk/assist/requests/{id}/claim``."""

    assist_id: int = Field(ge=1, le=2**31 - 1)


class UnlockCodeOut(WireOut):
    """``POST /api/v1/staff/kiosks/{kiosk_id}/unlock-code`` (staff serving the kiosk's site):
    a fresh six-digit code for that kiosk only, shown once; any earlier unused code for the
    kiosk stops working."""

    kiosk_id: int
    place: str
    code: str
    expires_at: datetime


class AuditEntryOut(WireOut):
    """One row of ``GET /api/v1/admin/audit`` (admins; also as CSV at ``/api/v1/admin/audit.csv``
    and on the dashboard's audit page). Newest first."""

    id: int
    at: datetime
    staff_id: int | None
    staff_name: str | None
    action: str
    kiosk_id: int | None
    site_id: int | None
    request_id: int | None
    detail: dict[str, object]
