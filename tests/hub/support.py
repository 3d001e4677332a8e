"""Helpers for hub tests: a controllable clock, a throwaway PostgreSQL, a real uvicorn server,
and a small API driver that sets up sites, staff and kiosks through the real endpoints."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from kiosk.hub.config import HubSettings, load_hub_settings
from kiosk.hub.services import accounts

API = "/api/v1"


class Clock:
    """A clock tests move by hand; starts at a fixed weekday noon (UTC)."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


def settings_for(data_dir: Path, url: str = "", **sections: dict[str, Any]) -> HubSettings:
    extra: dict[str, Any] = {"paths": {"data_dir": str(data_dir)}, "database": {"url": url}}
    extra.update(sections)
    return load_hub_settings(extra=extra)


def add_admin(hub: Any, name: str = "admin") -> str:
    """Create an admin directly (as `kiosk-hub create-admin` does); returns its password."""
    with hub.transaction() as db:
        _, password = accounts.add_staff(
            db,
            hub.hasher,
            now=hub.clock(),
            actor_id=None,
            name=name,
            display_name=name.title(),
            role="admin",
            site_ids=[],
            password=None,
        )
    assert password
    return password


@dataclass
class Driver:
    """Drives the API over any httpx-compatible client (TestClient or httpx.Client)."""

    client: Any
    admin_token: str = ""
    passwords: dict[str, str] = field(default_factory=dict)

    def auth(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def login(self, name: str, password: str | None = None) -> str:
        r = self.client.post(
            f"{API}/staff/login", json={"name": name, "password": password or self.passwords[name]}
        )
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def admin(self, method: str, path: str, **kw: Any) -> Any:
        r = self.client.request(
            method, f"{API}/admin{path}", headers=self.auth(self.admin_token), **kw
        )
        assert r.status_code in (200, 201), r.text
        return r.json()

    def site(self, name: str, **fields: Any) -> int:
        return self.admin("POST", "/sites", json={"name": name, **fields})["id"]

    def staff(self, name: str, role: str, site_ids: list[int]) -> str:
        body = {"name": name, "display_name": name.title(), "role": role, "site_ids": site_ids}
        self.passwords[name] = self.admin("POST", "/staff", json=body)["password"]
        return self.login(name)

    def kiosk(self, site_id: int, place: str = "by the newspapers") -> str:
        code = self.admin("POST", "/kiosks/enrolment", json={"site_id": site_id, "place": place})
        r = self.client.post(f"{API}/enrol", json={"code": code["code"]})
        assert r.status_code == 201, r.text
        return r.json()["token"]

    def ask(self, kiosk_token: str, key: str | None = None, **fields: Any) -> dict[str, Any]:
        body = {"language": "fi", "text_size": 100, "read_aloud": False, "stuck_seconds": 5}
        body.update(fields)
        headers = {**self.auth(kiosk_token), "Idempotency-Key": key or os.urandom(8).hex()}
        r = self.client.post(f"{API}/kiosk/requests", json=body, headers=headers)
        assert r.status_code == 201, r.text
        return r.json()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    """A real uvicorn server on 127.0.0.1 in a thread, started and stopped by the test."""

    def __init__(self, app: Any) -> None:
        self.port = free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="error")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test hub did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts)
    return found[-1].parent if found else None


class PgCluster:
    """A throwaway PostgreSQL cluster on a Unix socket (run as the postgres user when root)."""

    def __init__(self) -> None:
        bindir = pg_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = bindir
        self.dir = Path(tempfile.mkdtemp(prefix="hub-pg-"))
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._count = 0

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=60)

    def start(self) -> PgCluster:
        data = str(self.dir / "data")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            data,
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        opts = f"-k {self.dir} -c listen_addresses='' -c fsync=off -c max_connections=300"
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            data,
            "-l",
            str(self.dir / "log"),
            "-w",
            "-o",
            opts,
            "start",
        )
        return self

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@/{db}?host={self.dir}"

    def new_database(self) -> str:
        """A fresh empty database; returns its SQLAlchemy URL."""
        import psycopg

        self._count += 1
        name = f"hub_test_{self._count}"
        with psycopg.connect(
            f"postgresql://postgres@/postgres?host={self.dir}", autocommit=True
        ) as c:
            c.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run(
                str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate", "stop"
            )
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


def wait_json(client: httpx.Client, url: str, **kw: Any) -> Any:
    r = client.get(url, **kw)
    assert r.status_code == 200, r.text
    return r.json()
