"""Benchmark: the hub under 2,000 simulated kiosks, on loopback, on this machine.

Setup: a real ``kiosk-hub`` process (uvicorn, one worker) on SQLite, then on PostgreSQL with one
and with two instances; 2,000 enrolled kiosks. A separate load process makes every kiosk send a
heartbeat every 30 s (~67/s, plus a burst of 200 every 10 s) and hold its event long poll open,
as real kiosks do. Measured meanwhile, from this process:

- button -> readable by staff: from a kiosk's create-request call until a staff long poll on
  the hub has delivered it (p50, p99; goal p99 < 100 ms, p50 within 3x the floor);
- floor: a bare loopback HTTP round trip to a minimal ASGI app on the same server (uvicorn),
  measured in the same run with the same client;
- claim -> kiosk knows: from a staff claim call until the kiosk's parked long poll returns the
  ``claimed`` event (p99 goal < 1 s);
- sustained new-request rate: 32 concurrent callers creating requests for a few seconds, on
  SQLite, PostgreSQL x1 and PostgreSQL x2 (callers split across the two instances), with the
  bare server's rate under the same callers as the peer.

Bounded to well under 3 minutes. Run: ``python -m tests.bench.bench_hub``.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

KIOSKS = 2000
PROBES = 40  # kiosks this process drives for the latency samples (the load skips them)
HEARTBEAT_S = 30.0
CONNECT_S = 10.0
BURST_EVERY_S = 10.0
BURST = 200
LATENCY_SAMPLES = 150
CLAIM_SAMPLES = 60
RATE_SECONDS = 4.0
RATE_CALLERS = 32
API = "/api/v1"
BODY = {"language": "fi", "text_size": 150, "read_aloud": True, "stuck_seconds": 20}

MINIMAL_APP = """
async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"ok":true}'})
"""


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(url: str, proc: subprocess.Popen[bytes], path: str = "/") -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server at {url} exited with {proc.returncode}")
        try:
            httpx.get(url + path, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not start")


@contextlib.contextmanager
def _process(args: list[str], env: dict[str, str], url: str, path: str) -> Any:
    log = open(Path(tempfile.gettempdir()) / f"bench-hub-{os.getpid()}-{len(args)}.log", "ab")
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=log)
    try:
        _wait_up(url, proc, path)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _seed(settings: Any) -> tuple[list[str], str, str, int]:
    """Migrate and add one site, 2,000 kiosks and a staff member, straight into the database."""
    from kiosk.hub.app import build_hub
    from kiosk.hub.models import Kiosk
    from kiosk.hub.security import new_token, token_hash
    from kiosk.hub.services import accounts, fleet

    hub = build_hub(settings)
    tokens = [new_token() for _ in range(KIOSKS)]
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
            escalation_minutes=60,
            quick_messages=fleet.quick_messages_from_settings(settings.sites.quick_messages),
        )
        _, password = accounts.add_staff(
            db,
            hub.hasher,
            now=now,
            actor_id=None,
            name="bench",
            display_name="Bench",
            role="staff",
            site_ids=[site.id],
            password=None,
        )
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
        site_id = site.id
    hub.engine.dispose()
    return tokens, "bench", password or "", site_id


# ---------------------------------------------------------------- the load (its own process)


class RawHTTP:
    """One keep-alive HTTP/1.1 connection on asyncio streams.

    Why: the load must cost the load process little; httpx's pool slows down badly with
    thousands of open connections (measured: 1,500 requests to the bare server took 25 s).
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, token: str, body: bytes = b""
    ) -> tuple[int, bytes]:
        """Send on the kept connection; if the server closed it meanwhile (uvicorn closes idle
        ones after 5 s), reconnect once, as any HTTP client does."""
        fresh = self.writer is None
        try:
            return await self._once(method, path, token, body)
        except ConnectionError:
            if fresh:
                raise
            return await self._once(method, path, token, body)

    async def _once(self, method: str, path: str, token: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.reader, self.writer
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        try:
            writer.write(head.encode() + body)
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
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _load_main(urls: list[str], tokens: list[str], stop: Any, report: Any) -> None:
    asyncio.run(_load(urls, tokens, stop, report))


async def _load(urls: list[str], tokens: list[str], stop: Any, report: Any) -> None:
    import json

    hosts = [u.removeprefix("http://").split(":") for u in urls]
    counts = {"heartbeats": 0, "polls": 0, "errors": 0}
    beat_conns = [
        RawHTTP(h, int(p)) for h, p in (hosts[i % len(hosts)] for i in range(len(tokens)))
    ]
    beat_body = json.dumps({"app_version": "bench"}).encode()

    async def beat(i: int) -> None:
        try:
            status, _ = await beat_conns[i].request(
                "POST", f"{API}/kiosk/heartbeat", tokens[i], beat_body
            )
            counts["heartbeats" if status == 200 else "errors"] += 1
        except (OSError, ConnectionError):
            counts["errors"] += 1

    async def poll(i: int) -> None:
        host, port = hosts[i % len(hosts)]
        conn = RawHTTP(host, int(port))
        after = 0
        await asyncio.sleep(i * CONNECT_S / len(tokens))  # kiosks come up over CONNECT_S
        while not stop.is_set():
            # Jittered waits spread the renewals evenly, as days of uptime do.
            wait = 20 + (i * 7919 % 1000) / 100
            try:
                status, body = await conn.request(
                    "GET", f"{API}/kiosk/events?after={after}&wait={wait}", tokens[i]
                )
                after = json.loads(body)["last_seq"]
                counts["polls" if status == 200 else "errors"] += 1
            except (OSError, ConnectionError, ValueError, KeyError):
                counts["errors"] += 1
                await asyncio.sleep(1)
        conn.close()

    pollers = [asyncio.create_task(poll(i)) for i in range(len(tokens))]
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
        due = int((time.monotonic() - start) / HEARTBEAT_S * len(tokens))
        while sent < due:
            fire(sent % len(tokens))
            sent += 1
        if time.monotonic() >= next_burst:
            next_burst += BURST_EVERY_S
            for j in range(BURST):
                fire((sent + j * 7) % len(tokens))
        await asyncio.sleep(0.01)
    for task in pollers:
        task.cancel()
    await asyncio.gather(*pollers, return_exceptions=True)
    for conn in beat_conns:
        conn.close()
    counts["seconds"] = int(time.monotonic() - start)
    report.put(counts)


@contextlib.contextmanager
def _kiosk_load(urls: list[str], tokens: list[str]) -> Any:
    ctx = mp.get_context("spawn")
    stop, report = ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=_load_main, args=(urls, tokens, stop, report), daemon=True)
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


