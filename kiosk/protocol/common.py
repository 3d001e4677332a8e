"""Shared pieces of the wire protocol: base models, value types, and the error body.

Inputs (``*In``) forbid unknown fields so a typo is a clear 422, never silently ignored.
Outputs (``*Out``) ignore unknown fields, so an older kiosk keeps working when the hub adds one.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

API_PREFIX = "/api/v1"

Language = Literal["fi", "sv", "en", "se"]
TextSize = Literal[100, 150, 200]
# "regional": staff of a region's sites who see and act on escalated requests only (issue #6).
Role = Literal["volunteer", "staff", "regional", "admin"]
# Roles that may act on a visitor's behalf (volunteers never do).
ON_BEHALF_ROLES: tuple[str, ...] = ("staff", "regional", "admin")
RequestState = Literal["waiting", "claimed", "resolved", "cancelled", "expired"]
# AUTA's support need types (see docs/api.md for their meaning).
NeedType = Literal[
    "no_device",
    "buying_device",
    "own_device_guidance",
    "try_safely",
    "service_instructions",
    "other",
]

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$"
    ),
]
# Ids fit a 32-bit signed integer column on every database.
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
Password = Annotated[str, StringConstraints(min_length=12, max_length=256)]
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAY_HEADER = "Idempotency-Replayed"


class WireIn(BaseModel):
    """Base of every request body: unknown fields are errors, and no type is coerced
    (``"yes"`` is not a boolean, ``"1"`` is not an id)."""

    model_config = ConfigDict(extra="forbid", strict=True, str_max_length=4000)

    @model_validator(mode="before")
    @classmethod
    def _no_nul(cls, data: Any) -> Any:
        # Why: PostgreSQL cannot store NUL in text; refuse it here as bad input, not a 500.
        if _has_nul(data):
            raise ValueError("text must not contain NUL (\\x00) characters")
        return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


class WireOut(BaseModel):
    """Base of every response body: unknown fields are ignored by readers (forward compatible)."""

    model_config = ConfigDict(extra="ignore")


class ErrorOut(WireOut):
    """Every 4xx/5xx answer. ``detail`` is one plain sentence saying what is wrong and what to do;
    ``errors`` lists each invalid field for 422 answers (``field`` is a dotted path)."""

    detail: str
    errors: list[FieldErrorOut] = Field(default_factory=list)


class FieldErrorOut(WireOut):
    field: str
    problem: str


ErrorOut.model_rebuild()
