"""Sites, kiosks and their enrolment, heartbeats, and who is on duty where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.hub.errors import BadRequest, Conflict, Forbidden, NotFound, Unauthorized
from kiosk.hub.lite import LoopWriter
from kiosk.hub.models import DutyRecord, EnrolmentCode, Kiosk, Site, Staff
from kiosk.hub.security import new_enrolment_code, new_token, token_hash
from kiosk.hub.services import audit, events

BAD_CODE = "This enrolment code is unknown, already used or expired; ask an admin for a new one."


def quick_messages_from_settings(defaults: list[dict[str, str]]) -> list[dict[str, Any]]:
    """hub.toml's flat form ({key, fi, sv, en}) as stored: {key, text: {fi, sv, en}}."""
    return [{"key": m["key"], "text": {k: v for k, v in m.items() if k != "key"}} for m in defaults]


def add_site(db: Session, *, now: datetime, actor_id: int, **fields: Any) -> Site:
    site = Site(created_at=now, **fields)
    db.add(site)
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise Conflict(f"A site named {fields['name']!r} already exists.") from None
    audit.record(db, now=now, staff_id=actor_id, action="site.add", site_id=site.id)
    return site


def get_site(db: Session, site_id: int) -> Site:
    site = db.get(Site, site_id)
    if site is None:
        raise NotFound(f"No site with id {site_id}.")
    return site


def list_sites(db: Session, site_ids: list[int] | None = None) -> list[Site]:
    query = select(Site).order_by(Site.name)
    if site_ids is not None:
        query = query.where(Site.id.in_(site_ids))
    return list(db.scalars(query))


def create_enrolment(
    db: Session, *, now: datetime, actor_id: int, site_id: int, place: str, minutes: int
) -> tuple[str, EnrolmentCode]:
    """A one-time code for a new kiosk at ``place``; only its hash is stored."""
    get_site(db, site_id)
    code = new_enrolment_code()
    row = EnrolmentCode(
        code_hash=token_hash(code),
        site_id=site_id,
        place=place,
        created_by=actor_id,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
        used_at=None,
        kiosk_id=None,
    )
    db.add(row)
    audit.record(db, now=now, staff_id=actor_id, action="kiosk.enrolment_code", site_id=site_id)
    return code, row


