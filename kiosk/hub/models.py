"""The hub's tables (SQLAlchemy 2). Changed only together with a migration in ``migrations/``.

Privacy: help requests hold context (kiosk, place, language, demo, step...), never identity.
Secrets (kiosk tokens, session tokens, enrolment codes) are stored only as SHA-256 hashes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, also on SQLite (which forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def table_of(entity: type[Base]) -> Table:
    """The Core table of a mapped class (typed, for Core statements)."""
    return entity.__table__  # type: ignore[return-value]


class Base(DeclarativeBase):
    type_annotation_map = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON(none_as_null=True),
        list[Any]: JSON(none_as_null=True),
    }


class Site(Base):
    __tablename__ = "sites"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    address: Mapped[str] = mapped_column(String(200))
    opening_hours: Mapped[str] = mapped_column(String(200))
    guidance_hours: Mapped[str] = mapped_column(String(200))
    escalation_minutes: Mapped[int] = mapped_column(Integer)
    quick_messages: Mapped[list[Any]]
    created_at: Mapped[datetime]


class Kiosk(Base):
    __tablename__ = "kiosks"
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    place: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked: Mapped[bool] = mapped_column(Boolean)
    enrolled_at: Mapped[datetime]
    last_seen_at: Mapped[datetime | None]
    app_version: Mapped[str] = mapped_column(String(40))
    pack_versions: Mapped[dict[str, Any]]


class EnrolmentCode(Base):
    __tablename__ = "enrolment_codes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    place: Mapped[str] = mapped_column(String(120))
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    kiosk_id: Mapped[int | None] = mapped_column(ForeignKey("kiosks.id"))


class Staff(Base):
    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime]
    last_login_at: Mapped[datetime | None]
    # Assisted mode: an argon2id hash of the kiosk PIN, and the staff card's UID (upper hex).
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    card_uid: Mapped[str | None] = mapped_column(String(20), unique=True, index=True)


class StaffSite(Base):
    __tablename__ = "staff_sites"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)


class StaffSession(Base):
    __tablename__ = "staff_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class LoginFailure(Base):
    """Failed logins per name typed, whether or not such an account exists (same treatment)."""

    __tablename__ = "login_failures"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class HelpRequest(Base):
    __tablename__ = "help_requests"
    __table_args__ = (Index("ix_help_requests_site_state", "site_id", "state"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), index=True)
    place: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(3))
    text_size: Mapped[int] = mapped_column(Integer)
    read_aloud: Mapped[bool] = mapped_column(Boolean)
    demo: Mapped[str | None] = mapped_column(String(80))
    step: Mapped[str | None] = mapped_column(String(80))
    stuck_seconds: Mapped[int] = mapped_column(Integer)
    topic: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(index=True)
    claimed_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    expired_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    need_type: Mapped[str | None] = mapped_column(String(32))
    level: Mapped[int | None] = mapped_column(Integer)
    service_area: Mapped[str | None] = mapped_column(String(60))
    on_behalf: Mapped[bool | None] = mapped_column(Boolean)
    last_message: Mapped[dict[str, Any] | None]


class IdempotencyRecord(Base):
    """The first answer to a kiosk's create call, replayed for the same key."""

    __tablename__ = "idempotency_records"
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class AuditEntry(Base):
    """Staff actions: who, when, which kiosk, what kind. Visitors are never audited."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    action: Mapped[str] = mapped_column(String(40))
    kiosk_id: Mapped[int | None] = mapped_column(Integer)
    site_id: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]]


class DutyRecord(Base):
    __tablename__ = "duty"
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    on_duty: Mapped[bool] = mapped_column(Boolean)
    since: Mapped[datetime]


class Event(Base):
    """One change that kiosks or staff must learn of; ``seq`` only grows and commits in order."""

    __tablename__ = "events"
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    type: Mapped[str] = mapped_column(String(16))
    site_id: Mapped[int] = mapped_column(Integer, index=True)
    other_site_id: Mapped[int | None] = mapped_column(Integer)
    kiosk_id: Mapped[int | None] = mapped_column(Integer, index=True)
    request_id: Mapped[int | None] = mapped_column(Integer)
    kiosk_payload: Mapped[dict[str, Any] | None]
    staff_payload: Mapped[dict[str, Any] | None]


class AssistSession(Base):
    """A helper in assisted mode at one kiosk, from unlock to end (issue #8)."""

    __tablename__ = "assist_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    method: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(16))


class UnlockCode(Base):
    """The one live unlock code of a kiosk (argon2id hash: six digits are few). Deleted when
    used; replaced when a new one is made."""

    __tablename__ = "unlock_codes"
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class AssistFailure(Base):
    """Wrong PINs and codes at one kiosk; locks that kiosk's staff login for a while."""

    __tablename__ = "assist_failures"
    kiosk_id: Mapped[int] = mapped_column(ForeignKey("kiosks.id"), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failure_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]
