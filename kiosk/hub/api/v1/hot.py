"""The calls every kiosk makes all day, and the help button, without FastAPI's machinery.

2,000 kiosks send ~70 heartbeats and ~80 event long polls a second. Through FastAPI (routing,
dependency solving, validation and response-model serialisation on top of the work itself) each
cost the hub's event loop more than the database did (profiled under ``tests/bench``), and one
hub process spent most of a core on the fleet alone. :class:`HotPaths`, an ASGI middleware,
answers their common case directly: the same wire models validate the same way, then the same
functions as the routes in ``kiosk.py`` do the work (``heartbeat_read``, ``kiosk_events_reader``,
``create_call``). The help button (``POST /kiosk/requests``) goes the same way: it is rare, but
its latency is what a visitor waits for (issue #5 times it against a bare round trip).

Anything out of the ordinary is handed untouched to the FastAPI routes, which stay the reference
(and the OpenAPI): no bearer token, a refused token, a body or query that does not validate
cleanly, an unusual content type. So every error is answered by one implementation, and the
answers here are byte for byte the routes' (``tests/hub/test_hot_paths.py``).
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk.hub.api.v1.deps import in_write_turn, parse_bearer
from kiosk.hub.api.v1.kiosk import (
    heartbeat_read,
    heartbeat_write,
    kiosk_events_reader,
    press_button,
)
from kiosk.hub.api.v1.longpoll import long_poll
from kiosk.hub.context import Hub
from kiosk.hub.errors import Unauthorized
from kiosk.protocol.common import API_PREFIX, WireIn
from kiosk.protocol.kiosk import HeartbeatIn, HelpRequestIn, KioskEventsOut

In = TypeVar("In", bound=WireIn)

HEARTBEAT_PATH = f"{API_PREFIX}/kiosk/heartbeat"
EVENTS_PATH = f"{API_PREFIX}/kiosk/events"
REQUESTS_PATH = f"{API_PREFIX}/kiosk/requests"
# A kiosk's heartbeat is ~100 bytes; anything much larger goes the long way.
MAX_BODY = 16 * 1024
# Query values taken here; anything else (signs, exponents, spaces, repeats) goes to FastAPI.
_IDEMPOTENCY_KEY = re.compile(r"[A-Za-z0-9._:-]{8,128}")  # as idempotency.IdemKey
_AFTER = re.compile(r"0|[1-9][0-9]{0,18}")
_WAIT = re.compile(r"[0-9]{1,2}(\.[0-9]{1,6})?")
_MAX_AFTER = 2**62
_MAX_WAIT = 60.0


class HotPaths:
    """``POST /kiosk/heartbeat`` and ``GET /kiosk/events`` on their common path; every other
    request (and every unusual one of these) passes to ``app``."""

    def __init__(self, app: ASGIApp, hub: Hub) -> None:
        self.app = app
        self.hub = hub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if path == HEARTBEAT_PATH and scope["method"] == "POST":
                await self._heartbeat(scope, receive, send)
                return
            if path == EVENTS_PATH and scope["method"] == "GET":
                await self._events(scope, receive, send)
                return
            if path == REQUESTS_PATH and scope["method"] == "POST":
                await self._create(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _create(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The visitor's button (the call the benchmark times)."""
        body, replay = await _read_body(receive)
        token, content_type = _headers(scope)
        key = _idempotency_key(scope)
        ask = _body_in(HelpRequestIn, body, content_type) if token and key else None
        if token is None or key is None or ask is None:
            await self.app(scope, replay, send)
            return
        hub = self.hub
        try:
            response = await press_button(hub, token, ask, key)
        except Unauthorized:
            await self.app(scope, replay, send)
            return
        await response(scope, replay, send)

    async def _heartbeat(self, scope: Scope, receive: Receive, send: Send) -> None:
        body, replay = await _read_body(receive)
        token, content_type = _headers(scope)
        beat = _body_in(HeartbeatIn, body, content_type) if token is not None else None
        if token is None or beat is None:
            await self.app(scope, replay, send)
            return
        hub = self.hub
        try:
            out, kiosk_id, changes = await hub.read(
                lambda engine: heartbeat_read(hub, engine, token, beat)
            )
        except Unauthorized:
            await self.app(scope, replay, send)
            return
        if changes:
            await in_write_turn(hub, lambda: heartbeat_write(hub, kiosk_id, changes))
        await _send_json(send, out.model_dump_json().encode())

    async def _events(self, scope: Scope, receive: Receive, send: Send) -> None:
        token, _ = _headers(scope)
        query = _events_query(scope.get("query_string", b""))
        if token is None or query is None:
            await self.app(scope, receive, send)
            return
        after, wait = query
        wait = min(wait, self.hub.settings.events.long_poll_seconds)
        read, fresh = kiosk_events_reader(self.hub, token, after)
        try:
            found, last = await long_poll(self.hub, read, wait, fresh)
        except Unauthorized:
            await self.app(scope, receive, send)
            return
        out = KioskEventsOut(events=found, last_seq=last)
        await _send_json(send, out.model_dump_json().encode())