# ---------------------------------------------------------------- measurements (this process)


def _rtt(url: str, path: str, n: int = 300, **kw: Any) -> list[float]:
    with httpx.Client(base_url=url, timeout=10) as client:
        for _ in range(20):
            client.request("GET", path, **kw)
        out = []
        for _ in range(n):
            t0 = time.perf_counter()
            client.request("GET", path, **kw)
            out.append(time.perf_counter() - t0)
        return out


def _staff_token(url: str, name: str, password: str) -> str:
    r = httpx.post(f"{url}{API}/staff/login", json={"name": name, "password": password})
    r.raise_for_status()
    return str(r.json()["token"])


def _button_to_staff(url: str, staff: str, probes: list[str]) -> tuple[list[float], list[float]]:
    """(create call round trips, create -> delivered by a staff long poll), seconds."""
    seen: dict[int, float] = {}
    stop = threading.Event()
    auth = {"Authorization": f"Bearer {staff}"}

    with httpx.Client(base_url=url, timeout=30) as watcher:
        cursor = watcher.get(f"{API}/staff/events", params={"wait": 0}, headers=auth).json()

        def watch() -> None:
            after = cursor["last_seq"]
            while not stop.is_set():
                try:
                    r = watcher.get(
                        f"{API}/staff/events", params={"after": after, "wait": 2}, headers=auth
                    ).json()
                except httpx.HTTPError:
                    continue
                now = time.perf_counter()
                for ev in r["events"]:
                    if ev["type"] == "created":
                        seen.setdefault(ev["request"]["id"], now)
                after = r["last_seq"]

        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        started: dict[int, float] = {}
        calls: list[float] = []
        failed: list[int] = []
        with httpx.Client(base_url=url, timeout=30) as kiosk:
            for i in range(LATENCY_SAMPLES):
                token = probes[i % len(probes)]
                headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"lat-{i:06d}"}
                t0 = time.perf_counter()
                try:
                    r = kiosk.post(f"{API}/kiosk/requests", json=BODY, headers=headers)
                    calls.append(time.perf_counter() - t0)
                    started[r.json()["id"]] = t0
                    time.sleep(0.01)
                    kiosk.post(
                        f"{API}/kiosk/requests/{r.json()['id']}/cancel",
                        headers={"Authorization": f"Bearer {token}"},
                    )
                except (httpx.HTTPError, ValueError, KeyError):
                    failed.append(i)
        deadline = time.monotonic() + 5
        while len(seen) < len(started) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        thread.join(5)
    if failed:
        print(f"  ({len(failed)} create calls failed or timed out)")
    return calls, [seen[i] - t0 for i, t0 in started.items() if i in seen]


