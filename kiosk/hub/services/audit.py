"""The audit log of staff actions: who, when, which kiosk, what kind. Never about visitors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from kiosk.hub.models import AuditEntry


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
