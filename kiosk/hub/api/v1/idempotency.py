"""Exactly-once kiosk calls: the first answer to ``(kiosk, Idempotency-Key)`` is stored with a
hash of the body and replayed byte for byte; the same key with another body is a 409.

Used by ``POST /kiosk/requests`` and ``POST /kiosk/assist/actions`` (the kiosk's outbox retries
both until it has an answer)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Protocol

from fastapi import Header
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.responses import Response

from kiosk.hub.context import Hub
from kiosk.hub.models import IdempotencyRecord
from kiosk.hub.services import fleet
from kiosk.hub.services.fleet import KioskRef
from kiosk.protocol.common import IDEMPOTENCY_HEADER, REPLAY_HEADER, ErrorOut

IdemKey = Annotated[
    str,
    Header(alias=IDEMPOTENCY_HEADER, min_length=8, max_length=128, pattern=r"^[A-Za-z0-9._:-]+$"),
]
#: Does the work in the caller's transaction; returns (status, JSON text) to store and send.
Work = Callable[[Session, KioskRef, datetime], tuple[int, str]]


def body_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Stored(Protocol):
    """A stored first answer: an ``IdempotencyRecord`` or a ``requests.Answer``."""

    @property
    def request_hash(self) -> str: ...
    @property
    def status_code(self) -> int: ...
    @property
    def body(self) -> str: ...


def replay(record: Stored, hashed: str) -> Response:
    if record.request_hash != hashed:
        return Response(
            ErrorOut(
                detail=f"This {IDEMPOTENCY_HEADER} was already used for a different request; "
                "use a new key for a new request."
            ).model_dump_json(),
            status_code=409,
            media_type="application/json",
        )
    return Response(
        record.body,
        status_code=record.status_code,
        media_type="application/json",
        headers={REPLAY_HEADER: "true"},
    )


def run_once(hub: Hub, token: str, key: str, hashed: str, work: Work) -> Response:
    """Authenticate the kiosk, then replay or do ``work`` and store its answer, in one
    transaction (one worker-thread hop: the help button's path is timed by the benchmark)."""
    with hub.sessions() as db:
        kiosk = fleet.kiosk_by_token(db, token)
        record = db.get(IdempotencyRecord, (kiosk.id, key))
        if record is not None:
            return replay(record, hashed)
        now = hub.clock()
        status, text = work(db, kiosk, now)
        db.add(
            IdempotencyRecord(
                kiosk_id=kiosk.id,
                key=key,
                request_hash=hashed,
                status_code=status,
                body=text,
                created_at=now,
            )
        )
        try:
            db.commit()
        except IntegrityError:
            # The same key arrived twice at once and the other call won: answer as it did.
            db.rollback()
            record = db.get(IdempotencyRecord, (kiosk.id, key))
            if record is None:
                raise
            return replay(record, hashed)
    return Response(text, status_code=status, media_type="application/json")
