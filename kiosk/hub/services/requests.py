"""The help-request life cycle: waiting -> claimed -> resolved, or cancelled / expired.

Every state change is a conditional UPDATE guarded by the state it expects, so concurrent
changes (two claims, a claim racing a cancel, two instances sweeping) have exactly one winner on
SQLite and PostgreSQL alike. Each change emits an event for the kiosk and for staff.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Connection, bindparam, func, insert, or_, select, update
from sqlalchemy.orm import Session

from kiosk.hub.errors import Conflict, Forbidden, NotFound
from kiosk.hub.lite import LoopWriter
from kiosk.hub.models import (
    DutyRecord,
    HelpRequest,
    IdempotencyRecord,
    Kiosk,
    Site,
    Staff,
    table_of,
)
from kiosk.hub.security import token_hash
from kiosk.hub.services import audit, events, fleet, views
from kiosk.hub.services.accounts import Principal
from kiosk.hub.services.fleet import KioskRef
from kiosk.protocol.common import ON_BEHALF_ROLES
from kiosk.protocol.staff import QueueItemOut

OPEN = ("waiting", "claimed")


def create(db: Session, kiosk: KioskRef, body: dict[str, Any], *, now: datetime) -> HelpRequest:
    """A new waiting request from ``kiosk``, dated back by the time it spent in the outbox.

    The readable reference of what the help button does; the button itself takes
    :func:`create_once` (Core statements), which a test checks against this."""
    req = HelpRequest(**_waiting(kiosk, body, now))
    db.add(req)
    db.flush()
    _emit(db, req, "created", now, kiosk_side=False)
    return req


def _waiting(kiosk: KioskRef, body: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The columns of a new waiting request from ``kiosk``: ``body``'s context, dated back
    by the time it spent in the kiosk's outbox (``outbox_seconds``, not stored itself)."""
    fields = dict(body)
    outbox = int(fields.pop("outbox_seconds", 0))
    return dict(
        site_id=kiosk.site_id,
        kiosk_id=kiosk.id,
        place=kiosk.place,
        state="waiting",
        created_at=now - timedelta(seconds=outbox),
        **fields,
    )


@dataclass(frozen=True)
class Answer:
    """A create call's answer as stored for its idempotency key: status and JSON text, and
    the hash of the request body it answered; ``replayed`` when it was stored before."""

    status_code: int
    body: str
    request_hash: str
    replayed: bool = False


_HELPERS = (
    select(func.count())
    .select_from(DutyRecord)
    .join(Staff, Staff.id == DutyRecord.staff_id)
    .where(
        DutyRecord.site_id == Kiosk.site_id,
        DutyRecord.on_duty.is_(True),
        Staff.disabled.is_(False),
    )
    .scalar_subquery()
)
# Built once (see fleet._BY_TOKEN): the kiosk by its token, its site's name, the helpers on
# duty there and the stored answer to this idempotency key, if any, in one statement.
_CREATE_CONTEXT = (
    select(
        *fleet.KIOSK_COLUMNS,
        Site.name.label("site_name"),
        _HELPERS.label("helpers"),
        IdempotencyRecord.request_hash,
        IdempotencyRecord.status_code,
        IdempotencyRecord.body,
    )
    .join(Site, Site.id == Kiosk.site_id)
    .outerjoin(
        IdempotencyRecord,
        (IdempotencyRecord.kiosk_id == Kiosk.id) & (IdempotencyRecord.key == bindparam("key")),
    )
    .where(Kiosk.token_hash == bindparam("token_hash"))
)
_STORED = select(
    IdempotencyRecord.request_hash, IdempotencyRecord.status_code, IdempotencyRecord.body
).where(
    IdempotencyRecord.kiosk_id == bindparam("kiosk_id"), IdempotencyRecord.key == bindparam("key")
)
_INSERT_REQUEST = insert(table_of(HelpRequest))
_INSERT_ANSWER = insert(table_of(IdempotencyRecord))
_created = bindparam("created_at", type_=table_of(HelpRequest).c.created_at.type)
_POSITION = (
    select(func.count())
    .select_from(HelpRequest)
    .where(
        HelpRequest.site_id == bindparam("site_id"),
        HelpRequest.state == "waiting",
        or_(
            HelpRequest.created_at < _created,
            (HelpRequest.created_at == _created) & (HelpRequest.id < bindparam("id")),
        ),
    )
)


