"""Messages between staff (dashboard or any client) and the hub: login, queue, actions, history."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from kiosk.protocol.common import (
    Id,
    Language,
    Name,
    NeedType,
    RequestState,
    Role,
    TextSize,
    WireIn,
    WireOut,
)
from kiosk.protocol.kiosk import QuickMessageOut


class LoginIn(WireIn):
    """``POST /api/v1/staff/login``. A wrong name and a wrong password get the same answer."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=256)]


class StaffOut(WireOut):
    id: int
    name: str
    display_name: str
    role: Role
    site_ids: list[int]
    disabled: bool


class LoginOut(WireOut):
    """``token`` goes in ``Authorization: Bearer``; the same session is also set as an HttpOnly
    SameSite=Strict cookie. Cookie-authenticated writes must send ``X-CSRF-Token: csrf_token``."""

    token: str
    csrf_token: str
    expires_at: datetime
    idle_timeout_seconds: int
    staff: StaffOut


class QueueItemOut(WireOut):
    """A help request as staff see it: where, how long, and with what. Never who."""

    id: int
    site_id: int
    site_name: str
    kiosk_id: int
    place: str
    state: RequestState
    language: Language
    text_size: TextSize
    read_aloud: bool
    demo: str | None
    step: str | None
    stuck_seconds: int
    topic: str | None
    created_at: datetime
    waited_seconds: int
    escalated: bool
    claimed_at: datetime | None
    helper_name: str | None
    helper_display_name: str | None


class MoveIn(WireIn):
    site_id: Id


class MessageIn(WireIn):
    """A quick message by its ``key`` in the site's list (see GET /staff/sites)."""

    key: Annotated[str, StringConstraints(min_length=1, max_length=40)]


class ResolveIn(WireIn):
    """The outcome. ``level`` is AUTA's 1-4; ``on_behalf`` may be true only for staff and admins."""

    need_type: NeedType
    level: int = Field(ge=1, le=4)
    service_area: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)
    ]
    on_behalf: bool


class OutcomeOut(WireOut):
    need_type: NeedType
    level: int
    service_area: str
    on_behalf: bool


class HistoryItemOut(QueueItemOut):
    resolved_at: datetime | None
    cancelled_at: datetime | None
    expired_at: datetime | None
    outcome: OutcomeOut | None


class DutyIn(WireIn):
    site_id: Id
    on_duty: bool


class DutyOut(WireOut):
    site_id: int
    on_duty: bool
    helpers_on_duty: list[str]


class StaffSiteOut(WireOut):
    """A site a staff member serves, with what the dashboard needs to act on its requests."""

    id: int
    name: str
    guidance_hours: str
    escalation_minutes: int
    quick_messages: list[QuickMessageOut]
    helpers_on_duty: list[str]
    i_am_on_duty: bool


StaffEventType = Literal[
    "created",
    "claimed",
    "released",
    "moved",
    "message",
    "escalated",
    "resolved",
    "cancelled",
    "expired",
    "duty",
]


class StaffEventOut(WireOut):
    """One event for staff. ``request`` is the request after the change (None for ``duty``)."""

    seq: int
    type: StaffEventType
    at: datetime
    site_id: int
    request: QueueItemOut | None = None
    detail: dict[str, Any] = Field(default_factory=dict)


class StaffEventsOut(WireOut):
    """``GET /api/v1/staff/events?after=SEQ&wait=S`` (long poll) or, as server-sent events,
    ``GET /api/v1/staff/events/stream`` (one ``StaffEventOut`` per ``data:``, ``id:`` = seq)."""

    events: list[StaffEventOut]
    last_seq: int


class NameIn(WireIn):
    name: Name


class StaffKioskOut(WireOut):
    """``GET /api/v1/staff/kiosks``: a kiosk of a site the caller serves (admin: every kiosk),
    for unlocking it. ``online``: heard from within ``assist.kiosk_online_seconds``."""

    id: int
    site_id: int
    site_name: str
    place: str
    last_seen_at: datetime | None
    online: bool
