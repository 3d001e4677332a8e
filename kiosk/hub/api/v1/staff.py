"""Routes for staff: login, the queue and its actions, duty, history and event streams."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from kiosk.hub.api.v1.deps import (
    SESSION_COOKIE,
    Db,
    HubDep,
    StaffIdentity,
    StaffUser,
    bearer_token,
)
from kiosk.hub.api.v1.longpoll import Fresh, long_poll
from kiosk.hub.context import Hub
from kiosk.hub.errors import Forbidden, HubError
from kiosk.hub.services import accounts, assist, events, fleet, requests, views
from kiosk.hub.services.accounts import Principal
from kiosk.protocol.assist import UnlockCodeOut
from kiosk.protocol.common import ErrorOut
from kiosk.protocol.kiosk import QuickMessageOut
from kiosk.protocol.staff import (
    DutyIn,
    DutyOut,
    HistoryItemOut,
    LoginIn,
    LoginOut,
    MessageIn,
    MoveIn,
    QueueItemOut,
    ResolveIn,
    StaffEventOut,
    StaffEventsOut,
    StaffKioskOut,
    StaffOut,
    StaffSiteOut,
)

router = APIRouter(
    prefix="/staff",
    tags=["staff"],
    responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
RequestId = Annotated[int, Path(ge=1, le=2**31 - 1)]
KioskId = Annotated[int, Path(ge=1, le=2**31 - 1)]
SiteFilter = Annotated[int | None, Query(ge=1, le=2**31 - 1)]


def _staff_out(who: Principal) -> StaffOut:
    return StaffOut(
        id=who.id,
        name=who.name,
        display_name=who.display_name,
        role=who.role,  # type: ignore[arg-type]
        site_ids=list(who.own_site_ids),
        disabled=False,
    )


@router.post("/login", response_model=LoginOut, responses={429: {"model": ErrorOut}})
async def login(body: LoginIn, hub: HubDep) -> JSONResponse:
    """Open a session. Failures are slowed down, then the name is locked for a while."""
    sec = hub.settings.security

    def attempt() -> tuple[LoginOut | None, HubError | None, float]:
        with hub.sessions() as db:
            delay = accounts.failure_delay(db, body.name)
            try:
                staff, token, session = accounts.login(
                    db,
                    hub.hasher,
                    sec,
                    now=hub.clock(),
                    name=body.name,
                    password=body.password,
                    dummy=hub.dummy_hash,
                )
            except HubError as exc:
                db.commit()  # keep the failure count
                return None, exc, delay
            who = Principal(
                staff.id,
                staff.name,
                staff.display_name,
                staff.role,
                tuple(accounts.site_ids_of(db, staff.id)),
                session.id,
                session.csrf_token,
            )
            out = LoginOut(
                token=token,
                csrf_token=session.csrf_token,
                expires_at=session.expires_at,
                idle_timeout_seconds=sec.session_idle_minutes * 60,
                staff=_staff_out(who),
            )
            db.commit()
            return out, None, 0.0

    out, error, delay = await run_in_threadpool(attempt)
    if error is not None:
        # Why: asyncio.sleep holds no thread, so slowing an attacker costs the hub nothing.
        await asyncio.sleep(delay)
        raise error
    assert out is not None
    response = JSONResponse(out.model_dump(mode="json"))
    response.set_cookie(
        SESSION_COOKIE,
        out.token,
        max_age=sec.session_max_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=sec.cookie_secure,
        path="/",
    )
    return response


@router.post("/logout", status_code=204)
def logout(who: StaffUser, hub: HubDep, db: Db) -> Response:
    accounts.logout(db, who, hub.clock())
    db.commit()
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", response_model=StaffOut)
def me(who: StaffUser) -> StaffOut:
    return _staff_out(who)


@router.get("/sites", response_model=list[StaffSiteOut])
def my_sites(who: StaffUser, db: Db) -> list[StaffSiteOut]:
    out = []
    for site in fleet.list_sites(db, who.site_ids):
        helpers = fleet.helpers_on_duty(db, site.id)
        out.append(
            StaffSiteOut(
                id=site.id,
                name=site.name,
                guidance_hours=site.guidance_hours,
                escalation_minutes=site.escalation_minutes,
                quick_messages=[QuickMessageOut(**m) for m in site.quick_messages],
                helpers_on_duty=helpers,
                i_am_on_duty=who.display_name in helpers and who.serves(site.id),
            )
        )
    return out


def _scope(who: Principal, site_id: int | None) -> list[int] | None:
    if site_id is None:
        return who.site_ids
    if not who.serves(site_id):
        raise Forbidden("You do not serve this site.")
    return [site_id]


@router.get("/queue", response_model=list[QueueItemOut])
def queue(who: StaffUser, hub: HubDep, db: Db, site_id: SiteFilter = None) -> list[QueueItemOut]:
    """Open requests of the caller's sites in the order to serve."""
    now = hub.clock()
    rows = requests.queue(db, _scope(who, site_id), escalated_only=who.escalated_only)
    return [views.queue_item(db, r, now) for r in rows]


