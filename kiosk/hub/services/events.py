"""The event log: every change kiosks or staff must learn of, in commit order.

:func:`emit` adds a row and remembers its wake-up keys on the session; they are published when
the session commits (see :func:`install_publisher`). On PostgreSQL an advisory transaction lock
makes events commit in ``seq`` order (a reader that saw seq N can never later miss N-1) and
``pg_notify`` tells other instances, delivered only on commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import BindParameter, Connection, bindparam, func, insert, or_, select, text
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, sessionmaker

from kiosk.hub.bus import CHANNEL, EventBus, event_keys
from kiosk.hub.db import EVENT_LOCK
from kiosk.hub.lite import LoopWriter
from kiosk.hub.models import Event, table_of

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
    keys = _announce(db, db.get_bind().dialect.name, type, site_id, kiosk_id, other_site_id)
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


def emit_core(
    conn: Connection | LoopWriter,
    *,
    type: str,
    now: datetime,
    site_id: int,
    kiosk_id: int | None = None,
    request_id: int | None = None,
    other_site_id: int | None = None,
    kiosk_payload: dict[str, Any] | None = None,
    staff_payload: dict[str, Any] | None = None,
) -> tuple[list[str], EventRow]:
    """:func:`emit` for a plain Core transaction. Returns the wake-up keys and the row as the
    table will give it back: the caller publishes both on the bus after its commit (no
    session publishes them for it)."""
    keys = _announce(conn, conn.dialect.name, type, site_id, kiosk_id, other_site_id)
    values: dict[str, Any] = {
        "at": now,
        "type": type,
        "site_id": site_id,
        "other_site_id": other_site_id,
        "kiosk_id": kiosk_id,
        "request_id": request_id,
        "kiosk_payload": kiosk_payload,
        "staff_payload": staff_payload,
    }
    key = conn.execute(_INSERT, values).inserted_primary_key
    assert key is not None
    return keys, EventRow(seq=int(key[0]), **values)


class EventRow(NamedTuple):
    """An events row as the readers below return it (the columns of ``Event``)."""

    seq: int
    at: datetime
    type: str
    site_id: int
    other_site_id: int | None
    kiosk_id: int | None
    request_id: int | None
    kiosk_payload: dict[str, Any] | None
    staff_payload: dict[str, Any] | None


def _announce(
    db: Session | Connection | LoopWriter,
    dialect: str,
    type: str,
    site_id: int,
    kiosk_id: int | None,
    other_site_id: int | None,
) -> list[str]:
    """The event's wake-up keys; on PostgreSQL also the commit-order lock and the NOTIFY."""
    keys = event_keys(kiosk_id, (site_id, other_site_id))
    if type == "duty":
        keys.append(f"site-kiosks:{site_id}")
    if dialect == "postgresql":
        # One round trip: the NOTIFY is delivered at commit and the lock held until then,
        # whichever of the two the server evaluates first.
        db.execute(_LOCK_AND_NOTIFY, {"k": EVENT_LOCK, "c": CHANNEL, "p": ",".join(keys)})
    return keys


_INSERT = insert(table_of(Event))
_LOCK_AND_NOTIFY = text("SELECT pg_advisory_xact_lock(:k), pg_notify(:c, :p)")


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
_COLUMNS = list(table_of(Event).columns)
LAST_SEQ = select(func.coalesce(func.max(Event.seq), 0))
# Built once: every kiosk's long poll runs it (see fleet._BY_TOKEN for why).
_FOR_KIOSK = (
    select(*_COLUMNS)
    .where(
        or_(
            (Event.kiosk_id == bindparam("kiosk_id")) & Event.kiosk_payload.is_not(None),
            (Event.type == "duty") & (Event.site_id == bindparam("site_id")),
        ),
        Event.seq > bindparam("after"),
        Event.seq <= bindparam("upto"),
    )
    .order_by(Event.seq)
    .limit(bindparam("limit"))
)


def last_seq(db: Session | Connection) -> int:
    return int(db.execute(LAST_SEQ).scalar_one())


def kiosk_sees(row: Any, kiosk: Any) -> bool:
    """:data:`_FOR_KIOSK`'s condition on one row (for rows published on the bus)."""
    return (row.kiosk_id == kiosk.id and row.kiosk_payload is not None) or (
        row.type == "duty" and row.site_id == kiosk.site_id
    )


def for_kiosk(
    db: Session | Connection, kiosk: Any, after: int, limit: int = 100, upto: int | None = None
) -> tuple[list[Any], int]:
    """Events (as rows) of ``kiosk`` (a KioskRef) and duty changes at its site; and the cursor.

    ``upto``: the newest seq, when the caller has just read it (it must be read first, as
    :func:`for_staff` explains).
    """
    if upto is None:
        upto = last_seq(db)
    if after >= upto:
        return [], upto
    params = {
        "kiosk_id": kiosk.id,
        "site_id": kiosk.site_id,
        "after": after,
        "upto": upto,
        "limit": limit,
    }
    rows = list(db.execute(_FOR_KIOSK, params))
    return rows, rows[-1].seq if len(rows) == limit else upto


_sites: BindParameter[list[int]] = bindparam("site_ids", expanding=True)
_FOR_STAFF = (
    select(*_COLUMNS)
    .where(
        Event.staff_payload.is_not(None),
        Event.seq > bindparam("after"),
        Event.seq <= bindparam("upto"),
    )
    .order_by(Event.seq)
    .limit(bindparam("limit"))
)
_FOR_STAFF_SITES = _FOR_STAFF.where(or_(Event.site_id.in_(_sites), Event.other_site_id.in_(_sites)))


def staff_sees(row: Any, site_ids: list[int] | None) -> bool:
    """:data:`_FOR_STAFF_SITES`'s condition on one row (for rows published on the bus)."""
    if row.staff_payload is None:
        return False
    return site_ids is None or row.site_id in site_ids or row.other_site_id in site_ids


def for_staff(
    db: Session | Connection, site_ids: list[int] | None, after: int, limit: int = 200
) -> tuple[list[Any], int]:
    """Staff events after ``after`` for ``site_ids`` (None: every site, for admins).

    The newest seq is read first and the rows are bounded by it: on PostgreSQL each statement
    sees its own snapshot, so reading in this order can never skip an event.
    """
    upto = last_seq(db)
    if after >= upto:  # nothing at all is new: skip the filtered query
        return [], upto
    params: dict[str, Any] = {"after": after, "upto": upto, "limit": limit}
    if site_ids is None:
        rows = list(db.execute(_FOR_STAFF, params))
    else:
        rows = list(db.execute(_FOR_STAFF_SITES, {**params, "site_ids": site_ids}))
    return rows, rows[-1].seq if len(rows) == limit else upto
