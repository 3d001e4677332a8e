"""What the hub benchmarks share: servers, seeding, a cheap HTTP client and the 2,000-kiosk load.

``bench_hub`` and ``bench_dashboard`` both run a real ``kiosk-hub`` process with 2,000 enrolled
kiosks behaving as real kiosks do (``kiosk_load``), and compare with a bare loopback round trip
to a minimal ASGI app on the same server software (``MINIMAL_APP``), measured in the same run.

The load, in its own process so it costs the measuring process nothing:

- every kiosk sends a heartbeat every 30 s (issue #5), spread evenly, with the body the kiosk's
  hub link sends, plus a burst of 200 extra heartbeats every 10 s;
- every kiosk holds its event long poll open, asking the hub to wait as long as the kiosk does
  (``hub.long_poll_seconds`` in kiosk_config/kiosk.toml; the hub may cut it shorter), and renews
  it at once when answered. The kiosks connect over ``CONNECT_S`` and their first waits are
  spread over one long-poll period, so renewals come evenly, as after days of uptime.

Not a benchmark itself (no ``bench_`` prefix): ``python -m tests.bench`` does not run it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

KIOSKS = 2000
HEARTBEAT_S = 30.0
CONNECT_S = 10.0
BURST_EVERY_S = 10.0
BURST = 200
API = "/api/v1"
HELP_BODY = {"language": "fi", "text_size": 150, "read_aloud": True, "stuck_seconds": 20}
# What kiosk/services/hublink/client.py sends.
HEARTBEAT_BODY = json.dumps({"app_version": "bench", "pack_versions": {}, "in_session": False})

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


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def kiosk_long_poll_seconds() -> float:
    """How long a real kiosk asks the hub to hold its event long poll."""
    from kiosk.config import load_settings

    return float(load_settings().hub.long_poll_seconds)


# ------------------------------------------------------------------ servers


@contextlib.contextmanager
def running(args: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[int]:
    """A server process, up once its port accepts connections; stopped on the way out.
    Yields its pid (for a profiler)."""
    with open(log, "ab") as err:
        proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=err)
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{args[2]} exited with {proc.returncode}; see {log}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{args[2]} did not start; see {log}")
            time.sleep(0.1)
        yield proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def bare_server(work: Path, port: int) -> list[str]:
    """The floor's server: a minimal ASGI app on uvicorn, as the hub runs on."""
    (work / "minimal_app.py").write_text(MINIMAL_APP, encoding="utf-8")
    return [
        *[sys.executable, "-m", "uvicorn", "--app-dir", str(work), "minimal_app:app"],
        *["--port", str(port), "--log-level", "warning"],
    ]


def hub_overlay(data: Path, url: str, pool_size: int = 20) -> Path:
    path = data / "bench.toml"
    path.write_text(
        f'[paths]\ndata_dir = "{data}"\n[database]\nurl = "{url}"\npool_size = {pool_size}\n',
        encoding="utf-8",
    )
    return path


def hub_server(overlay: Path, port: int) -> list[str]:
    return [
        *[sys.executable, "-m", "kiosk.hub", "--config", str(overlay)],
        *["serve", "--port", str(port)],
    ]


def hub_env(data: Path) -> dict[str, str]:
    return dict(os.environ, KIOSK_HUB_DATA=str(data), PYTHONUNBUFFERED="1")


def seed(overlay: Path, staff: int = 1) -> tuple[list[str], list[tuple[str, str]]]:
    """Migrate, then add one site, ``KIOSKS`` kiosks and ``staff`` staff members straight into
    the database. Returns the kiosks' tokens and the staff's (name, password)."""
    from kiosk.hub.app import build_hub
    from kiosk.hub.config import load_hub_settings
    from kiosk.hub.models import Kiosk
    from kiosk.hub.security import new_token, token_hash
    from kiosk.hub.services import accounts, fleet

    settings = load_hub_settings([overlay])
    hub = build_hub(settings)
    tokens = [new_token() for _ in range(KIOSKS)]
    people = []
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
            escalation_minutes=240,  # nothing escalates during a run
            quick_messages=fleet.quick_messages_from_settings(settings.sites.quick_messages),
        )
        for n in range(staff):
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
            people.append((f"helper{n}", password or ""))
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
    hub.readers.kw["bind"].dispose()
    return tokens, people


# ------------------------------------------------------------------ a cheap HTTP client