def _new_request(request_id: int, values: dict[str, Any]) -> HelpRequest:
    """The request just inserted, as the views read it: ``values`` and ``id``, and None for every
    column the insert left out (the later life-cycle fields: escalated, claimed, ..., message).

    A plain namespace, not a transient ORM object: the views only read attributes, and under
    the fleet's load building the ORM instance cost ~0.1 ms of the visitor's button (timed in
    the hub); tests check the views' output against the ORM path's."""
    fields = dict.fromkeys(_LATER_FIELDS)
    fields.update(values, id=request_id)
    return cast(HelpRequest, SimpleNamespace(**fields))


# What a new request's views read that its insert does not set (all None until later).
_LATER_FIELDS = (
    "escalated_at",
    "claimed_at",
    "resolved_at",
    "cancelled_at",
    "expired_at",
    "last_message",
)


def create_once(
    conn: Connection | LoopWriter,
    *,
    token: str,
    key: str,
    hashed: str,
    body: dict[str, Any],
    clock: Callable[[], datetime],
    wait_per_person: float,
) -> tuple[Answer, list[str], list[events.EventRow]]:
    """The visitor's button: a new waiting request from the kiosk holding ``token`` (401
    otherwise), exactly once per ``key``, in the caller's transaction (not committed here).

    The same rows, event and answer as :func:`create` with ``kiosks.py``'s view and
    ``idempotency.run_once``, in a handful of prebuilt Core statements instead of an ORM
    session (several times cheaper: this is the path the benchmark times). ``conn`` is a Core
    connection, or on SQLite the loop writer (the same statements as raw DB-API calls). Returns
    the answer, and the wake-up keys and event rows to publish after the commit.
    """
    found = conn.execute(_CREATE_CONTEXT, {"token_hash": token_hash(token), "key": key}).first()
    kiosk = fleet.kiosk_ref(found)
    assert found is not None
    if found.request_hash is not None:
        return Answer(found.status_code, found.body, found.request_hash, replayed=True), [], []
    now = clock()
    values = _waiting(kiosk, body, now)
    (request_id,) = conn.execute(_INSERT_REQUEST, values).inserted_primary_key  # type: ignore[misc]
    req = _new_request(request_id, values)
    staff = QueueItemOut(**views.queue_fields(req, found.site_name, None, now))
    keys, event = events.emit_core(
        conn,
        type="created",
        now=now,
        site_id=req.site_id,
        kiosk_id=req.kiosk_id,
        request_id=request_id,
        staff_payload={"request": staff.model_dump(mode="json"), "detail": {}},
    )
    ahead = conn.execute(
        _POSITION, {"site_id": req.site_id, "created_at": req.created_at, "id": request_id}
    ).scalar_one()
    text = views.kiosk_request_of(
        req,
        position=int(ahead) + 1,
        wait_per_person=wait_per_person,
        helpers=int(found.helpers),
        helper=None,
    ).model_dump_json()
    conn.execute(
        _INSERT_ANSWER,
        {
            "kiosk_id": kiosk.id,
            "key": key,
            "request_hash": hashed,
            "status_code": 201,
            "body": text,
            "created_at": now,
        },
    )
    return Answer(201, text, hashed), keys, [event]


def stored_answer(conn: Connection | LoopWriter, kiosk_id: int, key: str) -> Answer | None:
    """The stored answer to ``key`` (after losing a race to store it), if any."""
    row = conn.execute(_STORED, {"kiosk_id": kiosk_id, "key": key}).first()
    if row is None:
        return None
    return Answer(row.status_code, row.body, row.request_hash, replayed=True)


def get_for_kiosk(db: Session, kiosk: KioskRef, request_id: int) -> HelpRequest:
    """The kiosk's own request; another kiosk's is "not found" (no probing)."""
    req = db.get(HelpRequest, request_id)
    if req is None or req.kiosk_id != kiosk.id:
        raise NotFound(f"This kiosk has no help request {request_id}.")
    return req


def get_for_staff(db: Session, who: Principal, request_id: int) -> HelpRequest:
    req = db.get(HelpRequest, request_id)
    if req is None:
        raise NotFound(f"No help request {request_id}.")
    if not who.serves(req.site_id):
        raise Forbidden("This request is at a site you do not serve.")
    if who.escalated_only and req.escalated_at is None:
        raise Forbidden("Regional staff act only on requests that waited past their site's limit.")
    return req