def _headers(scope: Scope) -> tuple[str | None, str | None]:
    """(bearer token, content type) as the routes read them (the first of each header)."""
    authorization = content_type = None
    for name, value in scope["headers"]:
        if name == b"authorization" and authorization is None:
            authorization = value.decode("latin-1")
        elif name == b"content-type" and content_type is None:
            content_type = value.decode("latin-1")
    token = parse_bearer(authorization) if authorization is not None else None
    return token, content_type


def _idempotency_key(scope: Scope) -> str | None:
    """The one ``Idempotency-Key`` header, if it is valid, else None (FastAPI decides)."""
    found = [v for n, v in scope["headers"] if n == b"idempotency-key"]
    if len(found) != 1:
        return None
    key = found[0].decode("latin-1")
    return key if _IDEMPOTENCY_KEY.fullmatch(key) else None


def _body_in(model: type[In], body: bytes | None, content_type: str | None) -> In | None:
    """The body as FastAPI would validate it (JSON, then the strict wire model), or None."""
    if not body:
        return None
    if content_type is not None:
        media = content_type.partition(";")[0].strip().lower()
        if media != "application/json":
            return None
    try:
        return model.model_validate(json.loads(body))
    except (ValueError, ValidationError):  # json.JSONDecodeError and UnicodeDecodeError too
        return None


def _events_query(raw: bytes) -> tuple[int, float] | None:
    """(after, wait) from ``?after=N&wait=S`` in plain decimal, else None (FastAPI decides)."""
    after, wait = 0, 25.0
    seen: set[bytes] = set()
    for part in raw.split(b"&") if raw else ():
        name, eq, value = part.partition(b"=")
        if name not in (b"after", b"wait"):
            if b"%" in name or b"+" in name:
                return None  # an encoded name might decode to after/wait
            continue
        if name in seen or not eq:
            return None
        seen.add(name)
        text = value.decode("ascii", "replace")
        if name == b"after":
            if not _AFTER.fullmatch(text) or int(text) > _MAX_AFTER:
                return None
            after = int(text)
        else:
            if not _WAIT.fullmatch(text) or float(text) > _MAX_WAIT:
                return None
            wait = float(text)
    return after, wait


async def _read_body(receive: Receive) -> tuple[bytes | None, Receive]:
    """The whole body (None when over ``MAX_BODY`` or the client left), and a ``receive``
    that gives the app the same messages again."""
    chunks: list[bytes] = []
    size = 0
    held: list[Message] = []
    complete = False
    while True:
        message = await receive()
        held.append(message)
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            complete = True
            break
        if size > MAX_BODY:
            break

    async def replay() -> Message:
        if held:
            return held.pop(0)
        return await receive()

    return (b"".join(chunks) if complete and size <= MAX_BODY else None), replay


_JSON = (b"content-type", b"application/json")


async def _send_json(send: Send, body: bytes) -> None:
    headers: list[Any] = [(b"content-length", str(len(body)).encode()), _JSON]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})
