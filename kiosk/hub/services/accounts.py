"""Staff accounts, logins with lockout, and server-side sessions.

A wrong name and a wrong password look the same from outside (same message, same argon2 work).
Each failure for a typed name slows the next answer a little; after the configured number of
failures the name is locked for a while, whether or not such an account exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.hub.config import SecuritySettings
from kiosk.hub.errors import BadRequest, Conflict, NotFound, TooManyAttempts, Unauthorized
from kiosk.hub.models import LoginFailure, Site, Staff, StaffSession, StaffSite
from kiosk.hub.security import new_digits, new_password, new_token, token_hash, verify_password
from kiosk.hub.services import audit
from kiosk.hub.services.presence import Presence

WRONG_LOGIN = "Wrong name or password."


@dataclass(frozen=True)
class Principal:
    """The logged-in staff member of one request. ``site_ids`` None means every site (admin)."""

    id: int
    name: str
    display_name: str
    role: str
    own_site_ids: tuple[int, ...]
    session_id: int
    csrf_token: str

    @property
    def site_ids(self) -> list[int] | None:
        return None if self.role == "admin" else list(self.own_site_ids)

    def serves(self, site_id: int) -> bool:
        return self.role == "admin" or site_id in self.own_site_ids

    @property
    def escalated_only(self) -> bool:
        """Regional staff see and act on escalated requests only (that is what the role is
        for: a second line when a site's own helpers did not answer in time)."""
        return self.role == "regional"


def principal_of(db: Session, staff: Staff) -> Principal:
    """A staff member acting without a dashboard session (the helper at a kiosk in assisted
    mode): same rules, no session or CSRF token."""
    return Principal(
        id=staff.id,
        name=staff.name,
        display_name=staff.display_name,
        role=staff.role,
        own_site_ids=tuple(site_ids_of(db, staff.id)),
        session_id=0,
        csrf_token="",
    )


def site_ids_of(db: Session, staff_id: int) -> list[int]:
    query = select(StaffSite.site_id).where(StaffSite.staff_id == staff_id)
    return sorted(db.scalars(query))


def _check_sites(db: Session, site_ids: list[int]) -> None:
    found = set(db.scalars(select(Site.id).where(Site.id.in_(site_ids))))
    missing = sorted(set(site_ids) - found)
    if missing:
        raise BadRequest(f"No site with id {missing[0]}; list the sites with `sites list`.")


def add_staff(
    db: Session,
    hasher: PasswordHasher,
    *,
    now: datetime,
    actor_id: int | None,
    name: str,
    display_name: str,
    role: str,
    site_ids: list[int],
    password: str | None,
) -> tuple[Staff, str | None]:
    """Create an account; returns it and the generated password (None when one was given)."""
    _check_sites(db, site_ids)
    generated = None if password else new_password()
    staff = Staff(
        name=name,
        display_name=display_name,
        role=role,
        password_hash=hasher.hash(password or generated or ""),
        disabled=False,
        created_at=now,
        last_login_at=None,
    )
    db.add(staff)
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise Conflict(f"A staff account named {name!r} already exists.") from None
    db.add_all(StaffSite(staff_id=staff.id, site_id=s) for s in sorted(set(site_ids)))
    audit.record(db, now=now, staff_id=actor_id, action="staff.add", target=name, role=role)
    return staff, generated


def get_staff(db: Session, name: str) -> Staff:
    staff = db.scalar(select(Staff).where(Staff.name == name))
    if staff is None:
        raise NotFound(f"No staff account named {name!r}.")
    return staff


def end_sessions(db: Session, staff_id: int, now: datetime) -> None:
    db.execute(
        update(StaffSession)
        .where(StaffSession.staff_id == staff_id, StaffSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def disable(db: Session, *, now: datetime, actor_id: int, name: str) -> Staff:
    staff = get_staff(db, name)
    staff.disabled = True
    end_sessions(db, staff.id, now)
    audit.record(db, now=now, staff_id=actor_id, action="staff.disable", target=name)
    return staff


def set_password(
    db: Session,
    hasher: PasswordHasher,
    *,
    now: datetime,
    actor_id: int,
    name: str,
    password: str | None,
) -> str | None:
    """Set (or generate and return) a new password; the account's sessions end."""
    staff = get_staff(db, name)
    generated = None if password else new_password()
    staff.password_hash = hasher.hash(password or generated or "")
    end_sessions(db, staff.id, now)
    db.execute(delete(LoginFailure).where(LoginFailure.name == name))
    audit.record(db, now=now, staff_id=actor_id, action="staff.set_password", target=name)
    return generated


def set_pin(
    db: Session,
    hasher: PasswordHasher,
    *,
    now: datetime,
    actor_id: int,
    name: str,
    pin: str | None,
) -> str | None:
    """Set the kiosk PIN (argon2id, the password hasher); without ``pin`` generate six digits
    and return them (shown once). The PIN itself is never audited."""
    staff = get_staff(db, name)
    generated = None if pin else new_digits(6)
    staff.pin_hash = hasher.hash(pin or generated or "")
    audit.record(db, now=now, staff_id=actor_id, action="staff.set_pin", target=name)
    return generated


def set_card(
    db: Session, *, now: datetime, actor_id: int, name: str, card_uid: str | None
) -> Staff:
    """Register (or with None forget) a staff card's UID; one card belongs to one person."""
    staff = get_staff(db, name)
    if card_uid is not None:
        holder = db.scalar(select(Staff).where(Staff.card_uid == card_uid))
        if holder is not None and holder.id != staff.id:
            raise Conflict(f"This card is already registered to {holder.name!r}; clear it first.")
    staff.card_uid = card_uid
    try:
        db.flush()
    except IntegrityError:
        db.rollback()
        raise Conflict(
            "This card was registered to someone else just now; clear it first."
        ) from None
    action = "staff.set_card" if card_uid else "staff.clear_card"
    audit.record(db, now=now, staff_id=actor_id, action=action, target=name)
    return staff


def _locked(db: Session, name: str, now: datetime) -> LoginFailure | None:
    row = db.get(LoginFailure, name)
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return row
    return None


def failure_delay(db: Session, name: str) -> float:
    """Seconds to hold back the answer to a login for ``name``: grows with each failure."""
    row = db.get(LoginFailure, name)
    return 0.0 if row is None else min(0.25 * row.failures, 2.0)


def login(
    db: Session,
    hasher: PasswordHasher,
    settings: SecuritySettings,
    *,
    now: datetime,
    name: str,
    password: str,
    dummy: str,
) -> tuple[Staff, str, StaffSession]:
    """Check the password and open a session: returns (staff, bearer token, session row)."""
    if _locked(db, name, now):
        raise TooManyAttempts(
            f"Too many failed logins for this name; try again in {settings.login_lock_minutes} "
            "minutes or ask an admin to set a new password."
        )
    staff = db.scalar(select(Staff).where(Staff.name == name))
    ok = verify_password(hasher, staff.password_hash if staff else dummy, password)
    if not ok or staff is None or staff.disabled:
        _count_failure(db, settings, name, now)
        raise Unauthorized(WRONG_LOGIN)
    db.execute(delete(LoginFailure).where(LoginFailure.name == name))
    if hasher.check_needs_rehash(staff.password_hash):
        staff.password_hash = hasher.hash(password)
    staff.last_login_at = now
    token = new_token()
    session = StaffSession(
        token_hash=token_hash(token),
        csrf_token=new_token(),
        staff_id=staff.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_max_hours),
        ended_at=None,
    )
    db.add(session)
    audit.record(db, now=now, staff_id=staff.id, action="staff.login")
    return staff, token, session


def _count_failure(db: Session, settings: SecuritySettings, name: str, now: datetime) -> None:
    row = db.get(LoginFailure, name)
    if row is None:
        row = LoginFailure(name=name, failures=0, last_failure_at=now, locked_until=None)
        db.add(row)
    if row.locked_until is not None and row.locked_until <= now:
        row.failures = 0
        row.locked_until = None
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= settings.login_max_failures:
        row.locked_until = now + timedelta(minutes=settings.login_lock_minutes)


# Built once: every staff call and long poll checks its session (see fleet._BY_TOKEN).
_SESSION = (
    select(
        StaffSession.id,
        StaffSession.staff_id,
        StaffSession.last_seen_at,
        StaffSession.ended_at,
        StaffSession.expires_at,
        StaffSession.csrf_token,
        Staff.name,
        Staff.display_name,
        Staff.role,
        Staff.disabled,
    )
    .outerjoin(Staff, Staff.id == StaffSession.staff_id)
    .where(StaffSession.token_hash == bindparam("token_hash"))
)
_SITE_IDS = select(StaffSite.site_id).where(StaffSite.staff_id == bindparam("staff_id"))


def authenticate(
    db: Session | Connection,
    settings: SecuritySettings,
    token: str,
    now: datetime,
    presence: Presence | None = None,
    *,
    touch: bool = True,
) -> Principal:
    """The principal of a live session token; with ``touch`` it counts as use for the idle
    timer. 401 otherwise."""
    session = db.execute(_SESSION, {"token_hash": token_hash(token)}).first()
    idle = timedelta(minutes=settings.session_idle_minutes)
    last = session.last_seen_at if session else None
    recent = presence.session_last_seen(session.id) if presence and session else None
    if last is not None and recent is not None and recent > last:
        last = recent
    if (
        session is None
        or last is None
        or session.ended_at is not None
        or session.expires_at <= now
        or last + idle <= now
    ):
        raise Unauthorized("Not logged in, or the session has ended; please log in again.")
    if session.name is None or session.disabled:
        raise Unauthorized("This account is disabled.")
    if presence is not None and touch:
        presence.session_seen(session.id, now)
    return Principal(
        id=session.staff_id,
        name=session.name,
        display_name=session.display_name,
        role=session.role,
        own_site_ids=tuple(sorted(db.scalars(_SITE_IDS, {"staff_id": session.staff_id}))),
        session_id=session.id,
        csrf_token=session.csrf_token,
    )


def logout(db: Session, principal: Principal, now: datetime) -> None:
    session = db.get(StaffSession, principal.session_id)
    if session is not None:
        session.ended_at = now
    audit.record(db, now=now, staff_id=principal.id, action="staff.logout")