def position(db: Session, req: HelpRequest) -> int | None:
    """1-based place in its site's waiting queue, None when not waiting."""
    if req.state != "waiting":
        return None
    ahead = db.scalar(
        select(func.count())
        .select_from(HelpRequest)
        .where(
            HelpRequest.site_id == req.site_id,
            HelpRequest.state == "waiting",
            or_(
                HelpRequest.created_at < req.created_at,
                (HelpRequest.created_at == req.created_at) & (HelpRequest.id < req.id),
            ),
        )
    )
    return int(ahead or 0) + 1


def _transition(db: Session, req: HelpRequest, expect: tuple[str, ...], **values: Any) -> bool:
    """Apply ``values`` only if the row is still in one of ``expect``; True when it was."""
    result = db.execute(
        update(HelpRequest)
        .where(HelpRequest.id == req.id, HelpRequest.state.in_(expect))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.refresh(req)
    return result.rowcount == 1  # type: ignore[attr-defined]


def cancel(db: Session, kiosk: KioskRef, request_id: int, *, now: datetime) -> HelpRequest:
    req = get_for_kiosk(db, kiosk, request_id)
    if req.state == "cancelled":
        return req
    if not _transition(db, req, OPEN, state="cancelled", cancelled_at=now):
        raise Conflict(f"The request is already {req.state}; it cannot be cancelled.")
    _emit(db, req, "cancelled", now)
    return req


def claim(
    db: Session, who: Principal, request_id: int, *, now: datetime, **detail: Any
) -> HelpRequest:
    """Take a waiting request; ``detail`` goes to the audit entry (e.g. ``assist_id``)."""
    req = get_for_staff(db, who, request_id)
    if not _transition(db, req, ("waiting",), state="claimed", claimed_at=now, helper_id=who.id):
        if req.state == "claimed":
            holder = db.get(Staff, req.helper_id) if req.helper_id else None
            name = holder.display_name if holder else "someone else"
            raise Conflict(f"Already taken by {name}.")
        raise Conflict(f"The request is {req.state}; it can no longer be taken.")
    _emit(db, req, "claimed", now, helper=who.display_name)
    audit.record(db, now=now, staff_id=who.id, action="request.claim", **_where(req), **detail)
    return req


def _own_claim(db: Session, who: Principal, request_id: int) -> HelpRequest:
    req = get_for_staff(db, who, request_id)
    if req.state != "claimed":
        raise Conflict(f"The request is {req.state}, not taken.")
    if req.helper_id != who.id and who.role != "admin":
        raise Forbidden("Only the helper who took this request (or an admin) can do that.")
    return req


def release(db: Session, who: Principal, request_id: int, *, now: datetime) -> HelpRequest:
    req = _own_claim(db, who, request_id)
    if not _transition(db, req, ("claimed",), state="waiting", claimed_at=None, helper_id=None):
        raise Conflict(f"The request is {req.state}; it cannot be given back.")
    _emit(db, req, "released", now)
    audit.record(db, now=now, staff_id=who.id, action="request.release", **_where(req))
    return req


def move(
    db: Session, who: Principal, request_id: int, site_id: int, *, now: datetime
) -> HelpRequest:
    """Send an open request to another site's queue, waiting again there."""
    req = get_for_staff(db, who, request_id)
    if db.get(Site, site_id) is None:
        raise NotFound(f"No site with id {site_id}.")
    if site_id == req.site_id:
        raise Conflict("The request is already at that site.")
    old = req.site_id
    values = dict(site_id=site_id, state="waiting", claimed_at=None, helper_id=None)
    if not _transition(db, req, OPEN, **values):
        raise Conflict(f"The request is {req.state}; it cannot be moved.")
    _emit(db, req, "moved", now, other_site_id=old)
    audit.record(db, now=now, staff_id=who.id, action="request.move", from_site=old, **_where(req))
    return req


def message(
    db: Session, who: Principal, request_id: int, key: str, *, now: datetime
) -> dict[str, Any]:
    """Send one of the site's quick messages to the kiosk; returns it."""
    req = get_for_staff(db, who, request_id)
    if req.state not in OPEN:
        raise Conflict(f"The request is {req.state}; the visitor has left.")
    site = db.get(Site, req.site_id)
    found = next((m for m in (site.quick_messages if site else []) if m["key"] == key), None)
    if found is None:
        raise NotFound(f"The site has no quick message {key!r}; see GET /api/v1/staff/sites.")
    req.last_message = found
    db.flush()
    _emit(db, req, "message", now, message=found)
    audit.record(db, now=now, staff_id=who.id, action="request.message", key=key, **_where(req))
    return found


def check_on_behalf(who: Principal, on_behalf: bool) -> None:
    if on_behalf and who.role not in ON_BEHALF_ROLES:
        raise Forbidden("Volunteers never act on a visitor's behalf; only staff may record it.")


def resolve(
    db: Session,
    who: Principal,
    request_id: int,
    outcome: dict[str, Any],
    *,
    now: datetime,
    **detail: Any,
) -> HelpRequest:
    """Close a request the caller has taken, with its outcome; ``detail`` goes to the audit."""
    check_on_behalf(who, outcome["on_behalf"])
    req = _own_claim(db, who, request_id)
    if not _transition(db, req, ("claimed",), state="resolved", resolved_at=now, **outcome):
        raise Conflict(f"The request is {req.state}; it cannot be resolved.")
    _emit(db, req, "resolved", now)
    audit.record(db, now=now, staff_id=who.id, action="request.resolve", **_where(req), **detail)
    return req


def queue(
    db: Session, site_ids: list[int] | None, *, escalated_only: bool = False
) -> list[HelpRequest]:
    """Open requests in the order to serve: escalated first, then oldest first."""
    query = select(HelpRequest).where(HelpRequest.state.in_(OPEN))
    if site_ids is not None:
        query = query.where(HelpRequest.site_id.in_(site_ids))
    if escalated_only:
        query = query.where(HelpRequest.escalated_at.is_not(None))
    order = (HelpRequest.escalated_at.is_(None), HelpRequest.created_at, HelpRequest.id)
    return list(db.scalars(query.order_by(*order)))


def history(
    db: Session, site_ids: list[int] | None, *, now: datetime, escalated_only: bool = False
) -> list[HelpRequest]:
    """Today's requests (UTC day), newest first."""
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    query = select(HelpRequest).where(HelpRequest.created_at >= start)
    if site_ids is not None:
        query = query.where(HelpRequest.site_id.in_(site_ids))
    if escalated_only:
        query = query.where(HelpRequest.escalated_at.is_not(None))
    return list(db.scalars(query.order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())))