def enrol(db: Session, *, now: datetime, code: str, app_version: str) -> tuple[Kiosk, str, Site]:
    """Redeem a code (once, before it expires) for a new kiosk and its bearer token."""
    row = db.scalar(
        select(EnrolmentCode).where(EnrolmentCode.code_hash == token_hash(code.upper()))
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise BadRequest(BAD_CODE)
    token = new_token()
    kiosk = Kiosk(
        site_id=row.site_id,
        place=row.place,
        token_hash=token_hash(token),
        revoked=False,
        enrolled_at=now,
        last_seen_at=now,
        app_version=app_version,
        pack_versions={},
    )
    db.add(kiosk)
    db.flush()
    # Why: a conditional update, so two kiosks racing with one code cannot both win.
    claimed = db.execute(
        update(EnrolmentCode)
        .where(EnrolmentCode.id == row.id, EnrolmentCode.used_at.is_(None))
        .values(used_at=now, kiosk_id=kiosk.id)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        db.rollback()
        raise BadRequest(BAD_CODE)
    return kiosk, token, get_site(db, row.site_id)


@dataclass(frozen=True)
class KioskRef:
    """The calling kiosk, as read for authentication (plain columns: cheap on the hot path)."""

    id: int
    site_id: int
    place: str
    app_version: str
    pack_versions: dict[str, Any]


KIOSK_COLUMNS = (
    Kiosk.id,
    Kiosk.site_id,
    Kiosk.place,
    Kiosk.revoked,
    Kiosk.app_version,
    Kiosk.pack_versions,
)
# Statements built once (bound by name at each call): building and cache-keying a fresh
# select() costs more than running it, on paths that every kiosk takes every few seconds.
_BY_TOKEN = select(*KIOSK_COLUMNS).where(Kiosk.token_hash == bindparam("token_hash"))
_BY_TOKEN_WITH_SEQ = select(*KIOSK_COLUMNS, events.LAST_SEQ.scalar_subquery()).where(
    Kiosk.token_hash == bindparam("token_hash")
)
_ON_DUTY = exists().where(
    DutyRecord.site_id == Kiosk.site_id,
    DutyRecord.on_duty.is_(True),
    DutyRecord.staff_id == Staff.id,
    Staff.disabled.is_(False),
)
_HEARTBEAT = (
    select(
        *KIOSK_COLUMNS,
        Site.name.label("site_name"),
        Site.guidance_hours,
        _ON_DUTY.label("on_duty"),
        events.LAST_SEQ.scalar_subquery().label("last_seq"),
    )
    .join(Site, Site.id == Kiosk.site_id)
    .where(Kiosk.token_hash == bindparam("token_hash"))
)
NOT_ENROLLED = "This kiosk is not enrolled or was revoked; enrol it again."


def kiosk_ref(row: Any) -> KioskRef:
    """The kiosk of a row of ``KIOSK_COLUMNS`` (None: no such token); 401 if none or revoked."""
    if row is None or row.revoked:
        raise Unauthorized(NOT_ENROLLED)
    return KioskRef(row.id, row.site_id, row.place, row.app_version, row.pack_versions or {})


def kiosk_by_token(db: Session | Connection | LoopWriter, token: str) -> KioskRef:
    """The enrolled, unrevoked kiosk holding ``token``; 401 otherwise."""
    return kiosk_ref(db.execute(_BY_TOKEN, {"token_hash": token_hash(token)}).first())


def kiosk_and_last_seq(db: Session | Connection, token: str) -> tuple[KioskRef, int]:
    """:func:`kiosk_by_token` and the newest event seq, in one statement."""
    row = db.execute(_BY_TOKEN_WITH_SEQ, {"token_hash": token_hash(token)}).first()
    return kiosk_ref(row), int(row[-1])  # type: ignore[index]


@dataclass(frozen=True)
class HeartbeatView:
    """What a heartbeat answers, read in one statement (token check included)."""

    kiosk: KioskRef
    site_name: str
    guidance_hours: str
    helper_on_duty: bool
    last_seq: int


def heartbeat_view(db: Session | Connection, token: str) -> HeartbeatView:
    """The kiosk holding ``token`` (401 otherwise), its site and the newest event seq."""
    row = db.execute(_HEARTBEAT, {"token_hash": token_hash(token)}).first()
    kiosk = kiosk_ref(row)
    assert row is not None
    return HeartbeatView(
        kiosk, row.site_name, row.guidance_hours, bool(row.on_duty), int(row.last_seq)
    )


def heartbeat_changes(kiosk: KioskRef, app_version: str, packs: dict[str, str]) -> dict[str, Any]:
    """What a heartbeat changes in the kiosk's row (usually nothing: last-seen is buffered)."""
    changes: dict[str, Any] = {}
    if app_version != kiosk.app_version:
        changes["app_version"] = app_version
    if packs != kiosk.pack_versions:
        changes["pack_versions"] = packs
    return changes


def list_kiosks(db: Session) -> list[tuple[Kiosk, str]]:
    query = select(Kiosk, Site.name).join(Site, Site.id == Kiosk.site_id).order_by(Kiosk.id)
    return [(k, n) for k, n in db.execute(query)]


def kiosks_of(db: Session, site_ids: list[int] | None) -> list[tuple[Kiosk, str]]:
    """Enrolled, unrevoked kiosks of ``site_ids`` (None: all), by site name and place."""
    query = (
        select(Kiosk, Site.name)
        .join(Site, Site.id == Kiosk.site_id)
        .where(Kiosk.revoked.is_(False))
        .order_by(Site.name, Kiosk.place, Kiosk.id)
    )
    if site_ids is not None:
        query = query.where(Kiosk.site_id.in_(site_ids))
    return [(k, n) for k, n in db.execute(query)]


def revoke(db: Session, *, now: datetime, actor_id: int, kiosk_id: int) -> Kiosk:
    kiosk = db.get(Kiosk, kiosk_id)
    if kiosk is None:
        raise NotFound(f"No kiosk with id {kiosk_id}.")
    kiosk.revoked = True
    audit.record(
        db,
        now=now,
        staff_id=actor_id,
        action="kiosk.revoke",
        kiosk_id=kiosk.id,
        site_id=kiosk.site_id,
    )
    return kiosk


def helpers_on_duty(db: Session, site_id: int) -> list[str]:
    query = (
        select(Staff.display_name)
        .join(DutyRecord, DutyRecord.staff_id == Staff.id)
        .where(
            DutyRecord.site_id == site_id, DutyRecord.on_duty.is_(True), Staff.disabled.is_(False)
        )
        .order_by(Staff.display_name)
    )
    return list(db.scalars(query))


def set_duty(
    db: Session, *, now: datetime, staff_id: int, serves: bool, site_id: int, on_duty: bool
) -> list[str]:
    """Mark a staff member on or off duty at a site they serve; tells the site's kiosks."""
    get_site(db, site_id)
    if not serves:
        raise Forbidden("You do not serve this site.")
    row = db.get(DutyRecord, (staff_id, site_id))
    if row is None:
        row = DutyRecord(staff_id=staff_id, site_id=site_id, on_duty=on_duty, since=now)
        db.add(row)
    elif row.on_duty != on_duty:
        row.on_duty, row.since = on_duty, now
    db.flush()
    helpers = helpers_on_duty(db, site_id)
    audit.record(
        db, now=now, staff_id=staff_id, action="duty.on" if on_duty else "duty.off", site_id=site_id
    )
    events.emit(
        db,
        type="duty",
        now=now,
        site_id=site_id,
        kiosk_payload={"helper_on_duty": bool(helpers)},
        staff_payload={"helpers_on_duty": helpers},
    )
    return helpers
