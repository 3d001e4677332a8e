"""Routes for a kiosk in assisted mode (issue #8; wire models in ``kiosk.protocol.assist``):
unlock by card, number or code; the helper's actions for the audit log; and taking over or
resolving the kiosk's own help request as the helper at the kiosk."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Path, Request, Response
from sqlalchemy.orm import Session

from kiosk.hub.api.v1 import idempotency
from kiosk.hub.api.v1.deps import Db, HubDep, KioskAuth, bearer_token, in_write_turn
from kiosk.hub.api.v1.kiosk import kiosk_view
from kiosk.hub.errors import Forbidden, HubError, Unauthorized
from kiosk.hub.services import assist, fleet, requests
from kiosk.hub.services.fleet import KioskRef
from kiosk.protocol.assist import (
    AssistActionIn,
    AssistActionOut,
    AssistClaimIn,
    AssistResolveIn,
    AssistUnlockIn,
    AssistUnlockOut,
)
from kiosk.protocol.common import ON_BEHALF_ROLES, ErrorOut
from kiosk.protocol.kiosk import KioskRequestOut

router = APIRouter(
    prefix="/kiosk/assist",
    tags=["kiosk", "assist"],
    responses={401: {"model": ErrorOut}, 403: {"model": ErrorOut}, 422: {"model": ErrorOut}},
)
RequestId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _token(request: Request) -> str:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized("A kiosk token is needed: send 'Authorization: Bearer <token>'.")
    return token


@router.post(
    "/unlock",
    response_model=AssistUnlockOut,
    responses={429: {"model": ErrorOut}},
)
async def unlock(body: AssistUnlockIn, request: Request, hub: HubDep) -> AssistUnlockOut:
    """Switch this kiosk into assisted mode for a staff member; every attempt is audited.

    The PIN or code is verified outside any write transaction (argon2 takes tens of ms), then
    the outcome is written in a short one.
    """
    token = _token(request)

    def check() -> assist.Attempt:
        with hub.readers() as db:
            kiosk = fleet.kiosk_by_token(db, token)
            fields = body.model_dump()
            return assist.check(db, hub.hasher, hub.dummy_hash, kiosk, fields, hub.clock())

    attempt = await to_thread.run_sync(check)

    def finish() -> AssistUnlockOut:
        with hub.sessions() as db:
            try:
                session, staff = assist.finish(db, hub.settings.assist, attempt, hub.clock())
            except HubError:
                db.commit()  # the audit entry and the failure count stay
                raise
            out = AssistUnlockOut(
                assist_id=session.id,
                staff_id=staff.id,
                display_name=staff.display_name,
                role=staff.role,  # type: ignore[arg-type]
                on_behalf_allowed=staff.role in ON_BEHALF_ROLES,
                maintenance_allowed=staff.role == "admin",
            )
            db.commit()
            return out

    return await in_write_turn(hub, finish)


@router.post(
    "/actions",
    status_code=201,
    response_model=AssistActionOut,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
)
async def action(
    body: AssistActionIn, key: idempotency.IdemKey, request: Request, hub: HubDep
) -> Response:
    """Audit one thing the helper did at this kiosk, exactly once per ``Idempotency-Key``."""
    token = _token(request)
    hashed = idempotency.body_hash("assist-action\n" + body.model_dump_json())

    def work(db: Session, kiosk: KioskRef, now: datetime) -> tuple[int, str]:
        try:
            audit_id = assist.record_action(db, kiosk, body.model_dump(), now=now)
        except Forbidden as exc:
            # Kept and replayed like an answer: the refusal is audited once, not per retry.
            return 403, ErrorOut(detail=exc.user_message).model_dump_json()
        return 201, AssistActionOut(audit_id=audit_id).model_dump_json()

    return await in_write_turn(hub, lambda: idempotency.run_once(hub, token, key, hashed, work))


@router.post(
    "/requests/{request_id}/claim",
    response_model=KioskRequestOut,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
)
def claim(
    request_id: RequestId, body: AssistClaimIn, kiosk: KioskAuth, hub: HubDep, db: Db
) -> KioskRequestOut:
    """The helper at the kiosk takes over this kiosk's own help request (as on the dashboard:
    the same events reach dashboards and the kiosk). Taking one's own again is a no-op."""
    now = hub.clock()
    max_hours = hub.settings.security.session_max_hours
    who = assist.helper_of(db, kiosk, body.assist_id, now=now, max_hours=max_hours)
    req = requests.get_for_kiosk(db, kiosk, request_id)
    if not (req.state == "claimed" and req.helper_id == who.id):
        req = requests.claim(db, who, request_id, now=now, assist_id=body.assist_id)
    out = kiosk_view(hub, db, req)
    db.commit()
    return out


@router.post(
    "/requests/{request_id}/resolve",
    response_model=KioskRequestOut,
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
)
def resolve(
    request_id: RequestId, body: AssistResolveIn, kiosk: KioskAuth, hub: HubDep, db: Db
) -> KioskRequestOut:
    """The helper at the kiosk resolves this kiosk's own request with its outcome; a waiting
    request is taken first. On-behalf only for staff, regional staff and admins."""
    now = hub.clock()
    max_hours = hub.settings.security.session_max_hours
    who = assist.helper_of(db, kiosk, body.assist_id, now=now, max_hours=max_hours)
    req = requests.get_for_kiosk(db, kiosk, request_id)
    requests.check_on_behalf(who, body.on_behalf)
    if req.state == "waiting":
        requests.claim(db, who, request_id, now=now, assist_id=body.assist_id)
    outcome = body.model_dump(exclude={"assist_id"})
    req = requests.resolve(db, who, request_id, outcome, now=now, assist_id=body.assist_id)
    out = kiosk_view(hub, db, req)
    db.commit()
    return out
