"""Assisted mode on the hub (issue #8): a helper switching a kiosk in, the one-time codes the
dashboard makes, the per-kiosk lock after wrong PINs, and what the helper did (audited).

An unlock is checked in two steps so that argon2 never runs inside a write transaction:
:func:`check` reads (in a reader session) and verifies the PIN or code, then :func:`finish`
writes the outcome (lock count, code used up, assisted session, audit) in a short transaction.

What a kiosk may not learn: a wrong card, a wrong staff number, a staff member with no PIN, a
wrong PIN and a wrong, used or expired code all get :data:`WRONG_UNLOCK` and cost the same one
argon2 verification (against a dummy hash when there is nothing real to check).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kiosk.hub.config import AssistSettings
from kiosk.hub.errors import Conflict, Forbidden, LockedOut, NotFound, Unauthorized
from kiosk.hub.models import AssistFailure, AssistSession, AuditEntry, Kiosk, Staff, UnlockCode
from kiosk.hub.security import new_digits, verify_password
from kiosk.hub.services import accounts, audit
from kiosk.hub.services.accounts import Principal
from kiosk.hub.services.fleet import KioskRef
from kiosk.protocol.common import ON_BEHALF_ROLES

WRONG_UNLOCK = "The card, staff number, PIN or code is not right; please try again."
LOCKED = "Too many wrong PINs or codes at this kiosk; staff login here is paused for {minutes} min."
ENDED = "This assisted session has ended; switch the kiosk into assisted mode again."


@dataclass(frozen=True)
class Attempt:
    """What :func:`check` found. ``staff_id`` is whose card, number or code it named (also
    when the PIN was wrong: admins see whose card was tried); ``ok`` whether it matched."""

    kiosk: KioskRef
    method: str
    ok: bool
    staff_id: int | None
    locked_until: datetime | None
    code_hash: str | None = None


def _failure_row(db: Session, kiosk_id: int) -> AssistFailure | None:
    return db.get(AssistFailure, kiosk_id)


def _locked_until(row: AssistFailure | None, now: datetime) -> datetime | None:
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return row.locked_until
    return None


def check(
    db: Session,
    hasher: PasswordHasher,
    dummy: str,
    kiosk: KioskRef,
    body: dict[str, Any],
    now: datetime,
) -> Attempt:
    """Verify a card+PIN, number+PIN or code for ``kiosk`` without writing anything.

    A locked kiosk is not verified at all (no argon2 work for an attacker's guesses).
    """
    method = body["method"]
    locked = _locked_until(_failure_row(db, kiosk.id), now)
    if locked is not None:
        return Attempt(kiosk, method, False, None, locked)
    if method == "code":
        row = db.get(UnlockCode, kiosk.id)
        live = row if row is not None and row.expires_at > now else None
        ok = verify_password(hasher, live.code_hash if live else dummy, body["code"])
        if live is None or not ok:
            return Attempt(kiosk, method, False, None, None)
        return Attempt(kiosk, method, True, live.staff_id, None, live.code_hash)
    if method == "card":
        staff = db.scalar(select(Staff).where(Staff.card_uid == body["card_uid"]))
    else:
        staff = db.get(Staff, body["staff_number"])
    stored = staff.pin_hash if staff is not None and staff.pin_hash else None
    ok = verify_password(hasher, stored or dummy, body["pin"]) and stored is not None
    return Attempt(kiosk, method, ok, staff.id if staff else None, None)


def finish(
    db: Session, settings: AssistSettings, attempt: Attempt, now: datetime
) -> tuple[AssistSession, Staff]:
    """Write the outcome of ``attempt``: a new assisted session, or a failure (audited, counted
    towards the lock) raised as 401, 403 or 429. The caller commits in either case."""
    kiosk = attempt.kiosk
    where = {"kiosk_id": kiosk.id, "site_id": kiosk.site_id}

    def refuse(reason: str, error: Exception) -> Exception:
        audit.record(
            db,
            now=now,
            staff_id=attempt.staff_id,
            action="assist_unlock_failed",
            method=attempt.method,
            reason=reason,
            **where,
        )
        return error

    # Read again: another attempt may have locked the kiosk since :func:`check`.
    locked = attempt.locked_until or _locked_until(_failure_row(db, kiosk.id), now)
    if locked is not None:
        wait = math.ceil((locked - now).total_seconds())
        raise refuse("locked", LockedOut(_locked_text(locked, now), wait))
    if attempt.ok and attempt.code_hash is not None and not _use_code(db, kiosk.id, attempt, now):
        attempt = Attempt(kiosk, attempt.method, False, None, None)  # used a moment ago
    if not attempt.ok:
        reason = "wrong"
        locked = _count_failure(db, settings, kiosk.id, now)
        if locked is not None:
            reason = "wrong_now_locked"
        raise refuse(reason, Unauthorized(WRONG_UNLOCK))
    staff = db.get(Staff, attempt.staff_id)
    assert staff is not None
    if staff.disabled:
        raise refuse("disabled", Forbidden("This staff account is disabled."))
    if staff.role != "admin" and kiosk.site_id not in accounts.site_ids_of(db, staff.id):
        raise refuse("other_site", Forbidden("This staff member does not serve this kiosk's site."))
    db.execute(delete(AssistFailure).where(AssistFailure.kiosk_id == kiosk.id))
    # A kiosk has one helper at a time: an earlier session left open (a crash) ends here.
    db.execute(
        update(AssistSession)
        .where(AssistSession.kiosk_id == kiosk.id, AssistSession.ended_at.is_(None))
        .values(ended_at=now, end_reason="superseded")
    )
    session = AssistSession(
        kiosk_id=kiosk.id,
        staff_id=staff.id,
        method=attempt.method,
        started_at=now,
        ended_at=None,
        end_reason=None,
    )
    db.add(session)
    db.flush()
    audit.record(
        db,
        now=now,
        staff_id=staff.id,
        action="assist_unlock",
        method=attempt.method,
        assist_id=session.id,
        **where,
    )
    return session, staff


def _locked_text(until: datetime, now: datetime) -> str:
    return LOCKED.format(minutes=max(1, math.ceil((until - now).total_seconds() / 60)))


def _use_code(db: Session, kiosk_id: int, attempt: Attempt, now: datetime) -> bool:
    """Use the code up: exactly one of two simultaneous uses wins."""
    done = db.execute(
        delete(UnlockCode).where(
            UnlockCode.kiosk_id == kiosk_id,
            UnlockCode.code_hash == attempt.code_hash,
            UnlockCode.expires_at > now,
        )
    )
    return done.rowcount == 1  # type: ignore[attr-defined]


def _upsert(db: Session, table: Any) -> Any:
    """``INSERT ... ON CONFLICT`` of the session's dialect (SQLite and PostgreSQL have it)."""
    dialect = db.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def _count_failure(
    db: Session, settings: AssistSettings, kiosk_id: int, now: datetime
) -> datetime | None:
    """Count one wrong PIN or code (atomically: no count is lost to a race); failures older
    than the lock time are forgotten. Returns the lock's end once the limit is reached."""
    window = now - timedelta(minutes=settings.lock_minutes)
    table = AssistFailure.__table__
    stmt = _upsert(db, table).values(
        kiosk_id=kiosk_id, failures=1, last_failure_at=now, locked_until=None
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["kiosk_id"],
        set_={
            "failures": _restart_or_add(table, window),
            "last_failure_at": now,
            "locked_until": None,
        },
    ).returning(table.c.failures)
    failures = int(db.execute(stmt).scalar_one())
    if failures < settings.pin_max_failures:
        return None
    until = now + timedelta(minutes=settings.lock_minutes)
    db.execute(
        update(AssistFailure).where(AssistFailure.kiosk_id == kiosk_id).values(locked_until=until)
    )
    return until


def _restart_or_add(table: Any, window: datetime) -> Any:
    return case((table.c.last_failure_at <= window, 1), else_=table.c.failures + 1)


# ---- one-time codes from the dashboard ----


def create_code(
    db: Session,
    hasher: PasswordHasher,
    who: Principal,
    kiosk_id: int,
    *,
    now: datetime,
    minutes: int,
) -> tuple[str, Kiosk, datetime]:
    """A fresh six-digit code for one kiosk, for the staff member ``who``; it replaces any
    earlier code of the kiosk. Only its argon2id hash is stored. Returns (code, kiosk, expiry).
    """
    kiosk = db.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.revoked:
        raise NotFound(f"No kiosk {kiosk_id}.")
    if not who.serves(kiosk.site_id):
        raise Forbidden("You do not serve this kiosk's site.")
    code = new_digits(6)
    expires = now + timedelta(minutes=minutes)
    values = {
        "code_hash": hasher.hash(code),
        "staff_id": who.id,
        "created_at": now,
        "expires_at": expires,
    }
    stmt = _upsert(db, UnlockCode.__table__).values(kiosk_id=kiosk_id, **values)
    db.execute(stmt.on_conflict_do_update(index_elements=["kiosk_id"], set_=values))
    audit.record(
        db,
        now=now,
        staff_id=who.id,
        action="assist_code_created",
        kiosk_id=kiosk.id,
        site_id=kiosk.site_id,
        expires_at=expires.isoformat(timespec="seconds"),
    )
    return code, kiosk, expires


# ---- what the helper does at the kiosk ----


def session_of(db: Session, kiosk: KioskRef, assist_id: int) -> AssistSession:
    """The kiosk's own assisted session; another kiosk's is "not found" (no probing)."""
    session = db.get(AssistSession, assist_id)
    if session is None or session.kiosk_id != kiosk.id:
        raise NotFound(f"This kiosk has no assisted session {assist_id}.")
    return session


def helper_of(
    db: Session, kiosk: KioskRef, assist_id: int, *, now: datetime, max_hours: int
) -> Principal:
    """The staff member helping at ``kiosk`` in the open session ``assist_id``."""
    session = session_of(db, kiosk, assist_id)
    if session.ended_at is not None or session.started_at + timedelta(hours=max_hours) <= now:
        raise Conflict(ENDED)
    staff = db.get(Staff, session.staff_id)
    if staff is None or staff.disabled:
        raise Forbidden("This staff account is disabled.")
    return accounts.principal_of(db, staff)


def record_action(db: Session, kiosk: KioskRef, body: dict[str, Any], *, now: datetime) -> int:
    """Write one action the helper took at the kiosk to the audit log, dated when it happened
    there; returns the audit entry's id. Refused (403, and audited as refused) when
    ``on_behalf_start`` names a volunteer's session or ``maintenance_exit`` a non-admin's."""
    action, assist_id = body["action"], body.get("assist_id")
    session = session_of(db, kiosk, assist_id) if assist_id is not None else None
    staff = db.get(Staff, session.staff_id) if session is not None else None
    detail: dict[str, Any] = {
        k: body[k] for k in ("assist_id", "reason", "service_area", "url") if body.get(k)
    }
    detail["received_at"] = now.isoformat(timespec="seconds")
    where = {"kiosk_id": kiosk.id, "site_id": kiosk.site_id}
    refused = None
    if staff is not None and action == "on_behalf_start" and staff.role not in ON_BEHALF_ROLES:
        refused = "Volunteers never act on a visitor's behalf; only staff may start it."
    if staff is not None and action == "maintenance_exit" and staff.role != "admin":
        refused = "Only an admin may leave the kiosk app for the desktop."
    if refused:
        audit.record(
            db,
            now=now,
            staff_id=staff.id if staff else None,
            action=f"{action}_refused",
            **where,
            **detail,
        )
        raise Forbidden(refused)
    if action == "assist_end" and session is not None and session.ended_at is None:
        session.ended_at = body["at"]
        session.end_reason = body.get("reason") or "button"
    entry = AuditEntry(
        at=body["at"],
        staff_id=staff.id if staff else None,
        action=action,
        request_id=None,
        detail=detail,
        **where,
    )
    db.add(entry)
    db.flush()
    return entry.id
