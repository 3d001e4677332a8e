"""The audit log of staff actions: who, when, which kiosk, what kind. Never about visitors.

Written in the caller's transaction (:func:`record`); read by admins as JSON or CSV
(:func:`query`, :func:`csv_lines`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from kiosk.hub.models import AuditEntry, Staff


def record(
    db: Session,
    *,
    now: datetime,
    staff_id: int | None,
    action: str,
    kiosk_id: int | None = None,
    site_id: int | None = None,
    request_id: int | None = None,
    **detail: Any,
) -> None:
    """Add one audit entry in the caller's transaction."""
    db.add(
        AuditEntry(
            at=now,
            staff_id=staff_id,
            action=action,
            kiosk_id=kiosk_id,
            site_id=site_id,
            request_id=request_id,
            detail=detail,
        )
    )


@dataclass(frozen=True)
class AuditFilter:
    """What an admin asks of the audit log; every part optional. ``until`` is exclusive."""

    since: datetime | None = None
    until: datetime | None = None
    kiosk_id: int | None = None
    staff_id: int | None = None
    action: str | None = None

    def as_detail(self) -> dict[str, Any]:
        """The filter as it is written to the audit entry of an export."""
        return {
            k: v.isoformat() if isinstance(v, datetime) else v
            for k, v in self.__dict__.items()
            if v is not None
        }


def query(filters: AuditFilter, limit: int | None) -> Select:  # type: ignore[type-arg]
    """Entries matching ``filters`` with the staff member's login name, newest first."""
    stmt = select(AuditEntry, Staff.name).outerjoin(Staff, Staff.id == AuditEntry.staff_id)
    if filters.since is not None:
        stmt = stmt.where(AuditEntry.at >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(AuditEntry.at < filters.until)
    if filters.kiosk_id is not None:
        stmt = stmt.where(AuditEntry.kiosk_id == filters.kiosk_id)
    if filters.staff_id is not None:
        stmt = stmt.where(AuditEntry.staff_id == filters.staff_id)
    if filters.action:
        stmt = stmt.where(AuditEntry.action == filters.action)
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    return stmt.limit(limit) if limit is not None else stmt


def entries(db: Session, filters: AuditFilter, limit: int) -> list[tuple[AuditEntry, str | None]]:
    return [(row[0], row[1]) for row in db.execute(query(filters, limit))]


CSV_COLUMNS = (
    "id",
    "at",
    "staff_id",
    "staff_name",
    "action",
    "kiosk_id",
    "site_id",
    "request_id",
    "detail",
)
# Why: a spreadsheet runs a cell that starts with one of these as a formula ("CSV injection");
# staff names and details come from people, so such a cell gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_lines(rows: Iterable[tuple[AuditEntry, str | None]]) -> Iterator[str]:
    """The CSV text in pieces: a header row, then one row per entry (RFC 4180 quoting)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for n, (entry, name) in enumerate(rows, 1):
        writer.writerow(
            _cell(v)
            for v in (
                entry.id,
                entry.at,
                entry.staff_id,
                name,
                entry.action,
                entry.kiosk_id,
                entry.site_id,
                entry.request_id,
                entry.detail or {},
            )
        )
        if n % 500 == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
