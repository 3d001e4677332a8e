"""Routes for kiosks: enrolment, heartbeat, help requests and the kiosk's event long poll."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy import update
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kiosk.hub.api.v1 import idempotency
from kiosk.hub.api.v1.deps import Db, HubDep, KioskAuth, bearer_token
from kiosk.hub.api.v1.longpoll import long_poll
from kiosk.hub.context import Hub
from kiosk.hub.errors import Unauthorized
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
    """Read-only on the database unless the kiosk's version or packs changed."""
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("A kiosk token is needed: send 'Authorization: Bearer <token>'.")

    def read() -> tuple[HeartbeatOut, int, dict[str, Any]]:
        now = hub.clock()
        with hub.readers() as db:
            kiosk = fleet.kiosk_by_token(db, token)
            site_name, guidance_hours = fleet.site_summary(db, kiosk.site_id)
            hub.presence.kiosk_seen(kiosk.id, now)
            out = HeartbeatOut(
                server_time=now,
                site_name=site_name,
                place=kiosk.place,
                helper_on_duty=bool(fleet.helpers_on_duty(db, kiosk.site_id)),
                guidance_hours=guidance_hours,
                last_event_seq=events.last_seq(db),
            )
            changes = fleet.heartbeat_changes(kiosk, body.app_version, body.pack_versions)
            return out, kiosk.id, changes

    out, kiosk_id, changes = await to_thread.run_sync(read)
    if changes:

        def write() -> None:
            with hub.transaction() as db:
                db.execute(update(Kiosk).where(Kiosk.id == kiosk_id).values(**changes))

        if hub.write_gate is None:
            await run_in_threadpool(write)
        else:
            async with hub.write_gate:
                await run_in_threadpool(write)
    return out


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

    The whole call (token check included) runs in one worker-thread hop and one transaction:
    this is the visitor's button, the path the benchmark times.
    """
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("A kiosk token is needed: send 'Authorization: Bearer <token>'.")
    if hub.write_gate is None:
        return await to_thread.run_sync(_create, hub, token, body, key)
    async with hub.write_gate:
        return await to_thread.run_sync(_create, hub, token, body, key)


def _create(hub: Hub, token: str, body: HelpRequestIn, key: str) -> Response:
    def work(db: Session, kiosk: fleet.KioskRef, now: datetime) -> tuple[int, str]:
        req = requests.create(db, kiosk, body.model_dump(), now=now)
        return 201, kiosk_view(hub, db, req).model_dump_json()

    return idempotency.run_once(
        hub, token, key, idempotency.body_hash(body.model_dump_json()), work
    )


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
    """Long poll: events for this kiosk after ``after``; waits up to ``wait`` seconds."""
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("A kiosk token is needed: send 'Authorization: Bearer <token>'.")
    known: list[fleet.KioskRef] = []

    def read() -> tuple[list[KioskEventOut], int, list[str]]:
        # Why: the token is checked in the first read's session, not in a dependency, so a
        # waiting kiosk costs one worker-thread hop and holds no database connection.
        with hub.readers() as db:
            if not known:
                known.append(fleet.kiosk_by_token(db, token))
            kiosk = known[0]
            rows, last = events.for_kiosk(db, kiosk, after)
            keys = [f"kiosk:{kiosk.id}", f"site-kiosks:{kiosk.site_id}"]
            return [views.kiosk_event(r) for r in rows], last, keys

    wait = min(wait, hub.settings.events.long_poll_seconds)
    found, last = await long_poll(hub, read, wait)
    return KioskEventsOut(events=found, last_seq=last)