class RawHTTP:
    """One keep-alive HTTP/1.1 connection on asyncio streams.

    Why: the load must cost the load process little (httpx's pool slows down badly with
    thousands of open connections: 1,500 requests to the bare server took 25 s), and the same
    client against the hub and the bare server keeps the floor fair.
    """

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.host, self.port = host, port
        self.io: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def call(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, bytes]:
        """Send on the kept connection; if the server closed it meanwhile (uvicorn closes idle
        ones after 5 s), reconnect once, as any HTTP client does."""
        fresh = self.io is None
        try:
            return await self._once(method, path, headers or {}, body)
        except ConnectionError:
            if fresh:
                raise
            return await self._once(method, path, headers or {}, body)

    async def _once(
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes]:
        if self.io is None:
            self.io = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.io
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}", f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            status = int((await reader.readline()).split()[1])
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            return status, await reader.readexactly(length)
        except (IndexError, ValueError, asyncio.IncompleteReadError, OSError):
            self.close()
            raise ConnectionError("broken response") from None

    def close(self) -> None:
        if self.io is not None:
            self.io[1].close()
            self.io = None


# ------------------------------------------------------------------ the load (own process)


def _load_main(ports: list[int], tokens: list[str], wait: float, stop: Any, report: Any) -> None:
    asyncio.run(_load(ports, tokens, wait, stop, report))


async def _load(ports: list[int], tokens: list[str], wait: float, stop: Any, report: Any) -> None:
    counts = {"heartbeats": 0, "polls": 0, "errors": 0}
    n = len(tokens)
    beat_conns = [RawHTTP(ports[i % len(ports)]) for i in range(n)]
    beat_body = HEARTBEAT_BODY.encode()

    def auth(i: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {tokens[i]}", "Content-Type": "application/json"}

    async def beat(i: int) -> None:
        try:
            status, _ = await beat_conns[i].call(
                "POST", f"{API}/kiosk/heartbeat", auth(i), beat_body
            )
            counts["heartbeats" if status == 200 else "errors"] += 1
        except (OSError, ConnectionError):
            counts["errors"] += 1

    async def poll(i: int) -> None:
        conn = RawHTTP(ports[i % len(ports)])
        after = 0
        await asyncio.sleep(i * CONNECT_S / n)  # kiosks come up over CONNECT_S
        # The first wait spreads the renewals over one period, as days of uptime do.
        first = wait * (i + 1) / n
        while not stop.is_set():
            try:
                status, body = await conn.call(
                    "GET", f"{API}/kiosk/events?after={after}&wait={first or wait:.3f}", auth(i)
                )
                first = 0.0
                after = json.loads(body)["last_seq"]
                counts["polls" if status == 200 else "errors"] += 1
            except (OSError, ConnectionError, ValueError, KeyError):
                counts["errors"] += 1
                await asyncio.sleep(1)
        conn.close()

    pollers = [asyncio.create_task(poll(i)) for i in range(n)]
    start = time.monotonic()
    sent = 0
    next_burst = start + BURST_EVERY_S
    busy: set[int] = set()

    def fire(i: int) -> None:
        # One heartbeat at a time per kiosk, on its own connection, like a real kiosk.
        if i in busy:
            return
        busy.add(i)
        asyncio.create_task(beat(i)).add_done_callback(lambda _t: busy.discard(i))

    while not stop.is_set():
        due = int((time.monotonic() - start) / HEARTBEAT_S * n)
        while sent < due:
            fire(sent % n)
            sent += 1
        if time.monotonic() >= next_burst:
            next_burst += BURST_EVERY_S
            for j in range(BURST):
                fire((sent + j * 7) % n)
        await asyncio.sleep(0.01)
    for task in pollers:
        task.cancel()
    await asyncio.gather(*pollers, return_exceptions=True)
    for conn in beat_conns:
        conn.close()
    counts["seconds"] = int(time.monotonic() - start)
    report.put(counts)


@contextlib.contextmanager
def kiosk_load(ports: list[int], tokens: list[str]) -> Iterator[dict[str, int]]:
    """Run the kiosks' load on the hubs at ``ports`` (kiosks split evenly between them); yields
    a dict filled on the way out with the heartbeats and polls answered and the errors."""
    ctx = mp.get_context("spawn")
    stop, report = ctx.Event(), ctx.Queue()
    args = (ports, tokens, kiosk_long_poll_seconds(), stop, report)
    proc = ctx.Process(target=_load_main, args=args, daemon=True)
    proc.start()
    time.sleep(CONNECT_S + 2)  # every kiosk has connected its long poll
    result: dict[str, int] = {}
    try:
        yield result
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            result.update(report.get(timeout=40))
        proc.join(10)
        if proc.is_alive():
            proc.kill()


def describe_load(load: dict[str, int], kiosks: int) -> str:
    seconds = max(1, load.get("seconds", 0))
    beats, polls = load.get("heartbeats", 0), load.get("polls", 0)
    return (
        f"kiosk load: {kiosks} kiosks, {beats} heartbeats ({beats / seconds:.0f}/s) and "
        f"{polls} long polls ({polls / seconds:.0f}/s) answered in {seconds} s, "
        f"{load.get('errors', 0)} errors"
    )


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"
