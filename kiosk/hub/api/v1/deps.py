"""Dependencies of the v1 routes: the database session and who is calling.

``KioskAuth``/``StaffUser``/``AdminUser`` share the route's session (``Db``). Long polls hold no
session while they wait: the staff ones use ``StaffIdentity`` (its own short session), the
kiosk one checks its token inside its first read.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kiosk.hub.context import Hub
from kiosk.hub.errors import Forbidden, Unauthorized
from kiosk.hub.services import accounts, fleet
from kiosk.hub.services.accounts import Principal
from kiosk.hub.services.fleet import KioskRef

SESSION_COOKIE = "kiosk_session"
CSRF_HEADER = "X-CSRF-Token"
_SAFE = {"GET", "HEAD", "OPTIONS"}


def get_hub(request: Request) -> Hub:
    return request.app.state.hub  # type: ignore[no-any-return]


HubDep = Annotated[Hub, Depends(get_hub)]
T = TypeVar("T")


async def in_write_turn(hub: Hub, fn: Callable[[], T]) -> T:
    """Run ``fn`` (which writes) in a worker thread, after taking the SQLite writers' turn."""
    if hub.write_gate is None:
        return await run_in_threadpool(fn)
    async with hub.write_gate:
        return await run_in_threadpool(fn)


async def write_turn(request: Request, hub: HubDep) -> AsyncIterator[None]:
    """On SQLite, writing requests take turns here, on the event loop, before any thread.

    Why: SQLite has one writer. Queuing in worker threads would let waiting writers fill the
    thread pool while the writer that holds the lock needs a thread to finish: a deadlock.
    """
    if hub.write_gate is None or request.method in _SAFE:
        yield
        return
    async with hub.write_gate:
        yield


def get_db(
    request: Request, hub: HubDep, _turn: Annotated[None, Depends(write_turn, scope="function")]
) -> Iterator[Session]:
    """The route's session. Routes commit what they change; anything else is rolled back.
    Reads (GET) get a reader session, which on SQLite never waits for the write lock."""
    factory = hub.readers if request.method in _SAFE else hub.sessions
    with factory() as db:
        yield db


Db = Annotated[Session, Depends(get_db, scope="function")]


def bearer_token(request: Request) -> str | None:
    return parse_bearer(request.headers.get("authorization", ""))


def parse_bearer(header: str) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header value, else None."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def _kiosk(request: Request, db: Session) -> KioskRef:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("A kiosk token is needed: send 'Authorization: Bearer <token>'.")
    return fleet.kiosk_by_token(db, token)


def kiosk_auth(request: Request, db: Db) -> KioskRef:
    return _kiosk(request, db)


def _staff(request: Request, hub: Hub, db: Session | Connection) -> Principal:
    token = bearer_token(request)
    from_cookie = token is None
    if from_cookie:
        token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise Unauthorized("Please log in: no session token or cookie was sent.")
    who = accounts.authenticate(db, hub.settings.security, token, hub.clock(), hub.presence)
    # Why: a cookie is sent by the browser on its own, so cookie-authenticated writes must
    # also prove they come from our page (double submit of the session's CSRF token).
    if from_cookie and request.method not in _SAFE:
        if request.headers.get(CSRF_HEADER) != who.csrf_token:
            raise Forbidden(f"Missing or wrong {CSRF_HEADER} header; reload the page.")
    return who


def staff_user(request: Request, hub: HubDep, db: Db) -> Principal:
    return _staff(request, hub, db)


async def staff_identity(request: Request, hub: HubDep) -> Principal:
    """The caller, checked on its own short read (``Hub.read``): long polls hold no session."""

    def check(engine: Engine) -> Principal:
        with engine.connect() as conn:
            return _staff(request, hub, conn)

    return await hub.read(check)


def admin_user(who: Annotated[Principal, Depends(staff_user)]) -> Principal:
    if who.role != "admin":
        raise Forbidden("Only an admin may do this.")
    return who


KioskAuth = Annotated[KioskRef, Depends(kiosk_auth)]
StaffUser = Annotated[Principal, Depends(staff_user)]
StaffIdentity = Annotated[Principal, Depends(staff_identity)]
AdminUser = Annotated[Principal, Depends(admin_user)]
