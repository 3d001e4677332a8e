"""Messages between a kiosk and the hub: enrolment, heartbeat, help requests and kiosk events.

A help request carries context, never identity: nothing here can name or describe the visitor.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from kiosk.protocol.common import Language, RequestState, TextSize, WireIn, WireOut

EnrolmentCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=8, max_length=32, pattern=r"^[A-Z0-9-]+$"),
]
Slug = Annotated[
    str, StringConstraints(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._:/-]+$")
]


class EnrolIn(WireIn):
    """``POST /api/v1/enrol``: exchange a one-time code for this kiosk's own token."""

    code: EnrolmentCode
    app_version: Annotated[str, StringConstraints(max_length=40)] = ""


class EnrolOut(WireOut):
    """The token is shown only here, once; the hub keeps only its hash."""

    kiosk_id: int
    token: str
    site_id: int
    site_name: str
    place: str


class QuickMessageOut(WireOut):
    """A message staff may send from a short list; ``text`` per language code (fi, sv, en...)."""

    key: str
    text: dict[str, str]


class HeartbeatIn(WireIn):
    """``POST /api/v1/kiosk/heartbeat``, every ~30 s. Kiosk state only, no visitor data."""

    app_version: Annotated[str, StringConstraints(max_length=40)] = ""
    pack_versions: dict[Slug, Annotated[str, StringConstraints(max_length=40)]] = Field(
        default_factory=dict, max_length=200
    )
    in_session: bool = False


class HeartbeatOut(WireOut):
    """What the home screen needs: is a helper on duty now, else the next guidance hours."""

    server_time: datetime
    site_name: str
    place: str
    helper_on_duty: bool
    guidance_hours: str
    last_event_seq: int


class HelpRequestIn(WireIn):
    """``POST /api/v1/kiosk/requests`` with an ``Idempotency-Key`` header (8-128 chars, unique per
    request in the kiosk's outbox). ``outbox_seconds``: how long it waited in the outbox (0 when
    sent at once); the hub dates the request that much earlier."""

    language: Language
    text_size: TextSize
    read_aloud: bool
    demo: Annotated[str, StringConstraints(max_length=80)] | None = None
    step: Annotated[str, StringConstraints(max_length=80)] | None = None
    stuck_seconds: int = Field(ge=0, le=86_400)
    topic: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    outbox_seconds: int = Field(default=0, ge=0, le=7 * 86_400)


class KioskRequestOut(WireOut):
    """A kiosk's view of its own request. ``position`` is 1 for the first in its site's queue and
    ``None`` once it is no longer waiting; ``expected_wait_seconds`` is a rough estimate or None."""

    id: int
    state: RequestState
    position: int | None
    expected_wait_seconds: int | None
    helper_name: str | None
    escalated: bool
    last_message: QuickMessageOut | None
    created_at: datetime
    claimed_at: datetime | None
    resolved_at: datetime | None
    cancelled_at: datetime | None
    expired_at: datetime | None


KioskEventType = Literal[
    "claimed",  # a helper took the request: helper_name is set
    "released",  # the helper gave it back: waiting again
    "moved",  # sent to another site's queue
    "message",  # a quick message from staff: message is set
    "escalated",  # nobody took it in the site's limit: regional staff now see it
    "resolved",
    "cancelled",
    "expired",
    "duty",  # a helper came on or went off duty at the kiosk's site
]


class KioskEventOut(WireOut):
    """One event for one kiosk. ``seq`` only grows; pass the last one seen as ``after``."""

    seq: int
    type: KioskEventType
    at: datetime
    request_id: int | None = None
    state: RequestState | None = None
    helper_name: str | None = None
    message: QuickMessageOut | None = None
    helper_on_duty: bool | None = None


class KioskEventsOut(WireOut):
    """``GET /api/v1/kiosk/events?after=SEQ&wait=SECONDS``: a long poll. Answers at once when
    events newer than ``after`` exist, else when one arrives, else empty after ``wait`` seconds.
    ``last_seq`` is the value to pass as ``after`` next time (also when ``events`` is empty)."""

    events: list[KioskEventOut]
    last_seq: int
