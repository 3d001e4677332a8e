"""Benchmark: the kiosk's link (outbox + worker threads) against the bare HTTP calls it makes.

One real hub (uvicorn on loopback, SQLite) and one enrolled kiosk, in this process. Measured in
the same run, each with its peer:

- durable outbox write (SQLite WAL, synchronous=FULL) vs the same insert with synchronous=OFF;
- button -> the hub's answer on the kiosk: ``HubLink.call`` until the link reports the request
  waiting (outbox write, thread hand-off, POST with Idempotency-Key) vs a bare httpx POST of
  the same body from this thread;
- claim -> the kiosk knows: a staff claim until the link reports ``claimed`` vs a bare long
  poll on the same kiosk's event feed, parked at the same moment (goal: p99 < 1 s).

Run: ``python -m tests.bench link``. About half a minute.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx

SAMPLES = 40
API = "/api/v1"
CTX = {
    "language": "fi",
    "text_size": 150,
    "read_aloud": True,
    "demo": "kela",
    "step": "3",
    "stuck_seconds": 20,
    "topic": None,
}


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _line(name: str, values: list[float], peer: list[float] | None = None) -> str:
    p50, p99 = statistics.median(values) * 1000, _pct(values, 99) * 1000
    text = f"{name:44s} p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
    if peer:
        text += f"  = {statistics.median(values) / statistics.median(peer):.1f}x the peer's p50"
    return text


def bench_outbox(folder: Path) -> None:
    from kiosk.services.hublink.outbox import Outbox

    box = Outbox.open(folder / "outbox.sqlite")
    durable = []
    for i in range(SAMPLES):
        t = time.perf_counter()
        box.add(CTX, now=float(i))
        durable.append(time.perf_counter() - t)
    box.close()
    box = Outbox.open(folder / "fast.sqlite")
    box._db.execute("PRAGMA synchronous=OFF")
    fast = []
    for i in range(SAMPLES):
        t = time.perf_counter()
        box.add(CTX, now=float(i))
        fast.append(time.perf_counter() - t)
    box.close()
    print(_line("outbox write, synchronous=OFF (peer)", fast))
    print(_line("outbox write, WAL + synchronous=FULL", durable, fast))


def _wait(predicate, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise RuntimeError("benchmark step timed out")
        time.sleep(0.0005)


def main() -> int:
    from kiosk.services.hublink import make_link
    from tests.e2e.support import LiveHub, enrol_kiosk, kiosk_settings

    folder = Path(tempfile.mkdtemp(prefix="bench-link-"))
    bench_outbox(folder)
    (folder / "hub").mkdir()
    hub = LiveHub(folder / "hub").start()
    try:
        site = hub.driver.site("Bench library")
        staff = hub.driver.staff("anna", "volunteer", [site])
        token = enrol_kiosk(hub, site, folder / "kiosk")
        statuses: list = []
        link = make_link(
            kiosk_settings(folder / "kiosk", hub.url),
            on_status=statuses.append,
            on_main=lambda fn: fn(),
        )
        link.start()
        _wait(lambda: link.status.helper_on_duty is not None)
        with httpx.Client(base_url=hub.url + API, timeout=30) as bare:
            auth = {"Authorization": f"Bearer {token}"}
            staff_auth = {"Authorization": f"Bearer {staff}"}
            posts, calls, claims, parked = [], [], [], []
            for _ in range(SAMPLES):
                t = time.perf_counter()
                r = bare.post(
                    "/kiosk/requests",
                    json={**CTX, "outbox_seconds": 0},
                    headers={**auth, "Idempotency-Key": os.urandom(12).hex()},
                )
                posts.append(time.perf_counter() - t)
                bare.post(f"/kiosk/requests/{r.json()['id']}/cancel", headers=auth)
            for _ in range(SAMPLES):
                t = time.perf_counter()
                link.call(CTX)
                _wait(lambda: link.status.phase == "waiting")
                calls.append(time.perf_counter() - t)
                rid = link.status.request_id
                seen: dict[str, float] = {}
                after = bare.post("/kiosk/heartbeat", json={}, headers=auth).json()
                poll = threading.Thread(
                    target=_park, args=(bare, auth, after["last_event_seq"], rid, seen)
                )
                poll.start()
                time.sleep(0.02)  # both polls parked
                t = time.perf_counter()
                bare.post(f"/staff/requests/{rid}/claim", headers=staff_auth)
                _wait(lambda: link.status.phase == "claimed")
                claims.append(time.perf_counter() - t)
                poll.join(10)
                parked.append(seen["at"] - t)
                link.cancel()
                # The next sample starts once the hub has the cancel (the sender is idle).
                _wait(
                    lambda rid=rid: (
                        bare.get(f"/kiosk/requests/{rid}", headers=auth).json()["state"]
                        == "cancelled"
                    )
                )
        link.stop()
        print(_line("bare POST /kiosk/requests (peer)", posts))
        print(_line("button -> hub's answer through the link", calls, posts))
        print(_line("claim -> bare long poll returns (peer)", parked))
        print(_line("claim -> the link reports 'claimed'", claims, parked))
        print(f"goal claim -> kiosk p99 < 1000 ms: {'met' if _pct(claims, 99) < 1 else 'MISSED'}")
    finally:
        hub.close()
    return 0


def _park(client: httpx.Client, auth: dict, after: int, rid: int, seen: dict) -> None:
    while "at" not in seen:
        r = client.get("/kiosk/events", params={"after": after, "wait": 10}, headers=auth)
        body = r.json()
        after = body["last_seq"]
        if any(e["type"] == "claimed" and e["request_id"] == rid for e in body["events"]):
            seen["at"] = time.perf_counter()


if __name__ == "__main__":
    raise SystemExit(main())