def _claim_once(kiosk_url: str, staff_url: str, staff: str, token: str, key: str) -> float | None:
    """Seconds from a staff claim (through ``staff_url``) until the kiosk's long poll (parked on
    ``kiosk_url``) returns the ``claimed`` event; None if it did not within 10 s."""
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=kiosk_url, timeout=30) as kc:
        rid = kc.post(f"{API}/kiosk/requests", json=BODY, headers={**auth, "Idempotency-Key": key})
        rid.raise_for_status()
        after = kc.get(f"{API}/kiosk/events", params={"wait": 0}, headers=auth).json()["last_seq"]
    got: dict[str, float] = {}

    def park() -> None:
        with httpx.Client(base_url=kiosk_url, timeout=30) as client:
            r = client.get(f"{API}/kiosk/events", params={"after": after, "wait": 10}, headers=auth)
            if any(e["type"] == "claimed" for e in r.json()["events"]):
                got["at"] = time.perf_counter()

    thread = threading.Thread(target=park, daemon=True)
    thread.start()
    time.sleep(0.1)  # the long poll is parked on the hub
    staff_auth = {"Authorization": f"Bearer {staff}"}
    with httpx.Client(base_url=staff_url, timeout=30) as sc:
        t0 = time.perf_counter()
        sc.post(f"{API}/staff/requests/{rid.json()['id']}/claim", headers=staff_auth)
        thread.join(15)
        sc.post(
            f"{API}/staff/requests/{rid.json()['id']}/resolve",
            headers=staff_auth,
            json={"need_type": "other", "level": 2, "service_area": "bench", "on_behalf": False},
        )
    return got["at"] - t0 if "at" in got else None


def _claim_to_kiosk(
    urls: list[str], staff: str, probes: list[str], n: int
) -> tuple[list[float], int]:
    """(latencies, misses): kiosk polls urls[0], staff claim through urls[-1]."""
    out, missed = [], 0
    for i in range(n):
        try:
            lat = _claim_once(
                urls[0], urls[-1], staff, probes[i % len(probes)], f"claim-{len(urls)}-{i:06d}"
            )
        except (httpx.HTTPError, ValueError, KeyError):
            lat = None
        if lat is None:
            missed += 1
        else:
            out.append(lat)
    return out, missed


