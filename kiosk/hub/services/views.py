"""Rows to wire models (``kiosk.protocol``): the only place the two shapes meet."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kiosk.hub.config import AssistSettings
from kiosk.hub.models import AuditEntry, HelpRequest, Kiosk, Site, Staff
from kiosk.hub.services import fleet
from kiosk.hub.services.presence import Presence
from kiosk.protocol.admin import KioskOut, SiteOut, StaffListOut
from kiosk.protocol.assist import AuditEntryOut
from kiosk.protocol.kiosk import KioskEventOut, KioskRequestOut, QuickMessageOut
from kiosk.protocol.staff import (
    HistoryItemOut,
    OutcomeOut,
    QueueItemOut,
    StaffEventOut,
    StaffKioskOut,
)


def queue_item(db: Session, req: HelpRequest, now: datetime) -> QueueItemOut:
    return QueueItemOut(**_queue_fields(db, req, now))


def _queue_fields(db: Session, req: HelpRequest, now: datetime) -> dict:
    site = db.get(Site, req.site_id)
    helper = db.get(Staff, req.helper_id) if req.helper_id else None
    return queue_fields(req, site.name if site else "", helper, now)


def queue_fields(req: HelpRequest, site_name: str, helper: Staff | None, now: datetime) -> dict:
    """A request as staff see it, from what the caller has already read."""
    return dict(
        id=req.id,
        site_id=req.site_id,
        site_name=site_name,
        kiosk_id=req.kiosk_id,
        place=req.place,
        state=req.state,
        language=req.language,
        text_size=req.text_size,
        read_aloud=req.read_aloud,
        demo=req.demo,
        step=req.step,
        stuck_seconds=req.stuck_seconds,
        topic=req.topic,
        created_at=req.created_at,
        waited_seconds=max(0, int((now - req.created_at).total_seconds())),
        escalated=req.escalated_at is not None,
        claimed_at=req.claimed_at,
        helper_name=helper.name if helper else None,
        helper_display_name=helper.display_name if helper else None,
    )


def history_item(db: Session, req: HelpRequest, now: datetime) -> HistoryItemOut:
    outcome = None
    if req.need_type is not None and req.level is not None:
        outcome = OutcomeOut(
            need_type=req.need_type,  # type: ignore[arg-type]
            level=req.level,
            service_area=req.service_area or "",
            on_behalf=bool(req.on_behalf),
        )
    return HistoryItemOut(
        **_queue_fields(db, req, now),
        resolved_at=req.resolved_at,
        cancelled_at=req.cancelled_at,
        expired_at=req.expired_at,
        outcome=outcome,
    )


def kiosk_request(
    db: Session, req: HelpRequest, *, position: int | None, wait_per_person: float, helpers: int
) -> KioskRequestOut:
    helper = db.get(Staff, req.helper_id) if req.helper_id else None
    return kiosk_request_of(
        req, position=position, wait_per_person=wait_per_person, helpers=helpers, helper=helper
    )


def kiosk_request_of(
    req: HelpRequest,
    *,
    position: int | None,
    wait_per_person: float,
    helpers: int,
    helper: Staff | None,
) -> KioskRequestOut:
    """A request as its kiosk sees it, from what the caller has already read."""
    expected = None
    if position is not None:
        # A rough estimate on purpose: the kiosk shows it as "about N minutes".
        expected = int(position * wait_per_person / max(1, helpers))
    return KioskRequestOut(
        id=req.id,
        state=req.state,  # type: ignore[arg-type]
        position=position,
        expected_wait_seconds=expected,
        helper_name=helper.display_name if helper and req.state == "claimed" else None,
        escalated=req.escalated_at is not None,
        last_message=QuickMessageOut(**req.last_message) if req.last_message else None,
        created_at=req.created_at,
        claimed_at=req.claimed_at,
        resolved_at=req.resolved_at,
        cancelled_at=req.cancelled_at,
        expired_at=req.expired_at,
    )


def kiosk_event(row: Any) -> KioskEventOut:
    """An events row (ORM object or plain row) as the kiosk sees it."""
    payload = row.kiosk_payload or {}
    if row.type == "duty":
        return KioskEventOut(
            seq=row.seq, type="duty", at=row.at, helper_on_duty=payload.get("helper_on_duty")
        )
    message = payload.get("message")
    return KioskEventOut(
        seq=row.seq,
        type=row.type,  # type: ignore[arg-type]
        at=row.at,
        request_id=row.request_id,
        state=payload.get("state"),
        helper_name=payload.get("helper_name"),
        message=QuickMessageOut(**message) if message else None,
    )


def staff_event(row: Any) -> StaffEventOut:
    """An events row (ORM object or plain row) as staff see it."""
    payload = row.staff_payload or {}
    request = payload.get("request")
    detail = {k: v for k, v in payload.items() if k != "request"}
    detail = detail.get("detail", detail)
    return StaffEventOut(
        seq=row.seq,
        type=row.type,  # type: ignore[arg-type]
        at=row.at,
        site_id=row.site_id,
        request=QueueItemOut(**request) if request else None,
        detail=detail,
    )


def site_out(site: Site) -> SiteOut:
    return SiteOut(
        id=site.id,
        name=site.name,
        address=site.address,
        opening_hours=site.opening_hours,
        guidance_hours=site.guidance_hours,
        escalation_minutes=site.escalation_minutes,
        quick_messages=[QuickMessageOut(**m) for m in site.quick_messages],
    )


def kiosk_out(kiosk: Kiosk, site_name: str) -> KioskOut:
    return KioskOut(
        id=kiosk.id,
        site_id=kiosk.site_id,
        site_name=site_name,
        place=kiosk.place,
        revoked=kiosk.revoked,
        enrolled_at=kiosk.enrolled_at,
        last_seen_at=kiosk.last_seen_at,
        app_version=kiosk.app_version,
    )


def staff_list_item(staff: Staff, site_ids: list[int]) -> StaffListOut:
    return StaffListOut(
        id=staff.id,
        name=staff.name,
        display_name=staff.display_name,
        role=staff.role,  # type: ignore[arg-type]
        site_ids=site_ids,
        disabled=staff.disabled,
        last_login_at=staff.last_login_at,
        has_pin=staff.pin_hash is not None,
        has_card=staff.card_uid is not None,
    )


def staff_kiosks(
    db: Session,
    site_ids: list[int] | None,
    presence: Presence,
    now: datetime,
    settings: AssistSettings,
) -> list[StaffKioskOut]:
    """Kiosks of ``site_ids`` (None: all) with when each was last heard from: the newer of the
    database's time and this instance's buffered heartbeat."""
    out = []
    for kiosk, site_name in fleet.kiosks_of(db, site_ids):
        seen = [t for t in (kiosk.last_seen_at, presence.kiosk_last_seen(kiosk.id)) if t]
        last = max(seen) if seen else None
        online = last is not None and (now - last).total_seconds() <= settings.kiosk_online_seconds
        out.append(
            StaffKioskOut(
                id=kiosk.id,
                site_id=kiosk.site_id,
                site_name=site_name,
                place=kiosk.place,
                last_seen_at=last,
                online=online,
            )
        )
    return out


def audit_entry(entry: AuditEntry, staff_name: str | None) -> AuditEntryOut:
    return AuditEntryOut(
        id=entry.id,
        at=entry.at,
        staff_id=entry.staff_id,
        staff_name=staff_name,
        action=entry.action,
        kiosk_id=entry.kiosk_id,
        site_id=entry.site_id,
        request_id=entry.request_id,
        detail=entry.detail or {},
    )
