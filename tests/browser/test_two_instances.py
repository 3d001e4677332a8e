"""Two hub instances on one PostgreSQL: a request made through one reaches a dashboard whose
event stream is held by the other, live (the shared reader is woken by LISTEN/NOTIFY)."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from kiosk.hub.app import create_app
from tests.browser.conftest import QuickServer
from tests.browser.test_stream import Reader
from tests.hub.support import Driver, PgCluster, add_admin, settings_for

pytestmark = pytest.mark.postgres


def test_a_request_through_one_instance_reaches_a_dashboard_on_the_other(tmp_path: Path) -> None:
    cluster = PgCluster().start()
    try:
        url = cluster.new_database()
        apps = [
            create_app(
                settings_for(
                    tmp_path / name,
                    url,
                    server={"development": True},
                    security={"cookie_secure": False},
                )
            )
            for name in ("a", "b")
        ]
        password = add_admin(apps[0].state.hub)
        with QuickServer(apps[0]) as a, QuickServer(apps[1]) as b:
            with httpx.Client(base_url=a.url) as ca, httpx.Client(base_url=b.url) as cb:
                via_a, via_b = Driver(ca), Driver(cb)
                via_a.passwords["admin"] = password
                via_a.admin_token = via_a.login("admin")
                site = via_a.site("Pasila", address="", guidance_hours="")
                via_a.staff("anna", "staff", [site])
                kiosk = via_a.kiosk(site)
                reader = Reader(a.url, via_a.login("anna"))
                reader.start()
                assert reader.next() == ("connected", None)
                started = time.monotonic()
                made = via_b.ask(kiosk, topic="through instance b")
                assert next(reader.requests()) == ("created", made["id"])
                assert time.monotonic() - started < 1.0
    finally:
        cluster.stop()
