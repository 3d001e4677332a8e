"""Benchmark: a kiosk's help request reaching 50 open staff dashboards, under 2,000 kiosks.

Setup, all on loopback: a real ``kiosk-hub`` process (uvicorn, SQLite file) with one site,
2,000 kiosks and 50 staff accounts, each logged in through the API. 50 dashboards hold the
staff event stream open (``/api/v1/staff/events/stream``, the one the dashboard's leader tab
holds), read as plain HTTP. A separate load process makes all 2,000 kiosks send a heartbeat
every 30 s (spread evenly, ~67/s), as real kiosks do.

Measured, from this process:
- request -> every dashboard: from writing a kiosk's ``POST /api/v1/kiosk/requests`` until the
  ``created`` event has arrived on all 50 streams (p50, p99; goal p99 < 150 ms), and the same
  per dashboard;
- the peers: the kiosk's create call alone (until answered), and the fan-out alone (from the
  answer to the last dashboard);
- the floor: a bare loopback HTTP round trip to a minimal ASGI app on the same server software
  (uvicorn), with the same client, in the same run.

``BENCH_DASHBOARDS=N`` changes the number of dashboards. Bounded to about a minute.
Run: ``python -m tests.bench dashboard``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

KIOSKS = 2000
DASHBOARDS = int(os.environ.get("BENCH_DASHBOARDS", "50"))
HEARTBEAT_S = 30.0
LOAD_CONNECTIONS = 40
SAMPLES = 120
GAP_S = 0.08
EVENT_TIMEOUT_S = 5.0
RTT_SAMPLES = 300
API = "/api/v1"
BODY = json.dumps(
    {"language": "fi", "text_size": 150, "read_aloud": True, "stuck_seconds": 20}
).encode()
MINIMAL_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok":true}'})
"""


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running(args: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    """A server process, up once its port accepts connections; stopped on the way out."""
    with open(log, "ab") as err:
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{args[2]} exited with {proc.returncode}; see {log}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{args[2]} did not start; see {log}")
            time.sleep(0.1)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


class Http:
    """One keep-alive HTTP/1.1 connection on asyncio streams: cheap enough for the load
    process and the same for the hub and the bare server (a fair floor)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.io: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def call(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, bytes]:
        for attempt in (0, 1):
            try:
                return await self._once(method, path, headers or {}, body)
            except (ConnectionError, asyncio.IncompleteReadError, IndexError, ValueError):
                self.close()  # uvicorn closes idle keep-alive connections: reconnect once
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _once(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes]:
        if self.io is None:
            self.io = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.io
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        status = int((await reader.readline()).split()[1])
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
        return status, await reader.readexactly(length)

    def close(self) -> None:
        if self.io is not None:
            self.io[1].close()
            self.io = None


# ------------------------------------------------------------------ setup


def seed(data: Path, overlay: Path) -> tuple[list[str], list[tuple[str, str]]]:
    """One site, 2,000 kiosks and 50 staff, written straight into the hub's database."""
    from kiosk.hub.app import build_hub
    from kiosk.hub.config import load_hub_settings
    from kiosk.hub.models import Kiosk
    from kiosk.hub.security import new_token, token_hash
    from kiosk.hub.services import accounts, fleet

    os.environ["KIOSK_HUB_DATA"] = str(data)
    settings = load_hub_settings([overlay])
    hub = build_hub(settings)
    tokens = [new_token() for _ in range(KIOSKS)]
    staff = []
    with hub.transaction() as db:
        now = hub.clock()
        site = fleet.add_site(
            db,
            now=now,
            actor_id=None,
            name="Bench library",
            address="",
            opening_hours="",
            guidance_hours="",
            escalation_minutes=240,
            quick_messages=fleet.quick_messages_from_settings(settings.sites.quick_messages),
        )
        for n in range(DASHBOARDS):
            _, password = accounts.add_staff(
                db,
                hub.hasher,
                now=now,
                actor_id=None,
                name=f"helper{n}",
                display_name=f"Helper {n}",
                role="staff",
                site_ids=[site.id],
                password=None,
            )
            staff.append((f"helper{n}", password or ""))
        db.add_all(
            Kiosk(
                site_id=site.id,
                place=f"kiosk {i}",
                token_hash=token_hash(t),
                revoked=False,
                enrolled_at=now,
                last_seen_at=None,
                app_version="bench",
                pack_versions={},
            )
            for i, t in enumerate(tokens)
        )
    hub.engine.dispose()
    return tokens, staff


# ------------------------------------------------------------------ the load (own process)


def heartbeats(port: int, tokens: list[str], stop: Any, counter: Any) -> None:
    """Every kiosk sends a heartbeat every 30 s, spread evenly over the period."""

    async def lane(lane_tokens: list[str], offset: float) -> None:
        http = Http(port)
        interval = HEARTBEAT_S / max(1, len(lane_tokens))
        next_at = time.monotonic() + offset
        i = 0
        body = b'{"app_version":"bench"}'
        while not stop.is_set():
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            token = lane_tokens[i % len(lane_tokens)]
            with contextlib.suppress(Exception):
                status, _ = await http.call(
                    "POST",
                    f"{API}/kiosk/heartbeat",
                    {"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                    body,
                )
                if status == 200:
                    with counter.get_lock():
                        counter.value += 1
            i += 1
            next_at += interval

    async def run() -> None:
        lanes = [tokens[n::LOAD_CONNECTIONS] for n in range(LOAD_CONNECTIONS)]
        step = HEARTBEAT_S / KIOSKS
        await asyncio.gather(*(lane(t, n * step) for n, t in enumerate(lanes)))

    asyncio.run(run())


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

    bare, rtts = Http(bare_port), []
    for _ in range(RTT_SAMPLES):
        t0 = time.perf_counter()
        await bare.call("GET", "/")
        rtts.append(time.perf_counter() - t0)
    bare.close()

    kiosk, every, each, calls, after, missed = Http(hub_port), [], [], [], [], 0
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
        http, tokens = Http(port), []
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


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    overlay = work / "bench.toml"
    overlay.write_text(
        f'[paths]\ndata_dir = "{work}"\n[database]\nurl = "sqlite:///{work / "hub.sqlite"}"\n',
        encoding="utf-8",
    )
    tokens, staff = seed(work, overlay)
    (work / "minimal_app.py").write_text(MINIMAL_APP, encoding="utf-8")
    hub_port, bare_port = free_port(), free_port()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    hub_cmd = [sys.executable, "-m", "kiosk.hub", "--config", str(overlay), "serve"]
    hub_cmd += ["--port", str(hub_port)]
    bare_cmd = [sys.executable, "-m", "uvicorn", "--app-dir", str(work), "minimal_app:app"]
    bare_cmd += ["--port", str(bare_port), "--log-level", "warning"]
    log = work / "servers.log"
    with running(bare_cmd, env, bare_port, log), running(hub_cmd, env, hub_port, log):
        staff_tokens = login(hub_port, staff)
        spawn = mp.get_context("spawn")
        stop, counter = spawn.Event(), spawn.Value("i", 0)
        load = spawn.Process(
            target=heartbeats, args=(hub_port, tokens[1:], stop, counter), daemon=True
        )
        load.start()
        try:
            time.sleep(3)  # let the heartbeat load reach its pace
            before, started = counter.value, time.monotonic()
            figures = asyncio.run(measure(hub_port, bare_port, tokens[0], staff_tokens))
            rate = (counter.value - before) / (time.monotonic() - started)
        finally:
            stop.set()
            load.join(10)
            if load.is_alive():
                load.terminate()
    rtt, every, each = figures["rtt"], figures["every"], figures["each"]
    floor50, floor99 = statistics.median(rtt), pct(rtt, 0.99)
    print(f"dashboards connected: {DASHBOARDS}; kiosks heartbeating: {KIOSKS} ({rate:.0f}/s)")
    print(f"bare loopback round trip (uvicorn, minimal app): p50 {ms(floor50)}, p99 {ms(floor99)}")
    if not every:
        print(f"request -> every dashboard: no sample arrived ({figures['missed']} missed)")
        return
    p50, p99 = statistics.median(every), pct(every, 0.99)
    print(
        f"request -> all {DASHBOARDS} dashboards: p50 {ms(p50)} ({p50 / floor50:.1f}x floor), "
        f"p99 {ms(p99)} ({p99 / floor99:.1f}x floor p99); goal p99 < 150 ms: "
        f"{'met' if p99 < 0.150 else 'NOT met'}; {len(every)} samples, "
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