async def _rate_async(
    urls: list[str], tokens: list[str], seconds: float, path: str | None
) -> float:
    limits = httpx.Limits(max_connections=RATE_CALLERS * 2)
    clients = [httpx.AsyncClient(base_url=u, limits=limits, timeout=30) for u in urls]
    done = 0
    stop_at = time.monotonic() + seconds

    async def caller(c: int) -> None:
        nonlocal done
        client = clients[c % len(clients)]
        n = 0
        while time.monotonic() < stop_at:
            n += 1
            try:
                if path is not None:
                    r = await client.get(path)
                    done += r.status_code == 200
                    continue
                r = await client.post(
                    f"{API}/kiosk/requests",
                    json=BODY,
                    headers={
                        "Authorization": f"Bearer {tokens[(c * 997 + n) % len(tokens)]}",
                        "Idempotency-Key": f"rate-{c}-{n}-{time.monotonic_ns()}",
                    },
                )
                done += r.status_code == 201
            except httpx.HTTPError:
                pass  # a timed-out call simply does not count

    start = time.monotonic()
    await asyncio.gather(*(caller(c) for c in range(RATE_CALLERS)))
    elapsed = time.monotonic() - start
    for client in clients:
        await client.aclose()
    return done / elapsed


def _rate(urls: list[str], tokens: list[str], path: str | None = None) -> float:
    return asyncio.run(_rate_async(urls, tokens, RATE_SECONDS, path))


# ---------------------------------------------------------------- orchestration


def _hub_env(data: Path) -> dict[str, str]:
    return dict(os.environ, KIOSK_HUB_DATA=str(data), PYTHONUNBUFFERED="1")


def _overlay(data: Path, url: str) -> Path:
    path = data / "bench.toml"
    path.write_text(f'[database]\nurl = "{url}"\npool_size = 20\n', encoding="utf-8")
    return path


def _hub_cmd(overlay: Path, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "kiosk.hub",
        "--config",
        str(overlay),
        "serve",
        "--port",
        str(port),
    ]


