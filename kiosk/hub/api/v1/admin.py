"""Routes for admins: sites, kiosk enrolment codes, kiosks, staff accounts (with their kiosk
PINs and cards) and the audit log (JSON and CSV)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from kiosk.hub.api.v1.deps import AdminUser, Db, HubDep, in_write_turn
from kiosk.hub.models import Staff
from kiosk.hub.services import accounts, audit, fleet, views
from kiosk.protocol.admin import (
    CardIn,
    EnrolmentIn,
    EnrolmentOut,
    KioskOut,
    PasswordIn,
    PasswordOut,
    PinIn,
    PinOut,
    SiteIn,
    SiteOut,
    StaffCreatedOut,
    StaffIn,
    StaffListOut,
)
from kiosk.protocol.assist import AuditEntryOut
from kiosk.protocol.common import ErrorOut

router = APIRouter(
    prefix="/admin",
    tags=["admin"],
    responses={
        401: {"model": ErrorOut},
        403: {"model": ErrorOut},
        404: {"model": ErrorOut},
        409: {"model": ErrorOut},
        422: {"model": ErrorOut},
    },
)
KioskId = Annotated[int, Path(ge=1, le=2**31 - 1)]
StaffName = Annotated[str, Path(min_length=1, max_length=64)]


@router.post("/sites", status_code=201, response_model=SiteOut)
def add_site(body: SiteIn, who: AdminUser, hub: HubDep, db: Db) -> SiteOut:
    defaults = hub.settings
    messages = (
        [m.model_dump() for m in body.quick_messages]
        if body.quick_messages
        else fleet.quick_messages_from_settings(defaults.sites.quick_messages)
    )
    site = fleet.add_site(
        db,
        now=hub.clock(),
        actor_id=who.id,
        name=body.name,
        address=body.address,
        opening_hours=body.opening_hours,
        guidance_hours=body.guidance_hours,
        escalation_minutes=body.escalation_minutes or defaults.requests.escalation_minutes,
        quick_messages=messages,
    )
    out = views.site_out(site)
    db.commit()
    return out


@router.get("/sites", response_model=list[SiteOut])
def list_sites(who: AdminUser, db: Db) -> list[SiteOut]:
    return [views.site_out(s) for s in fleet.list_sites(db)]


@router.post("/kiosks/enrolment", status_code=201, response_model=EnrolmentOut)
def enrolment(body: EnrolmentIn, who: AdminUser, hub: HubDep, db: Db) -> EnrolmentOut:
    """A one-time code for a new kiosk; valid ``security.enrolment_code_minutes``."""
    code, row = fleet.create_enrolment(
        db,
        now=hub.clock(),
        actor_id=who.id,
        site_id=body.site_id,
        place=body.place,
        minutes=hub.settings.security.enrolment_code_minutes,
    )
    out = EnrolmentOut(code=code, expires_at=row.expires_at, site_id=row.site_id, place=row.place)
    db.commit()
    return out


@router.get("/kiosks", response_model=list[KioskOut])
def list_kiosks(who: AdminUser, db: Db) -> list[KioskOut]:
    return [views.kiosk_out(k, name) for k, name in fleet.list_kiosks(db)]


@router.post("/kiosks/{kiosk_id}/revoke", response_model=KioskOut)
def revoke(kiosk_id: KioskId, who: AdminUser, hub: HubDep, db: Db) -> KioskOut:
    kiosk = fleet.revoke(db, now=hub.clock(), actor_id=who.id, kiosk_id=kiosk_id)
    out = views.kiosk_out(kiosk, fleet.get_site(db, kiosk.site_id).name)
    db.commit()
    return out


@router.post("/staff", status_code=201, response_model=StaffCreatedOut)
def add_staff(body: StaffIn, who: AdminUser, hub: HubDep, db: Db) -> StaffCreatedOut:
    staff, generated = accounts.add_staff(
        db,
        hub.hasher,
        now=hub.clock(),
        actor_id=who.id,
        name=body.name,
        display_name=body.display_name,
        role=body.role,
        site_ids=body.site_ids,
        password=body.password,
    )
    out = StaffCreatedOut(
        id=staff.id,
        name=staff.name,
        display_name=staff.display_name,
        role=body.role,
        site_ids=sorted(set(body.site_ids)),
        disabled=False,
        password=generated,
    )
    db.commit()
    return out


@router.get("/staff", response_model=list[StaffListOut])
def list_staff(who: AdminUser, db: Db) -> list[StaffListOut]:
    rows = db.scalars(select(Staff).order_by(Staff.name))
    return [views.staff_list_item(s, accounts.site_ids_of(db, s.id)) for s in rows]


@router.post("/staff/{name}/disable", response_model=StaffListOut)
def disable(name: StaffName, who: AdminUser, hub: HubDep, db: Db) -> StaffListOut:
    staff = accounts.disable(db, now=hub.clock(), actor_id=who.id, name=name)
    out = views.staff_list_item(staff, accounts.site_ids_of(db, staff.id))
    db.commit()
    return out


@router.post("/staff/{name}/password", response_model=PasswordOut)
def set_password(
    name: StaffName, body: PasswordIn, who: AdminUser, hub: HubDep, db: Db
) -> PasswordOut:
    generated = accounts.set_password(
        db, hub.hasher, now=hub.clock(), actor_id=who.id, name=name, password=body.password
    )
    db.commit()
    return PasswordOut(name=name, password=generated)


@router.post("/staff/{name}/pin", response_model=PinOut)
def set_pin(name: StaffName, body: PinIn, who: AdminUser, hub: HubDep, db: Db) -> PinOut:
    """Set the kiosk PIN (assisted mode), or generate six digits shown once."""
    generated = accounts.set_pin(
        db, hub.hasher, now=hub.clock(), actor_id=who.id, name=name, pin=body.pin
    )
    db.commit()
    return PinOut(name=name, pin=generated)


@router.post("/staff/{name}/card", response_model=StaffListOut)
def set_card(name: StaffName, body: CardIn, who: AdminUser, hub: HubDep, db: Db) -> StaffListOut:
    """Register the staff card's UID (or forget it with null)."""
    staff = accounts.set_card(
        db, now=hub.clock(), actor_id=who.id, name=name, card_uid=body.card_uid
    )
    out = views.staff_list_item(staff, accounts.site_ids_of(db, staff.id))
    db.commit()
    return out


