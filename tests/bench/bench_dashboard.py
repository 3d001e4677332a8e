"""Benchmark: a kiosk's help request reaching 50 open staff dashboards, under 2,000 kiosks.

Setup, all on loopback: a real ``kiosk-hub`` process (uvicorn, SQLite file) with one site,
2,000 kiosks and 50 staff accounts, each logged in through the API. 50 dashboards hold the
dashboard's event stream open (``/dashboard/events``, the one the page's leader tab holds),
read as plain HTTP. A separate load process makes the other 1,999 kiosks behave as real ones:
a heartbeat every 30 s and an event long poll held open (``tests/bench/hubload.py``, the same
load as ``bench_hub``).

Measured, from this process:
- request -> every dashboard: from writing a kiosk's ``POST /api/v1/kiosk/requests`` until the
  ``created`` event has arrived on all 50 streams (p50, p99; goal p99 < 150 ms), and the same
  per dashboard;
- the peers: the kiosk's create call alone (until answered), and the fan-out alone (from the
  answer to the last dashboard);
- the floor: a bare loopback HTTP round trip to a minimal ASGI app on the same server software
  (uvicorn), with the same client, in the same run.

``BENCH_DASHBOARDS=N`` changes the number of dashboards. About 40 s.
Run: ``python -m tests.bench dashboard``.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from tests.bench.hubload import (
    API,
    HELP_BODY,
    KIOSKS,
    RawHTTP,
    bare_server,
    describe_load,
    free_port,
    hub_env,
    hub_overlay,
    hub_server,
    kiosk_load,
    machine_load,
    ms,
    pct,
    running,
    seed,
)

DASHBOARDS = int(os.environ.get("BENCH_DASHBOARDS", "50"))
SAMPLES = 120
GAP_S = 0.08
EVENT_TIMEOUT_S = 5.0
RTT_SAMPLES = 300
BODY = json.dumps(HELP_BODY).encode()


# ------------------------------------------------------------------ the dashboards


class Stream:
    """One dashboard's event stream, read as plain HTTP/1.0 (no chunking to undo)."""

    def __init__(self, port: int, token: str, arrivals: dict[int, list[float]]) -> None:
        self.port, self.token, self.arrivals = port, token, arrivals
        self.ready = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(
            (
                "GET /dashboard/events HTTP/1.0\r\nHost: 127.0.0.1\r\n"
                f"Cookie: kiosk_session={self.token}\r\nAccept: text/event-stream\r\n\r\n"
            ).encode()
        )
        status = (await reader.readline()).split()[1]
        if status != b"200":
            raise RuntimeError(f"event stream answered {status!r}")
        kind = b""
        try:
            while line := await reader.readline():
                if line.startswith(b": connected"):
                    self.ready.set()
                elif line.startswith(b"event: "):
                    kind = line[7:].strip()
                elif line.startswith(b"data: ") and kind == b"created":
                    now = time.perf_counter()
                    request_id = json.loads(line[6:])["request"]["id"]
                    self.arrivals.setdefault(request_id, []).append(now)
        finally:
            writer.close()