def _step(text: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def _ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


def main() -> None:
    from kiosk.hub.config import load_hub_settings
    from tests.hub.support import PgCluster

    work = Path(tempfile.mkdtemp(prefix="bench-hub-"))
    load_before = os.getloadavg()[0]
    env = dict(os.environ)
    figures: dict[str, float] = {}

    # The floor: a minimal ASGI app on the same HTTP server, same client.
    (work / "minimal_app.py").write_text(MINIMAL_APP, encoding="utf-8")
    bare_port = _free_port()
    bare_url = f"http://127.0.0.1:{bare_port}"
    bare_cmd = [
        sys.executable,
        "-m",
        "uvicorn",
        "--app-dir",
        str(work),
        "minimal_app:app",
        "--port",
        str(bare_port),
        "--log-level",
        "warning",
    ]

    # --- SQLite: latencies under load, and the rate
    data = work / "sqlite"
    data.mkdir()
    overlay = _overlay(data, f"sqlite:///{data / 'hub.sqlite'}")
    settings = load_hub_settings([overlay])
    _step("seeding 2,000 kiosks (SQLite)")
    tokens, staff_name, staff_pw, _ = _seed(settings)
    load_tokens, probes = tokens[PROBES:], tokens[:PROBES]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with _process(bare_cmd, env, bare_url, "/"):
        with _process(_hub_cmd(overlay, port), _hub_env(data), url, f"{API}/openapi.json"):
            staff = _staff_token(url, staff_name, staff_pw)
            _step("starting the kiosk load")
            with _kiosk_load([url], load_tokens) as load:
                _step("floor")
                bare = _rtt(bare_url, "/")
                _step("button -> staff")
                calls, button = _button_to_staff(url, staff, probes)
                _step("claim -> kiosk")
                claims, missed = _claim_to_kiosk([url], staff, probes, CLAIM_SAMPLES)
                _step("rate, SQLite")
                figures["rate_sqlite"] = _rate([url], tokens)
                _step("stopping the kiosk load")
            figures["rate_bare"] = _rate([bare_url], tokens, path="/")
    floor = statistics.median(bare)
    print(
        f"kiosk load: {load.get('heartbeats', 0)} heartbeats and {load.get('polls', 0)} long "
        f"polls answered in {load.get('seconds', 0)} s, {load.get('errors', 0)} errors "
        f"({KIOSKS - PROBES} kiosks)"
    )
    print(
        f"floor, bare loopback HTTP round trip (minimal ASGI on uvicorn): p50 {_ms(floor)}, "
        f"p99 {_ms(_pct(bare, 0.99))}"
    )
    print(
        f"create-request call round trip: p50 {_ms(statistics.median(calls))} "
        f"({statistics.median(calls) / floor:.1f}x floor)"
    )
    p50, p99 = statistics.median(button), _pct(button, 0.99)
    print(
        f"button -> readable by staff (SQLite, {len(button)} samples): p50 {_ms(p50)} "
        f"({p50 / floor:.1f}x floor; goal <= 3x), p99 {_ms(p99)} "
        f"({p99 / 0.1:.2f}x the 100 ms goal)"
    )
    c99 = _pct(claims, 0.99) if claims else float("nan")
    print(
        f"claim -> kiosk knows (SQLite, {len(claims)} samples, {missed} missed): p50 "
        f"{_ms(statistics.median(claims))}, p99 {_ms(c99)} ({c99 / 1.0:.2f}x the 1 s goal)"
    )

    # --- PostgreSQL: one instance, then two on the same database
    try:
        cluster = PgCluster().start()
    except Exception as exc:  # noqa: BLE001 - report and skip, do not fail the other benches
        print(f"PostgreSQL not available, skipped: {exc}")
        cluster = None
    print(
        f"machine load average (1 min) before/after the SQLite part: {load_before:.1f} / "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    if cluster is not None:
        try:
            pg_url = cluster.new_database()
            data = work / "pg"
            data.mkdir()
            overlay = _overlay(data, pg_url)
            tokens, staff_name, staff_pw, _ = _seed(load_hub_settings([overlay]))
            ports = [_free_port(), _free_port()]
            urls = [f"http://127.0.0.1:{p}" for p in ports]
            with _process(
                _hub_cmd(overlay, ports[0]), _hub_env(data), urls[0], f"{API}/openapi.json"
            ):
                with _kiosk_load(urls[:1], tokens[PROBES:]):
                    figures["rate_pg1"] = _rate(urls[:1], tokens)
                with _process(
                    _hub_cmd(overlay, ports[1]), _hub_env(data), urls[1], f"{API}/openapi.json"
                ):
                    staff = _staff_token(urls[0], staff_name, staff_pw)
                    with _kiosk_load(urls, tokens[PROBES:]):
                        figures["rate_pg2"] = _rate(urls, tokens)
                        cross, cross_missed = _claim_to_kiosk(
                            urls, staff, tokens[:PROBES], CLAIM_SAMPLES // 2
                        )
            c99 = _pct(cross, 0.99) if cross else float("nan")
            print(
                f"claim via instance B -> kiosk on instance A knows (PostgreSQL NOTIFY, "
                f"{len(cross)} samples, {cross_missed} missed): "
                f"p50 {_ms(statistics.median(cross))}, p99 {_ms(c99)} "
                f"({c99:.2f}x the 1 s goal)"
            )
        finally:
            cluster.stop()

    bare_rate = figures["rate_bare"]
    print(f"peer: bare server, {RATE_CALLERS} callers: {bare_rate:.0f} answers/s")
    for key, label in [
        ("rate_sqlite", "SQLite"),
        ("rate_pg1", "PostgreSQL x1"),
        ("rate_pg2", "PostgreSQL x2"),
    ]:
        if key in figures:
            print(
                f"sustained new requests, {label}, {RATE_CALLERS} callers, under the kiosk "
                f"load: {figures[key]:.0f}/s ({figures[key] / bare_rate:.2f}x the bare server)"
            )


if __name__ == "__main__":
    main()
