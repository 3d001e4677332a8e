"""Errors the hub answers with a 4xx status. Raised by services, mapped once in ``api/v1``."""

from __future__ import annotations

from kiosk.core.errors import KioskError


class HubError(KioskError):
    status = 400
    #: Extra response headers (e.g. ``Retry-After``); None for most errors.
    headers: dict[str, str] | None = None


class BadRequest(HubError):
    status = 400


class Unauthorized(HubError):
    status = 401


class Forbidden(HubError):
    status = 403


class NotFound(HubError):
    status = 404


class Conflict(HubError):
    status = 409


class TooManyAttempts(HubError):
    status = 429


class LockedOut(TooManyAttempts):
    """429 with ``Retry-After``: seconds until the lock ends (at least 1)."""

    def __init__(self, user_message: str, retry_after: int) -> None:
        super().__init__(user_message)
        self.retry_after = max(1, retry_after)
        self.headers = {"Retry-After": str(self.retry_after)}
