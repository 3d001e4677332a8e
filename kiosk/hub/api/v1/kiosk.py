"""Routes for kiosks: enrolment, heartbeat, help requests and the kiosk's event long poll."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy import Connection, Engine, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kiosk.hub.api.v1 import idempotency
from kiosk.hub.api.v1.deps import Db, HubDep, KioskAuth, bearer_token, in_write_turn
from kiosk.hub.api.v1.longpoll import Fresh, Read, long_poll
from kiosk.hub.context import Hub
from kiosk.hub.errors import Unauthorized
from kiosk.hub.lite import LoopWriter
from kiosk.hub.models import HelpRequest, Kiosk
from kiosk.hub.services import events, fleet, requests, views
from kiosk.protocol.common import ErrorOut
from kiosk.protocol.kiosk import (
    EnrolIn,
    EnrolOut,
    HeartbeatIn,
    HeartbeatOut,
    HelpRequestIn,
    KioskEventOut,
    KioskEventsOut,
    KioskRequestOut,
)

router = APIRouter(responses={401: {"model": ErrorOut}, 422: {"model": ErrorOut}})
RequestId = Annotated[int, Path(ge=1, le=2**31 - 1)]
IdemKey = idempotency.IdemKey


@router.post("/enrol", status_code=201, response_model=EnrolOut, tags=["kiosk"])
def enrol(body: EnrolIn, hub: HubDep, db: Db) -> EnrolOut:
    """Exchange a one-time enrolment code for this kiosk's own token (shown only here)."""
    kiosk, token, site = fleet.enrol(
        db, now=hub.clock(), code=body.code, app_version=body.app_version
    )
    out = EnrolOut(
        kiosk_id=kiosk.id, token=token, site_id=site.id, site_name=site.name, place=kiosk.place
    )
    db.commit()
    return out


@router.post("/kiosk/heartbeat", response_model=HeartbeatOut, tags=["kiosk"])
async def heartbeat(body: HeartbeatIn, request: Request, hub: HubDep) -> HeartbeatOut:
    """Read-only on the database unless the kiosk's version or packs changed.

    Its common case is answered by ``hot.HotPaths`` (the same functions, without FastAPI)."""
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("A kiosk token is needed: send 'Authorization: Bearer <token>'.")
    out, kiosk_id, changes = await hub.read(lambda engine: heartbeat_read(hub, engine, token, body))
    if changes:
        await in_write_turn(hub, lambda: heartbeat_write(hub, kiosk_id, changes))
    return out


def heartbeat_read(
    hub: Hub, engine: Engine, token: str, body: HeartbeatIn
) -> tuple[HeartbeatOut, int, dict[str, Any]]:
    """One statement: the token checked (401), what the kiosk shows, and what to write."""
    now = hub.clock()
    with engine.connect() as conn:
        view = fleet.heartbeat_view(conn, token)
    kiosk = view.kiosk
    hub.presence.kiosk_seen(kiosk.id, now)
    out = HeartbeatOut(
        server_time=now,
        site_name=view.site_name,
        place=kiosk.place,
        helper_on_duty=view.helper_on_duty,
        guidance_hours=view.guidance_hours,
        last_event_seq=view.last_seq,
    )
    return out, kiosk.id, fleet.heartbeat_changes(kiosk, body.app_version, body.pack_versions)


def heartbeat_write(hub: Hub, kiosk_id: int, changes: dict[str, Any]) -> None:
    with hub.transaction() as db:
        db.execute(update(Kiosk).where(Kiosk.id == kiosk_id).values(**changes))


def kiosk_view(hub: Hub, db: Session, req: HelpRequest) -> KioskRequestOut:
    """A request as its kiosk sees it (place in the queue, rough expected wait)."""
    return views.kiosk_request(
        db,
        req,
        position=requests.position(db, req),
        wait_per_person=hub.settings.requests.average_help_minutes * 60,
        helpers=len(fleet.helpers_on_duty(db, req.site_id)),
    )


@router.post(
    "/kiosk/requests",
    status_code=201,
    response_model=KioskRequestOut,
    responses={409: {"model": ErrorOut}},
    tags=["kiosk"],
)
async def create_request(
    body: HelpRequestIn, key: IdemKey, request: Request, hub: HubDep
) -> Response:
    """Create a help request, exactly once per ``Idempotency-Key`` (later calls replay it).

    The whole call (token check included) is one transaction, on SQLite on the event loop (see
    :func:`press_button`): this is the visitor's button, the path the benchmark times. Its
    common case is answered by ``hot.HotPaths`` (the same function, without FastAPI).
    """
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("A kiosk token is needed: send 'Authorization: Bearer <token>'.")
    return await press_button(hub, token, body, key)


