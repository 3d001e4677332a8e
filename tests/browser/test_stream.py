"""The dashboard's event stream over plain HTTP: it catches up from a cursor, then follows new
events of the staff member's own sites only, and ends when the session ends."""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

from tests.browser.conftest import LiveHub


class Reader(threading.Thread):
    """Reads one stream in the background; frames land in ``frames`` as (event, data)."""

    def __init__(self, url: str, token: str, after: int | None = None) -> None:
        super().__init__(daemon=True)
        self.url, self.token, self.after = url, token, after
        self.frames: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.status = 0

    def run(self) -> None:
        params = {} if self.after is None else {"after": str(self.after)}
        cookies = {"kiosk_session": self.token}
        try:
            with httpx.Client(base_url=self.url, cookies=cookies, timeout=30) as client:
                with client.stream("GET", "/dashboard/events", params=params) as response:
                    self.status = response.status_code
                    self._read(response)
        except httpx.HTTPError:
            pass  # the test's hub stopped while we read: the test is over
        self.frames.put(("closed", None))

    def _read(self, response: httpx.Response) -> None:
        kind = ""
        for line in response.iter_lines():
            if line.startswith(": connected"):
                self.frames.put(("connected", None))
            elif line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                self.frames.put((kind, json.loads(line[6:])))

    def next(self, timeout: float = 5.0) -> tuple[str, Any]:
        return self.frames.get(timeout=timeout)

    def requests(self) -> Iterator[tuple[str, int]]:
        while True:
            kind, data = self.next()
            if kind not in ("connected", "duty"):
                yield kind, data["request"]["id"] if data else 0


def test_catches_up_then_follows_own_sites_only(live_hub: LiveHub) -> None:
    anna = live_hub.api.login("anna")
    early = live_hub.ask(topic="before the stream")
    reader = Reader(live_hub.url, anna, after=0)
    reader.start()
    assert reader.next() == ("connected", None)
    assert next(reader.requests()) == ("created", early["id"])
    live_hub.ask(live_hub.other_kiosk, topic="Kallio: not Anna's")
    started = time.monotonic()
    mine = live_hub.ask(topic="after")
    assert next(reader.requests()) == ("created", mine["id"])  # Kallio's was skipped
    assert time.monotonic() - started < 1.0


def test_not_logged_in_is_refused(live_hub: LiveHub) -> None:
    r = httpx.get(f"{live_hub.url}/dashboard/events", cookies={"kiosk_session": "forged"})
    assert r.status_code == 401


def test_the_stream_ends_when_the_session_ends(live_hub: LiveHub) -> None:
    anna = live_hub.api.login("anna")
    reader = Reader(live_hub.url, anna)
    reader.start()
    assert reader.next() == ("connected", None)
    r = live_hub.api.client.post("/api/v1/staff/logout", headers=live_hub.api.auth(anna))
    assert r.status_code == 204
    frames = [reader.next(timeout=5), reader.next(timeout=5)]
    assert frames == [("logged-out", {}), ("closed", None)]


def test_streams_joining_while_requests_arrive_miss_nothing(live_hub: LiveHub) -> None:
    """Streams connect (from cursor 0) while requests keep arriving: every stream sees every
    request exactly once, in order, whether it came through the catch-up or the shared feed."""
    anna = live_hub.api.login("anna")
    readers = []
    made = []
    for n in range(12):
        made.append(live_hub.ask(topic=f"request {n}")["id"])
        if n % 3 == 0:
            reader = Reader(live_hub.url, anna, after=0)
            reader.start()
            readers.append(reader)
    for reader in readers:
        seen = []
        for kind, request_id in reader.requests():
            assert kind == "created"
            seen.append(request_id)
            if len(seen) == len(made):
                break
        assert seen == made
