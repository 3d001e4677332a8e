"""The parts of the hub's answers the kiosk reads, as msgspec Structs.

The contract is :mod:`kiosk.protocol.kiosk` (pydantic, shared with the hub). The kiosk decodes
with these small mirrors instead because pydantic costs ~160 ms to import on the kiosk, which
starts before its first frame on a Pi-class CPU (see kiosk/config.py for the same choice).
Unknown fields are ignored, as the contract promises for ``*Out`` models; a test checks that every
field here exists in the contract with a compatible meaning (tests/services/test_hublink_wire.py).
"""

from __future__ import annotations

from typing import Any

import msgspec


class _Out(msgspec.Struct, kw_only=True):
    """A hub answer: unknown fields ignored (the hub may add fields), types checked."""


class EnrolOut(_Out):
    kiosk_id: int
    token: str
    site_id: int
    site_name: str
    place: str


class HeartbeatOut(_Out):
    site_name: str
    place: str
    helper_on_duty: bool
    guidance_hours: str
    last_event_seq: int


class QuickMessageOut(_Out):
    key: str
    text: dict[str, str]


class KioskRequestOut(_Out):
    id: int
    state: str
    position: int | None
    expected_wait_seconds: int | None
    helper_name: str | None
    escalated: bool
    last_message: QuickMessageOut | None


class KioskEventOut(_Out):
    seq: int
    type: str
    request_id: int | None = None
    state: str | None = None
    helper_name: str | None = None
    message: QuickMessageOut | None = None
    helper_on_duty: bool | None = None


class KioskEventsOut(_Out):
    events: list[KioskEventOut]
    last_seq: int


class AssistUnlockOut(_Out):
    assist_id: int
    staff_id: int
    display_name: str
    role: str
    on_behalf_allowed: bool
    maintenance_allowed: bool


class AssistActionOut(_Out):
    audit_id: int


class ErrorOut(_Out):
    detail: str


def decode(data: bytes, kind: type[Any]) -> Any:
    """Decode a JSON answer into ``kind``; raises ``msgspec.ValidationError`` on a bad shape."""
    return msgspec.json.decode(data, type=kind)
