"""Messages of the admin endpoints: sites, kiosks and their enrolment codes, staff accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from kiosk.protocol.assist import CardUid, Pin
from kiosk.protocol.common import Id, Name, Password, Role, WireIn, WireOut
from kiosk.protocol.kiosk import QuickMessageOut

Hours = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class QuickMessageIn(WireIn):
    key: Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$")]
    text: dict[
        Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")],
        Annotated[str, StringConstraints(min_length=1, max_length=200)],
    ] = Field(min_length=1, max_length=10)


class SiteIn(WireIn):
    """``POST /api/v1/admin/sites``. Omitted fields take the hub's defaults from hub.toml."""

    name: Name
    address: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    opening_hours: Hours = ""
    guidance_hours: Hours = ""
    escalation_minutes: int | None = Field(default=None, ge=1, le=240)
    quick_messages: list[QuickMessageIn] | None = Field(default=None, min_length=1, max_length=20)


class SiteOut(WireOut):
    id: int
    name: str
    address: str
    opening_hours: str
    guidance_hours: str
    escalation_minutes: int
    quick_messages: list[QuickMessageOut]


class EnrolmentIn(WireIn):
    """``POST /api/v1/admin/kiosks/enrolment``: a one-time code for a new kiosk at a place."""

    site_id: Id
    place: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


class EnrolmentOut(WireOut):
    code: str
    expires_at: datetime
    site_id: int
    place: str


class KioskOut(WireOut):
    id: int
    site_id: int
    site_name: str
    place: str
    revoked: bool
    enrolled_at: datetime
    last_seen_at: datetime | None
    app_version: str


class StaffIn(WireIn):
    """``POST /api/v1/admin/staff``. No ``password``: the hub makes one, shown once."""

    name: Name
    display_name: Name
    role: Role
    site_ids: list[Id] = Field(default_factory=list, max_length=500)
    password: Password | None = None


class PasswordIn(WireIn):
    """``POST /api/v1/admin/staff/{name}/password``. Without ``password`` one is generated."""

    password: Password | None = None


class PasswordOut(WireOut):
    """``password`` is set only when the hub generated it; it is shown this once."""

    name: str
    password: str | None


class StaffCreatedOut(WireOut):
    id: int
    name: str
    display_name: str
    role: Role
    site_ids: list[int]
    disabled: bool
    password: str | None


class StaffListOut(WireOut):
    """``id`` is also the staff number typed at a kiosk (assisted mode)."""

    id: int
    name: str
    display_name: str
    role: Role
    site_ids: list[int]
    disabled: bool
    last_login_at: datetime | None
    has_pin: bool = False
    has_card: bool = False


class PinIn(WireIn):
    """``POST /api/v1/admin/staff/{name}/pin``: the staff member's kiosk PIN (4-12 digits).
    Without ``pin`` the hub generates six digits, shown once."""

    pin: Pin | None = None


class PinOut(WireOut):
    """``pin`` is set only when the hub generated it; it is shown this once."""

    name: str
    pin: str | None


class CardIn(WireIn):
    """``POST /api/v1/admin/staff/{name}/card``: the staff card's UID (upper-case hex, as the
    kiosk reads it), or null to forget the card. One card belongs to one person (409)."""

    card_uid: CardUid | None
