"""AssistGateway: the assisted mode's calls to the hub, on a worker thread of its own.

- :meth:`unlock` asks the hub to switch a helper in (card + PIN, staff number + PIN, one-time
  code) and answers with an :class:`UnlockResult`: ok, wrong, locked (with the seconds of the
  lock), unreachable or forbidden.
- :meth:`check_emergency` checks the site emergency code against its argon2id hash from the
  settings (the hub is not needed; the check takes a noticeable moment, so not on the UI thread).
- :meth:`record` hands an audit action to the link's durable outbox (actions.py) with a fresh
  idempotency key: it is delivered exactly once, also after the hub was away.
- :meth:`claim` and :meth:`resolve` act on the visitor's own help request.

Every answer comes back through ``on_main`` (the app's Clock hand-off); nothing here waits on
the UI thread. PINs and codes are passed through, never logged or kept.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from kiosk.services.hublink.client import HubRefused, HubUnreachable, TokenRefused
from kiosk.services.hublink.outbox import new_key

log = logging.getLogger("kiosk.hublink.assist")

UnlockOutcome = Literal["ok", "wrong", "locked", "unreachable", "forbidden"]
CallOutcome = Literal["ok", "unreachable", "forbidden", "refused"]


@dataclass(frozen=True)
class UnlockResult:
    outcome: UnlockOutcome
    #: The hub's ``AssistUnlockOut`` (assist_id, display_name, role, flags) when ok.
    helper: Any = None
    #: Seconds until the staff login opens again, when locked (None: the hub did not say).
    retry_after: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class CallResult:
    outcome: CallOutcome
    detail: str = ""


def unlock_result(call: Callable[[], Any]) -> UnlockResult:
    """Run one unlock call and name its outcome (shared by the gateway and its fake)."""
    try:
        return UnlockResult("ok", helper=call())
    except TokenRefused as exc:
        # 401: the PIN, number, card or code is wrong (one sentence whichever it was).
        return UnlockResult("wrong", detail=exc.detail)
    except HubRefused as exc:
        if exc.status == 429:
            return UnlockResult("locked", retry_after=exc.retry_after, detail=exc.user_message)
        if exc.status == 403:
            return UnlockResult("forbidden", detail=exc.user_message)
        if exc.status in (404, 405):
            # A hub without assisted mode cannot check anyone: as if it were away.
            return UnlockResult("unreachable", detail=exc.user_message)
        return UnlockResult("wrong", detail=exc.user_message)
    except HubUnreachable as exc:
        return UnlockResult("unreachable", detail=exc.detail or exc.user_message)


def call_result(call: Callable[[], Any]) -> CallResult:
    try:
        call()
    except (HubUnreachable, TokenRefused) as exc:
        return CallResult("unreachable", exc.detail or exc.user_message)
    except HubRefused as exc:
        return CallResult("forbidden" if exc.status == 403 else "refused", exc.user_message)
    return CallResult("ok")


def verify_code(code_hash: str, code: str) -> bool:
    """True when ``code`` matches the argon2id ``code_hash`` (False for an empty hash)."""
    if not code_hash or not code:
        return False
    from argon2 import PasswordHasher
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return PasswordHasher().verify(code_hash, code)
    except VerificationError:
        return False
    except InvalidHashError:
        log.error("[assist] emergency_code_hash is not a valid argon2 hash")
        return False


class AssistGateway:
    """``link`` is the app's HubLink (None: no hub; only the emergency code works then)."""

    def __init__(
        self,
        link: Any,
        *,
        emergency_hash: str,
        on_main: Callable[[Callable[[], None]], None],
    ) -> None:
        self.link = link
        self._hash = emergency_hash
        self._on_main = on_main
        self._jobs: queue.SimpleQueue[Callable[[Any], None] | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    @property
    def has_emergency_code(self) -> bool:
        return bool(self._hash)

    # -- the UI's side: each returns at once ------------------------------------------------
    def unlock(self, fields: dict[str, Any], on_done: Callable[[UnlockResult], None]) -> None:
        """``fields``: an ``AssistUnlockIn`` body (method and its fields)."""
        body = dict(fields)
        if self.link is None:
            self._on_main(lambda: on_done(UnlockResult("unreachable", detail="no hub link")))
            return
        self._run(lambda client: unlock_result(lambda: client.assist_unlock(body)), on_done)

    def check_emergency(self, code: str, on_done: Callable[[bool], None]) -> None:
        self._run(lambda _client: verify_code(self._hash, code), on_done)

    def record(self, body: dict[str, Any]) -> str:
        """Queue an audit action for the hub; its idempotency key."""
        key = new_key()
        if self.link is None:
            log.warning("no hub link: assist action %s not audited", body.get("action"))
        else:
            self.link.record_action(key, body)
        return key

    def claim(self, request_id: int, assist_id: int, on_done: Callable[[CallResult], None]) -> None:
        self._call(lambda c: c.assist_claim(request_id, assist_id), on_done)

    def resolve(
        self, request_id: int, body: dict[str, Any], on_done: Callable[[CallResult], None]
    ) -> None:
        self._call(lambda c: c.assist_resolve(request_id, dict(body)), on_done)

    def close(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(0.5)

    # -- the worker ---------------------------------------------------------------------------
    def _call(self, call: Callable[[Any], Any], on_done: Callable[[CallResult], None]) -> None:
        if self.link is None:
            self._on_main(lambda: on_done(CallResult("unreachable", "no hub link")))
            return
        self._run(lambda client: call_result(lambda: call(client)), on_done)

    def _run(self, work: Callable[[Any], Any], on_done: Callable[[Any], None]) -> None:
        def job(client: Any) -> None:
            result = work(client)
            self._on_main(lambda: on_done(result))

        if self._thread is None:
            self._thread = threading.Thread(target=self._worker, name="assist", daemon=True)
            self._thread.start()
        self._jobs.put(job)

    def _worker(self) -> None:
        client = None
        try:
            while (job := self._jobs.get()) is not None:
                if client is None and self.link is not None:
                    client = self.link.new_client()
                job(client)
        finally:
            if client is not None:
                client.close()
