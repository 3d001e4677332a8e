"""The event log: every change kiosks or staff must learn of, in commit order.

:func:`emit` adds a row and remembers its wake-up keys on the session; they are published when
the session commits (see :func:`install_publisher`). On PostgreSQL an advisory transaction lock
makes events commit in ``seq`` order (a reader that saw seq N can never later miss N-1) and
``pg_notify`` tells other instances, delivered only on commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session, sessionmaker

from kiosk.hub.bus import CHANNEL, EventBus, event_keys
from kiosk.hub.db import EVENT_LOCK
from kiosk.hub.models import Event

_PENDING = "kiosk_hub_publish"


def emit(
    db: Session,
    *,
    type: str,
    now: datetime,
    site_id: int,
    kiosk_id: int | None = None,
    request_id: int | None = None,
    other_site_id: int | None = None,
    kiosk_payload: dict[str, Any] | None = None,
    staff_payload: dict[str, Any] | None = None,
) -> Event:
    """Record one event in the caller's transaction; it becomes visible on commit."""
    keys = event_keys(kiosk_id, (site_id, other_site_id))
    if type == "duty":
        keys.append(f"site-kiosks:{site_id}")
    if db.get_bind().dialect.name == "postgresql":
        db.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": EVENT_LOCK})
        db.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": ",".join(keys)})
    row = Event(
        at=now,
        type=type,
        site_id=site_id,
        other_site_id=other_site_id,
        kiosk_id=kiosk_id,
        request_id=request_id,
        kiosk_payload=kiosk_payload,
        staff_payload=staff_payload,
    )
    db.add(row)
    db.flush()
    db.info.setdefault(_PENDING, []).extend(keys)
    return row


def install_publisher(factory: sessionmaker[Session], bus: EventBus) -> None:
    """Publish the keys of a session's events after it commits; forget them on rollback."""

    @sa_event.listens_for(factory, "after_commit")
    def _after_commit(session: Session) -> None:
        keys = session.info.pop(_PENDING, None)
        if keys:
            bus.publish(set(keys))

    @sa_event.listens_for(factory, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_PENDING, None)


# Rows as plain columns (not ORM objects): several times cheaper on the long-poll path.
_COLUMNS = list(Event.__table__.columns)


def last_seq(db: Session) -> int:
    return int(db.execute(select(func.coalesce(func.max(Event.seq), 0))).scalar_one())


def _page(db: Session, query: Any, after: int, limit: int) -> tuple[list[Any], int]:
    """Rows of ``query`` after ``after`` and the cursor to pass next time.

    The newest seq is read first and the rows are bounded by it: on PostgreSQL each statement
    sees its own snapshot, so reading in this order can never skip an event.
    """
    upto = last_seq(db)
    if after >= upto:  # nothing at all is new: skip the filtered query
        return [], upto
    rows = list(db.execute(query.where(Event.seq > after, Event.seq <= upto).limit(limit)))
    return rows, rows[-1].seq if len(rows) == limit else upto


def for_kiosk(db: Session, kiosk: Any, after: int, limit: int = 100) -> tuple[list[Any], int]:
    """Events (as rows) of ``kiosk`` (a KioskRef) and duty changes at its site; and the cursor."""
    query = (
        select(*_COLUMNS)
        .where(
            or_(
                (Event.kiosk_id == kiosk.id) & Event.kiosk_payload.is_not(None),
                (Event.type == "duty") & (Event.site_id == kiosk.site_id),
            )
        )
        .order_by(Event.seq)
    )
    return _page(db, query, after, limit)


def for_staff(
    db: Session, site_ids: list[int] | None, after: int, limit: int = 200
) -> tuple[list[Any], int]:
    """Staff events after ``after`` for ``site_ids`` (None: every site, for admins)."""
    query = select(*_COLUMNS).where(Event.staff_payload.is_not(None))
    if site_ids is not None:
        query = query.where(or_(Event.site_id.in_(site_ids), Event.other_site_id.in_(site_ids)))
    return _page(db, query.order_by(Event.seq), after, limit)
