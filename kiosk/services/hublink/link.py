"""HubLink: the kiosk's side of "Call a helper", on two worker threads, free of Kivy.

- The **sender** thread owns the outbox. It stores each new request (committed to disk) before
  trying to send it, delivers due requests with their idempotency key, retries with capped,
  jittered exponential backoff while the hub is unreachable, sends cancels, expires requests
  that grew too old to send, sends a heartbeat every ``heartbeat_seconds``, and refreshes the
  open request's place in the queue while the visitor waits.
- The sender also delivers the assisted mode's audit actions (actions.py), oldest first, each
  exactly once by its idempotency key, however long the hub was away.
- The **events** thread long-polls ``GET /kiosk/events`` and reconnects by itself with backoff;
  a claim, a staff message or an expiry reaches the screen within about a second.

Every change of the visitor's :class:`HelpStatus` is handed to the UI through ``on_main(fn)``
(the app passes a ``Clock.schedule_once`` wrapper); nothing here touches widgets or waits on the
UI thread, and :meth:`call` and :meth:`cancel` only queue work and return at once.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.services.hublink.actions import ActionQueue
from kiosk.services.hublink.backoff import Backoff
from kiosk.services.hublink.client import HubClient, HubRefused, HubUnreachable, TokenRefused
from kiosk.services.hublink.outbox import Outbox, OutboxItem, new_key
from kiosk.services.hublink.status import HelpStatus

log = logging.getLogger("kiosk.hublink")
#: Longest the sender sleeps between looks at its clock (it is woken early for new work).
MAX_NAP = 1.0
#: Finished outbox rows are kept this long, then pruned (seconds).
KEEP_FINISHED = 7 * 86_400
_FINAL_EVENTS = {"resolved": "resolved", "cancelled": "cancelled", "expired": "expired"}


@dataclasses.dataclass(frozen=True)
class LinkTimings:
    """The [hub] settings the link uses (kiosk.config.HubSettings has these fields)."""

    heartbeat_seconds: float
    retry_first_seconds: float
    retry_max_seconds: float
    status_refresh_seconds: float
    long_poll_seconds: float
    request_timeout_seconds: float
    outbox_max_age_minutes: float

    @classmethod
    def from_settings(cls, hub: Any) -> LinkTimings:
        return cls(**{f.name: getattr(hub, f.name) for f in dataclasses.fields(cls)})


class HubLink:
    """One kiosk's link to its hub. ``start()`` once, ``stop()`` at the end."""

    def __init__(
        self,
        *,
        url: str,
        token: str,
        outbox_path: Path,
        timings: LinkTimings,
        on_status: Callable[[HelpStatus], None],
        on_main: Callable[[Callable[[], None]], None] = lambda fn: fn(),
        now: Callable[[], float] = time.time,
        in_session: Callable[[], bool] = lambda: False,
        app_version: str = "",
        client_factory: Callable[..., Any] = HubClient,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.url, self._token, self.outbox_path, self.t = url, token, outbox_path, timings
        self._on_status, self._on_main, self._now = on_status, on_main, now
        self._in_session, self._app_version = in_session, app_version
        self._client_factory = client_factory
        self._backoff = Backoff(timings.retry_first_seconds, timings.retry_max_seconds, rand)
        self._jobs: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._cursor_ready = threading.Event()
        self._cursor = 0
        self._lock = threading.Lock()  # guards _status (both threads update it)
        self._status = HelpStatus()
        self._reported: HelpStatus | None = None
        self._threads: list[threading.Thread] = []
        self._next_heartbeat = 0.0
        self._heartbeat_failures = 0
        self._next_refresh = 0.0
        self._refresh_now = threading.Event()
        self._actions: ActionQueue | None = None  # the sender thread's own
        self.delivered = 0  # deliveries this run (for tests and benchmarks)

    # -- the UI's side: queue work, never wait ------------------------------------------------
    def start(self) -> None:
        for name, target in (("hublink-sender", self._sender), ("hublink-events", self._events)):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 2.0) -> None:
        """Stop both threads; undelivered requests stay in the outbox for the next start."""
        self._stopping.set()
        self._wake.set()
        self._cursor_ready.set()
        # The sender stops at once (it is woken). The events thread may sit in a long poll for
        # up to long_poll_seconds: it is a daemon that hands nothing on after the stop, so it is
        # given only a moment and then left to end with its poll.
        for thread in self._threads:
            thread.join(timeout if thread.name == "hublink-sender" else 0.2)

    def call(self, context: dict[str, Any], key: str | None = None) -> str:
        """Ask for a helper with these context fields (see outbox.CONTEXT_FIELDS); returns the
        request's idempotency key, which every :class:`HelpStatus` about it carries."""
        key = key or new_key()
        self._jobs.put(("call", (key, dict(context))))
        self._wake.set()
        return key

    def cancel(self) -> None:
        """Cancel the open request, if any (also when the session ends)."""
        self._jobs.put(("cancel", None))
        self._wake.set()

    def record_action(self, key: str, body: dict[str, Any]) -> None:
        """Queue an assisted-mode audit action (``AssistActionIn`` fields) under ``key``: stored
        on disk by the sender, then delivered exactly once. Returns at once."""
        self._jobs.put(("action", (key, dict(body))))
        self._wake.set()

    def new_client(self) -> Any:
        """A client of this hub with this kiosk's token, for one thread's direct calls."""
        return self._client_factory(self.url, self._token, timeout=self.t.request_timeout_seconds)

    @property
    def status(self) -> HelpStatus:
        with self._lock:
            return self._status

    # -- status hand-off ----------------------------------------------------------------------
    def _set(self, **changes: Any) -> None:
        if self._stopping.is_set():
            return  # the app is going away: hand nothing more to its UI thread
        with self._lock:
            self._status = dataclasses.replace(self._status, **changes)
            snapshot = self._status
            if snapshot == self._reported:
                return
            self._reported = snapshot
        self._on_main(lambda: self._on_status(snapshot))

    def _set_from_request(self, out: Any) -> None:
        phase = {"waiting": "waiting", "claimed": "claimed"}.get(out.state, out.state)
        message = out.last_message.text if out.last_message is not None else None
        self._set(
            phase=phase,
            request_id=out.id,
            position=out.position,
            expected_wait_seconds=out.expected_wait_seconds,
            helper_name=out.helper_name,
            escalated=out.escalated,
            message=message,
        )

    # -- the sender thread --------------------------------------------------------------------
    def _sender(self) -> None:
        outbox = Outbox.open(self.outbox_path)
        self._actions = ActionQueue.open(self.outbox_path)
        client = self.new_client()
        try:
            self._resume(outbox, client)
            while not self._stopping.is_set():
                self._sender_round(outbox, client)
                self._nap(outbox)
        finally:
            self._store_queued_actions()
            client.close()
            outbox.close()
            self._actions.close()

    def _store_queued_actions(self) -> None:
        """At the stop: actions still queued go to disk (delivered at the next start)."""
        while True:
            try:
                job, arg = self._jobs.get_nowait()
            except queue.Empty:
                return
            if job == "action":
                self._job_action(None, arg)

    def _resume(self, outbox: Outbox, client: Any) -> None:
        """After a (re)start: expire what is too old, try the rest now, report the open one."""
        self._expire(outbox)
        outbox.prune(before=self._now() - KEEP_FINISHED)
        if self._actions is not None:
            self._actions.prune(before=self._now() - KEEP_FINISHED)
        item = outbox.latest_open()
        if item is None:
            return
        if item.state == "pending":
            self._set(phase="sending", key=item.key)
        else:
            self._set(phase="waiting", key=item.key, request_id=item.hub_id)
            self._refresh_now.set()

    def _sender_round(self, outbox: Outbox, client: Any) -> None:
        while True:
            try:
                job, arg = self._jobs.get_nowait()
            except queue.Empty:
                break
            getattr(self, f"_job_{job}")(outbox, arg)
        self._expire(outbox)
        now = self._now()
        for item in outbox.due(now=now):
            self._deliver(outbox, client, item)
        for item in outbox.cancels_due(now=now):
            self._send_cancel(outbox, client, item)
        if self._actions is not None:
            self._actions.deliver_due(client, now=now, delay=self._backoff.delay)
        if now >= self._next_heartbeat:
            self._heartbeat(client)
        self._refresh(client)

    def _nap(self, outbox: Outbox) -> None:
        now = self._now()
        due = [self._next_heartbeat, now + MAX_NAP]
        if (next_due := outbox.next_due()) is not None:
            due.append(next_due)
        if self._actions is not None and (next_action := self._actions.next_due()) is not None:
            due.append(next_action)
        self._wake.wait(max(0.0, min(due) - now))
        self._wake.clear()

    def _job_call(self, outbox: Outbox, job: tuple[str, dict[str, Any]]) -> None:
        key, context = job
        current = self.status
        if current.open and current.key is not None:
            log.info("a request is already open; not adding another")
            return
        item = outbox.add(context, now=self._now(), key=key)  # committed before any send
        self._set(
            phase="sending",
            key=item.key,
            request_id=None,
            position=None,
            expected_wait_seconds=None,
            helper_name=None,
            message=None,
            escalated=False,
        )

    def _job_action(self, _outbox: Outbox | None, job: tuple[str, dict[str, Any]]) -> None:
        key, body = job
        if self._actions is not None:
            self._actions.add(key, body, now=self._now())  # committed before any send

    def _job_cancel(self, outbox: Outbox, _arg: object) -> None:
        key = self.status.key
        if key is not None and self.status.open:
            outbox.want_cancel(key, now=self._now())
        self._set(phase="cancelled")

    def _job_closed(self, outbox: Outbox, key: str) -> None:
        outbox.close_delivered(key)

    def _expire(self, outbox: Outbox) -> None:
        max_age = self.t.outbox_max_age_minutes * 60
        for item in outbox.expire_old(now=self._now(), max_age_seconds=max_age):
            log.warning("help request %s was too old to send; marked expired", item.key)
            if item.key == self.status.key:
                self._set(phase="expired")

    def _deliver(self, outbox: Outbox, client: Any, item: OutboxItem) -> None:
        try:
            out = client.create_request(item.key, item.body(self._now()))
        except (HubUnreachable, TokenRefused) as exc:
            retry_at = self._now() + self._backoff.delay(item.attempts + 1)
            outbox.mark_failed(item.key, error=exc.detail or exc.user_message, retry_at=retry_at)
            log.info("hub unreachable (%s); retrying %s", exc.user_message, item.key)
            if item.key == self.status.key and self.status.phase == "sending":
                self._set(phase="unreachable")
            return
        except HubRefused as exc:
            # The hub will never take this body (a bug, not a network problem): stop trying,
            # record why, and tell the visitor to go to the desk.
            log.error("hub refused help request %s: %s", item.key, exc.user_message)
            outbox.give_up(item.key, now=self._now(), error=exc.user_message)
            if item.key == self.status.key:
                self._set(phase="expired")
            return
        if outbox.mark_delivered(item.key, out.id, now=self._now()):
            self.delivered += 1
        if item.key == self.status.key:
            self._set_from_request(out)
            self._next_refresh = self._now() + self.t.status_refresh_seconds
            if item.attempts > 0:
                # A retry may get the hub's replay of its first answer, older than the request
                # (and its events were not ours yet): ask for the request as it is now.
                self._refresh_now.set()

    def _send_cancel(self, outbox: Outbox, client: Any, item: OutboxItem) -> None:
        try:
            client.cancel_request(item.hub_id)
        except (HubUnreachable, TokenRefused) as exc:
            retry_at = self._now() + self._backoff.delay(item.attempts + 1)
            outbox.mark_failed(item.key, error=exc.detail or exc.user_message, retry_at=retry_at)
            return
        except HubRefused:
            pass  # already resolved or expired on the hub: nothing left to cancel
        outbox.mark_cancel_sent(item.key, now=self._now())

    def _heartbeat(self, client: Any) -> None:
        try:
            beat = client.heartbeat(self._app_version, bool(self._in_session()))
        except (HubUnreachable, TokenRefused, HubRefused) as exc:
            # Until the first one goes through the event poll has no cursor, so retry sooner
            # than the heartbeat interval, backing off like a delivery.
            self._heartbeat_failures += 1
            log.info("heartbeat failed: %s", exc.user_message)
            wait = self._backoff.delay(self._heartbeat_failures)
            self._next_heartbeat = self._now() + min(self.t.heartbeat_seconds, wait)
            return
        self._heartbeat_failures = 0
        self._next_heartbeat = self._now() + self.t.heartbeat_seconds
        if not self._cursor_ready.is_set():
            self._cursor = beat.last_event_seq
            self._cursor_ready.set()
        self._set(helper_on_duty=beat.helper_on_duty)

    def _refresh(self, client: Any) -> None:
        """While a delivered request is open, ask for its place in the queue now and then."""
        status = self.status
        if status.request_id is None or status.phase not in ("waiting", "claimed"):
            return
        if not self._refresh_now.is_set() and self._now() < self._next_refresh:
            return
        self._refresh_now.clear()
        self._next_refresh = self._now() + self.t.status_refresh_seconds
        try:
            out = client.get_request(status.request_id)
        except (HubUnreachable, TokenRefused, HubRefused) as exc:
            log.info("status refresh failed: %s", exc.user_message)
            return
        if self.status.request_id == out.id and self.status.open:
            self._set_from_request(out)
            if out.state in _FINAL_EVENTS and status.key:
                self._jobs.put(("closed", status.key))

    # -- the events thread --------------------------------------------------------------------
    def _events(self) -> None:
        self._cursor_ready.wait()
        client = self._client_factory(self.url, self._token, timeout=self.t.request_timeout_seconds)
        failures = 0
        try:
            while not self._stopping.is_set():
                try:
                    page = client.events(self._cursor, self.t.long_poll_seconds)
                except (HubUnreachable, TokenRefused, HubRefused) as exc:
                    failures += 1
                    log.info("event poll failed (%s); reconnecting", exc.user_message)
                    self._stopping.wait(self._backoff.delay(failures))
                    continue
                failures = 0
                for event in page.events:
                    self._on_event(event)
                self._cursor = page.last_seq
        finally:
            client.close()

    def _on_event(self, event: Any) -> None:
        if event.type == "duty":
            if event.helper_on_duty is not None:
                self._set(helper_on_duty=event.helper_on_duty)
            return
        status = self.status
        if event.request_id is None or event.request_id != status.request_id or not status.open:
            return
        if event.type == "claimed":
            self._set(phase="claimed", helper_name=event.helper_name, position=None)
        elif event.type == "message" and event.message is not None:
            self._set(message=dict(event.message.text))
        elif event.type == "escalated":
            self._set(escalated=True)
        elif event.type in _FINAL_EVENTS:
            self._set(phase=_FINAL_EVENTS[event.type])
            if status.key:
                self._jobs.put(("closed", status.key))
        else:  # released, moved: waiting again; the new place comes from a refresh
            self._set(phase="waiting", helper_name=None)
        self._refresh_now.set()
        self._wake.set()