@router.get("/history", response_model=list[HistoryItemOut])
def history(
    who: StaffUser, hub: HubDep, db: Db, site_id: SiteFilter = None
) -> list[HistoryItemOut]:
    now = hub.clock()
    rows = requests.history(db, _scope(who, site_id), now=now, escalated_only=who.escalated_only)
    return [views.history_item(db, r, now) for r in rows]


def _act(hub: Hub, db: Db, req) -> QueueItemOut:  # type: ignore[no-untyped-def]
    out = views.queue_item(db, req, hub.clock())
    db.commit()
    return out


@router.post(
    "/requests/{request_id}/claim",
    response_model=QueueItemOut,
    responses={409: {"model": ErrorOut}},
)
def claim(request_id: RequestId, who: StaffUser, hub: HubDep, db: Db) -> QueueItemOut:
    """Take a request. Of simultaneous claims exactly one wins; the others get 409 naming who."""
    return _act(hub, db, requests.claim(db, who, request_id, now=hub.clock()))


@router.post(
    "/requests/{request_id}/release",
    response_model=QueueItemOut,
    responses={409: {"model": ErrorOut}},
)
def release(request_id: RequestId, who: StaffUser, hub: HubDep, db: Db) -> QueueItemOut:
    return _act(hub, db, requests.release(db, who, request_id, now=hub.clock()))


@router.post(
    "/requests/{request_id}/move", response_model=QueueItemOut, responses={409: {"model": ErrorOut}}
)
def move(request_id: RequestId, body: MoveIn, who: StaffUser, hub: HubDep, db: Db) -> QueueItemOut:
    return _act(hub, db, requests.move(db, who, request_id, body.site_id, now=hub.clock()))


@router.post(
    "/requests/{request_id}/message",
    status_code=204,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
)
def message(
    request_id: RequestId, body: MessageIn, who: StaffUser, hub: HubDep, db: Db
) -> Response:
    requests.message(db, who, request_id, body.key, now=hub.clock())
    db.commit()
    return Response(status_code=204)


@router.post(
    "/requests/{request_id}/resolve",
    response_model=HistoryItemOut,
    responses={409: {"model": ErrorOut}},
)
def resolve(
    request_id: RequestId, body: ResolveIn, who: StaffUser, hub: HubDep, db: Db
) -> HistoryItemOut:
    """Close a taken request with its outcome; volunteers may not record on-behalf."""
    now = hub.clock()
    req = requests.resolve(db, who, request_id, body.model_dump(), now=now)
    out = views.history_item(db, req, now)
    db.commit()
    return out


@router.post("/duty", response_model=DutyOut)
def duty(body: DutyIn, who: StaffUser, hub: HubDep, db: Db) -> DutyOut:
    if who.escalated_only:
        # Why: the kiosk's home screen would say a helper is at the desk; regional staff are not.
        raise Forbidden("Regional staff do not go on duty at a site's desk.")
    helpers = fleet.set_duty(
        db,
        now=hub.clock(),
        staff_id=who.id,
        serves=who.serves(body.site_id),
        site_id=body.site_id,
        on_duty=body.on_duty,
    )
    db.commit()
    return DutyOut(site_id=body.site_id, on_duty=body.on_duty, helpers_on_duty=helpers)


@router.get("/kiosks", response_model=list[StaffKioskOut])
def my_kiosks(who: StaffUser, hub: HubDep, db: Db) -> list[StaffKioskOut]:
    """The kiosks of the caller's sites (admin: all), to unlock one for assisted mode."""
    return views.staff_kiosks(db, who.site_ids, hub.presence, hub.clock(), hub.settings.assist)