async def measure(hub_port: int, bare_port: int, probe: str, staff_tokens: list[str]) -> dict:
    arrivals: dict[int, list[float]] = {}
    streams = [Stream(hub_port, t, arrivals) for t in staff_tokens]
    for s in streams:
        s.task = asyncio.create_task(s.run())
    await asyncio.wait_for(asyncio.gather(*(s.ready.wait() for s in streams)), 20)

    bare, rtts = RawHTTP(bare_port), []
    for _ in range(RTT_SAMPLES):
        t0 = time.perf_counter()
        await bare.call("GET", "/")
        rtts.append(time.perf_counter() - t0)
    bare.close()

    kiosk, every, each, calls, after, missed = RawHTTP(hub_port), [], [], [], [], 0
    headers = {"Authorization": f"Bearer {probe}", "Content-Type": "application/json"}
    for n in range(SAMPLES):
        t0 = time.perf_counter()
        status, body = await kiosk.call(
            "POST",
            f"{API}/kiosk/requests",
            {**headers, "Idempotency-Key": f"bench-{n}-{os.getpid()}"},
            BODY,
        )
        answered = time.perf_counter()
        calls.append(answered - t0)
        if status != 201:
            raise RuntimeError(f"create answered {status}: {body[:200]!r}")
        request_id = json.loads(body)["id"]
        deadline = time.monotonic() + EVENT_TIMEOUT_S
        while len(arrivals.get(request_id, [])) < DASHBOARDS and time.monotonic() < deadline:
            await asyncio.sleep(0.001)
        got = arrivals.get(request_id, [])
        if len(got) < DASHBOARDS:
            missed += 1
        else:
            every.append(max(got) - t0)
            after.append(max(0.0, max(got) - answered))
            each.extend(t - t0 for t in got)
        await asyncio.sleep(GAP_S)
    kiosk.close()
    for s in streams:
        if s.task is not None:
            s.task.cancel()
    await asyncio.gather(*(s.task for s in streams if s.task), return_exceptions=True)
    return {
        "rtt": rtts,
        "every": every,
        "each": each,
        "calls": calls,
        "after": after,
        "missed": missed,
    }


def login(port: int, staff: list[tuple[str, str]]) -> list[str]:
    async def run() -> list[str]:
        http, tokens = RawHTTP(port), []
        for name, password in staff:
            body = json.dumps({"name": name, "password": password}).encode()
            status, answer = await http.call(
                "POST", f"{API}/staff/login", {"Content-Type": "application/json"}, body
            )
            if status != 200:
                raise RuntimeError(f"login answered {status}: {answer[:200]!r}")
            tokens.append(json.loads(answer)["token"])
        http.close()
        return tokens

    return asyncio.run(run())


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    overlay = hub_overlay(work, f"sqlite:///{work / 'hub.sqlite'}")
    print(f"machine at the start: {machine_load()}")
    tokens, staff = seed(overlay, staff=DASHBOARDS)
    hub_port, bare_port = free_port(), free_port()
    log = work / "servers.log"
    with (
        running(bare_server(work, bare_port), dict(os.environ), bare_port, log),
        running(hub_server(overlay, hub_port), hub_env(work), hub_port, log),
    ):
        staff_tokens = login(hub_port, staff)
        with kiosk_load([hub_port], tokens[1:]) as load:
            figures = asyncio.run(measure(hub_port, bare_port, tokens[0], staff_tokens))
            during = machine_load()
    rtt, every, each = figures["rtt"], figures["every"], figures["each"]
    floor50, floor99 = statistics.median(rtt), pct(rtt, 0.99)
    print(f"dashboards connected: {DASHBOARDS}; {describe_load(load, KIOSKS - 1)}")
    print(f"machine during the measurement: {during}")
    print(f"bare loopback round trip (uvicorn, minimal app): p50 {ms(floor50)}, p99 {ms(floor99)}")
    if not every:
        print(f"request -> every dashboard: no sample arrived ({figures['missed']} missed)")
        return
    p50, p99 = statistics.median(every), pct(every, 0.99)
    print(
        f"request -> all {DASHBOARDS} dashboards: p50 {ms(p50)} ({p50 / floor50:.1f}x floor), "
        f"p99 {ms(p99)} ({p99 / floor99:.1f}x floor p99); goal p99 < 150 ms: "
        f"{'met' if p99 < 0.150 and not figures['missed'] else 'NOT met'}; {len(every)} samples, "
        f"{figures['missed']} missed"
    )
    print(f"request -> one dashboard: p50 {ms(statistics.median(each))}, p99 {ms(pct(each, 0.99))}")
    calls = figures["calls"]
    print(
        f"peer: the kiosk's create call alone (until answered): p50 {ms(statistics.median(calls))},"
        f" p99 {ms(pct(calls, 0.99))}"
    )
    tail = figures["after"]
    print(
        f"fan-out alone (create answered -> last dashboard): p50 {ms(statistics.median(tail))}, "
        f"p99 {ms(pct(tail, 0.99))}"
    )


if __name__ == "__main__":
    main()