async def press_button(hub: Hub, token: str, body: HelpRequestIn, key: str) -> Response:
    """The create call in the writers' turn: on SQLite on the event loop itself when the loop
    writer can take the turn at once (``lite.LoopWriter``), else in a worker thread."""
    writer = hub.loop_writer
    if writer is None or hub.write_gate is None:
        return await in_write_turn(hub, lambda: create_call(hub, token, body, key))
    async with hub.write_gate:
        if not writer.begin():
            return await run_in_threadpool(create_call, hub, token, body, key)
        try:
            response = create_in(hub, writer, token, body, key)
        finally:
            writer.rollback()  # after a commit nothing is left to roll back: only the turn
    writer.checkpoint_soon(hub.write_gate)
    return response


def create_call(hub: Hub, token: str, body: HelpRequestIn, key: str) -> Response:
    """:func:`create_in` on a connection of the engine (a worker thread's path)."""
    with hub.engine.connect() as conn:
        return create_in(hub, conn, token, body, key)


def create_in(
    hub: Hub, conn: Connection | LoopWriter, token: str, body: HelpRequestIn, key: str
) -> Response:
    """Authenticate, then replay the key's stored answer or create the request and store
    its answer, in one transaction of Core statements (``requests.create_once``) on ``conn``;
    staff and the kiosk are woken once it is committed."""
    hashed = idempotency.body_hash(body.model_dump_json())
    try:
        answer, keys, rows = requests.create_once(
            conn,
            token=token,
            key=key,
            hashed=hashed,
            body=body.model_dump(),
            clock=hub.clock,
            wait_per_person=hub.settings.requests.average_help_minutes * 60,
        )
        conn.commit()
    except IntegrityError:
        # The same key arrived twice at once and the other call won: answer as it did.
        conn.rollback()
        stored = requests.stored_answer(conn, fleet.kiosk_by_token(conn, token).id, key)
        if stored is None:
            raise
        answer, keys, rows = stored, [], []
    if keys:
        hub.bus.publish(set(keys), rows)
    if answer.replayed:
        return idempotency.replay(answer, hashed)
    return Response(answer.body, status_code=answer.status_code, media_type="application/json")


@router.get(
    "/kiosk/requests/{request_id}",
    response_model=KioskRequestOut,
    responses={404: {"model": ErrorOut}},
    tags=["kiosk"],
)
def read_request(request_id: RequestId, kiosk: KioskAuth, hub: HubDep, db: Db) -> KioskRequestOut:
    return kiosk_view(hub, db, requests.get_for_kiosk(db, kiosk, request_id))


@router.post(
    "/kiosk/requests/{request_id}/cancel",
    response_model=KioskRequestOut,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
    tags=["kiosk"],
)
def cancel_request(request_id: RequestId, kiosk: KioskAuth, hub: HubDep, db: Db) -> KioskRequestOut:
    req = requests.cancel(db, kiosk, request_id, now=hub.clock())
    out = kiosk_view(hub, db, req)
    db.commit()
    return out


@router.get("/kiosk/events", response_model=KioskEventsOut, tags=["kiosk"])
async def kiosk_events(
    request: Request,
    hub: HubDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    wait: Annotated[float, Query(ge=0, le=60)] = 25,
) -> KioskEventsOut:
    """Long poll: events for this kiosk after ``after``; waits up to ``wait`` seconds.

    Its common case is answered by ``hot.HotPaths`` (the same functions, without FastAPI)."""
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("A kiosk token is needed: send 'Authorization: Bearer <token>'.")
    wait = min(wait, hub.settings.events.long_poll_seconds)
    read, fresh = kiosk_events_reader(hub, token, after)
    found, last = await long_poll(hub, read, wait, fresh)
    return KioskEventsOut(events=found, last_seq=last)


def kiosk_events_reader(
    hub: Hub, token: str, after: int
) -> tuple[Read[KioskEventOut], Fresh[KioskEventOut]]:
    """The long poll's read, and its view of rows published on the bus (see ``long_poll``).

    The token is checked in the first read (401), not in a dependency, so a waiting kiosk
    holds no connection; ``long_poll`` always reads first, so ``fresh`` knows the kiosk."""
    known: list[fleet.KioskRef] = []

    def read(engine: Engine) -> tuple[list[KioskEventOut], int, list[str]]:
        with engine.connect() as conn:
            upto = None
            if not known:
                kiosk, upto = fleet.kiosk_and_last_seq(conn, token)
                known.append(kiosk)
            kiosk = known[0]
            rows, last = events.for_kiosk(conn, kiosk, after, upto=upto)
        keys = [f"kiosk:{kiosk.id}", f"site-kiosks:{kiosk.site_id}"]
        return [views.kiosk_event(r) for r in rows], last, keys

    def fresh(rows: list[Any]) -> list[KioskEventOut]:
        return [views.kiosk_event(r) for r in rows if events.kiosk_sees(r, known[0])]

    return read, fresh
