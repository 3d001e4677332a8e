"""Logging staff in and out of the dashboard, and finding who is behind a page request.

The dashboard uses the API's own session (``accounts.login``/``authenticate``) and its cookie,
so the page's JavaScript calls ``/api/v1/staff/...`` with the same HttpOnly SameSite=Strict
cookie plus the session's CSRF token in a header. The login form, which has no session yet, is
protected by a double-submit token: a random value both in a short-lived cookie and in the form.
"""

from __future__ import annotations

import asyncio
import hmac
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from kiosk.hub.api.v1.deps import SESSION_COOKIE
from kiosk.hub.context import Hub
from kiosk.hub.errors import HubError, TooManyAttempts, Unauthorized
from kiosk.hub.security import new_token
from kiosk.hub.services import accounts
from kiosk.hub.services.accounts import Principal

LOGIN_CSRF_COOKIE = "kiosk_login_csrf"
LOGIN_CSRF_SECONDS = 3600


@dataclass(frozen=True)
class LoginResult:
    """Either ``token`` (logged in) or ``error`` ("wrong" or "locked")."""

    token: str | None
    error: str | None


def hub_of(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


def current(request: Request) -> Principal | None:
    """The staff member of a live session cookie, or None (not logged in, expired, ended)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    hub = hub_of(request)
    with hub.readers() as db:
        try:
            return accounts.authenticate(
                db, hub.settings.security, token, hub.clock(), hub.presence
            )
        except Unauthorized:
            return None


def same(a: str | None, b: str | None) -> bool:
    """Constant-time comparison of two tokens; missing or empty never matches."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def new_login_csrf() -> str:
    return new_token()


def set_login_csrf(response: Response, token: str, secure: bool) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=LOGIN_CSRF_SECONDS,
        httponly=True,
        samesite="strict",
        secure=secure,
        path="/dashboard",
    )


async def log_in(hub: Hub, name: str, password: str) -> LoginResult:
    """Check the password and open a session; failures are slowed down, then locked.

    Why the same path as ``POST /api/v1/staff/login``: one lockout count per name, whichever
    door an attacker knocks on.
    """
    sec = hub.settings.security

    def attempt() -> tuple[str | None, HubError | None, float]:
        with hub.sessions() as db:
            delay = accounts.failure_delay(db, name)
            try:
                _, token, _ = accounts.login(
                    db,
                    hub.hasher,
                    sec,
                    now=hub.clock(),
                    name=name,
                    password=password,
                    dummy=hub.dummy_hash,
                )
            except HubError as exc:
                db.commit()  # keep the failure count
                return None, exc, delay
            db.commit()
            return token, None, 0.0

    if hub.write_gate is None:
        token, error, delay = await run_in_threadpool(attempt)
    else:
        async with hub.write_gate:
            token, error, delay = await run_in_threadpool(attempt)
    if error is None:
        return LoginResult(token, None)
    # asyncio.sleep holds no thread: slowing an attacker costs the hub nothing.
    await asyncio.sleep(delay)
    return LoginResult(None, "locked" if isinstance(error, TooManyAttempts) else "wrong")


def set_session_cookie(response: Response, hub: Hub, token: str) -> None:
    sec = hub.settings.security
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=sec.session_max_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=sec.cookie_secure,
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/dashboard")


async def log_out(hub: Hub, who: Principal) -> None:
    """End the session on the server (the cookie alone is no longer enough)."""

    def end() -> None:
        with hub.transaction() as db:
            accounts.logout(db, who, hub.clock())

    if hub.write_gate is None:
        await run_in_threadpool(end)
    else:
        async with hub.write_gate:
            await run_in_threadpool(end)