def sweep(db: Session, *, now: datetime, expire_minutes: int) -> int:
    """Expire requests waiting too long; flag those past their site's escalation limit.

    Returns how many requests changed. Safe to run in several instances at once.
    """
    changed = 0
    limit = now - timedelta(minutes=expire_minutes)
    for req in db.scalars(
        select(HelpRequest).where(HelpRequest.state == "waiting", HelpRequest.created_at <= limit)
    ).all():
        if _transition(db, req, ("waiting",), state="expired", expired_at=now):
            _emit(db, req, "expired", now)
            changed += 1
    rows = db.execute(
        select(HelpRequest, Site.escalation_minutes)
        .join(Site, Site.id == HelpRequest.site_id)
        .where(HelpRequest.state == "waiting", HelpRequest.escalated_at.is_(None))
    ).all()
    for req, minutes in rows:
        if req.created_at + timedelta(minutes=minutes) > now:
            continue
        done = db.execute(
            update(HelpRequest)
            .where(HelpRequest.id == req.id, HelpRequest.escalated_at.is_(None))
            .values(escalated_at=now)
            .execution_options(synchronize_session=False)
        )
        if done.rowcount == 1:  # type: ignore[attr-defined]
            db.refresh(req)
            _emit(db, req, "escalated", now)
            changed += 1
    return changed


def _where(req: HelpRequest) -> dict[str, Any]:
    return {"kiosk_id": req.kiosk_id, "site_id": req.site_id, "request_id": req.id}


def _emit(
    db: Session,
    req: HelpRequest,
    kind: str,
    now: datetime,
    *,
    helper: str | None = None,
    message: dict[str, Any] | None = None,
    other_site_id: int | None = None,
    kiosk_side: bool = True,
) -> None:
    kiosk_payload = None
    if kiosk_side:
        kiosk_payload = {"state": req.state, "helper_name": helper, "message": message}
    staff_payload = views.queue_item(db, req, now).model_dump(mode="json")
    events.emit(
        db,
        type=kind,
        now=now,
        site_id=req.site_id,
        other_site_id=other_site_id,
        kiosk_id=req.kiosk_id,
        request_id=req.id,
        kiosk_payload=kiosk_payload,
        staff_payload={
            "request": staff_payload,
            "detail": {"from_site_id": other_site_id} if other_site_id else {},
        },
    )