@router.post(
    "/kiosks/{kiosk_id}/unlock-code",
    status_code=201,
    response_model=UnlockCodeOut,
    responses={404: {"model": ErrorOut}},
)
def unlock_code(kiosk_id: KioskId, who: StaffUser, hub: HubDep, db: Db) -> JSONResponse:
    """A fresh six-digit code that switches this one kiosk into assisted mode for the caller;
    valid ``assist.unlock_code_minutes``, once. Shown only in this answer (never cached)."""
    code, kiosk, expires = assist.create_code(
        db,
        hub.hasher,
        who,
        kiosk_id,
        now=hub.clock(),
        minutes=hub.settings.assist.unlock_code_minutes,
    )
    out = UnlockCodeOut(kiosk_id=kiosk.id, place=kiosk.place, code=code, expires_at=expires)
    db.commit()
    return JSONResponse(
        out.model_dump(mode="json"), status_code=201, headers={"Cache-Control": "no-store"}
    )


def _staff_keys(who: Principal) -> list[str]:
    return ["all"] if who.site_ids is None else [f"site:{s}" for s in who.own_site_ids]


def _reader(hub: Hub, who: Principal, after: int):  # type: ignore[no-untyped-def]
    keys = _staff_keys(who)

    def read(engine: Engine) -> tuple[list, int, list[str]]:  # type: ignore[type-arg]
        with engine.connect() as conn:
            rows, last = events.for_staff(conn, who.site_ids, after)
            return _staff_view(who, rows), last, keys

    return read


def _fresh(who: Principal) -> Fresh[StaffEventOut]:
    """The same events as :func:`_reader` of rows published on the bus (see ``long_poll``)."""

    def fresh(rows: list[Any]) -> list[StaffEventOut]:
        return _staff_view(who, [r for r in rows if events.staff_sees(r, who.site_ids)])

    return fresh


def _staff_view(who: Principal, rows: list[Any]) -> list[StaffEventOut]:
    found = [views.staff_event(r) for r in rows]
    if who.escalated_only:
        found = [e for e in found if e.request is None or e.request.escalated]
    return found


@router.get("/events", response_model=StaffEventsOut)
async def staff_events(
    who: StaffIdentity,
    hub: HubDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    wait: Annotated[float, Query(ge=0, le=60)] = 25,
) -> Response:
    """Long poll: staff events of the caller's sites after ``after``.

    Answered as JSON text from the model itself (the same bytes FastAPI's response model
    rendering gives, without its validate-again and dump-again: this answer is the end of the
    kiosk's button -> readable by staff, which the benchmark times)."""
    wait = min(wait, hub.settings.events.long_poll_seconds)
    found, last = await long_poll(hub, _reader(hub, who, after), wait, _fresh(who))
    body = StaffEventsOut(events=found, last_seq=last).model_dump_json()
    return Response(body, media_type="application/json")


@router.get("/events/stream", response_class=StreamingResponse)
async def staff_stream(
    request: Request,
    who: StaffIdentity,
    hub: HubDep,
    after: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Server-sent events: one ``data:`` line of StaffEventOut JSON per event, ``id:`` = seq."""
    cursor = after
    if cursor is None and last_event_id and last_event_id.isdigit():
        cursor = int(last_event_id)
    if cursor is None:
        cursor = await run_in_threadpool(_latest, hub)

    async def stream(cursor: int) -> AsyncIterator[str]:
        keepalive = hub.settings.events.stream_keepalive_seconds
        yield f"retry: 1000\n: connected at {cursor}\n\n"
        while not await request.is_disconnected():
            if not await run_in_threadpool(_session_alive, hub, request):
                yield "event: logged-out\ndata: {}\n\n"
                return
            found, last = await long_poll(hub, _reader(hub, who, cursor), keepalive, _fresh(who))
            for ev in found:
                yield f"id: {ev.seq}\nevent: {ev.type}\ndata: {ev.model_dump_json()}\n\n"
            if not found:
                yield ": keep-alive\n\n"
            cursor = last

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream(cursor), media_type="text/event-stream", headers=headers)


def _session_alive(hub: Hub, request: Request) -> bool:
    """Is the stream's session still valid (not logged out, idle, expired or disabled)?

    Watching the stream does not count as use: an open, untouched tab still times out.
    """
    token = bearer_token(request) or request.cookies.get(SESSION_COOKIE) or ""
    with hub.readers() as db:
        try:
            accounts.authenticate(
                db, hub.settings.security, token, hub.clock(), hub.presence, touch=False
            )
        except HubError:
            return False
    return True


def _latest(hub: Hub) -> int:
    with hub.readers() as db:
        return events.last_seq(db)
