"""Errors the hub answers with a 4xx status. Raised by services, mapped once in ``api/v1``."""

from __future__ import annotations

from kiosk.core.errors import KioskError


class HubError(KioskError):
    status = 400


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