def _as_utc(moment: datetime | None) -> datetime | None:
    """A time without a zone is the hub's local time (as the dashboard shows times)."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.astimezone()).astimezone(UTC)


def audit_filter(
    since: datetime | None = None,
    until: datetime | None = None,
    kiosk_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    staff_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    action: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_.]+$")] = None,
) -> audit.AuditFilter:
    """Query parameters of the audit endpoints: ``since`` (inclusive) and ``until`` (exclusive)
    are ISO 8601 times or dates; one without a zone is the hub's local time."""
    return audit.AuditFilter(_as_utc(since), _as_utc(until), kiosk_id, staff_id, action)


AuditQuery = Annotated[audit.AuditFilter, Depends(audit_filter)]


@router.get("/audit", response_model=list[AuditEntryOut])
def audit_log(
    who: AdminUser,
    db: Db,
    filters: AuditQuery,
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
) -> list[AuditEntryOut]:
    """Audit entries, newest first: who, when, which kiosk, what kind. Admins only."""
    return [views.audit_entry(e, name) for e, name in audit.entries(db, filters, limit)]


@router.get(
    "/audit.csv",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}, "description": "UTF-8 CSV with a header row"}},
)
async def audit_csv(who: AdminUser, hub: HubDep, filters: AuditQuery) -> StreamingResponse:
    """The audit log as CSV (UTF-8 with a byte-order mark, so that spreadsheets read ä and ö
    right), every matching entry, newest first. The export itself is audited."""

    def note() -> None:
        with hub.transaction() as db:
            audit.record(
                db,
                now=hub.clock(),
                staff_id=who.id,
                action="audit.export",
                filter=filters.as_detail(),
            )

    await in_write_turn(hub, note)

    def body() -> Iterator[bytes]:
        yield "\ufeff".encode()
        with hub.readers() as db:
            rows = db.execute(audit.query(filters, None).execution_options(yield_per=500))
            for piece in audit.csv_lines((row[0], row[1]) for row in rows):
                yield piece.encode("utf-8")

    stamp = hub.clock().strftime("%Y%m%d-%H%M")
    headers = {
        "Content-Disposition": f'attachment; filename="audit-{stamp}.csv"',
        "Cache-Control": "no-store",
    }
    return StreamingResponse(body(), media_type="text/csv; charset=utf-8", headers=headers)
