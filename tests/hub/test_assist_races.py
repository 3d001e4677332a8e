"""Assisted mode under races over real HTTP on a real server (SQLite and PostgreSQL): a code
typed at the same moment twice opens the kiosk once; simultaneous wrong PINs are all counted;
the same action delivered twice at once is audited once."""

from __future__ import annotations

from typing import Any

from kiosk.hub.app import create_app
from tests.hub.assist_support import make_world
from tests.hub.support import API, settings_for
from tests.hub.test_concurrency import _race, _served_driver


def test_races(tmp_path: Any, db_url: str) -> None:
    server, api = _served_driver(create_app(settings_for(tmp_path, db_url)))
    try:
        w = make_world(api)
        for _ in range(2):
            code = w.code("anna", w.kiosk_id(w.ka)).json()["code"]
            body = {"method": "code", "code": code}
            results = _race(
                [
                    lambda b=body: api.client.post(
                        f"{API}/kiosk/assist/unlock", json=b, headers=api.auth(w.ka)
                    )
                    for _ in range(4)
                ]
            )
            assert sorted(r.status_code for r in results) == [200, 401, 401, 401]
        results = _race([lambda: w.by_number(w.kb, "kaisa", "0000") for _ in range(5)])
        assert [r.status_code for r in results] == [401] * 5
        assert w.by_number(w.kb, "kaisa").status_code == 429
        aid = w.assist_id(w.ka, "anna")
        results = _race(
            [
                lambda: w.action(w.ka, "same-key-1", action="assist_end", assist_id=aid)
                for _ in range(4)
            ]
        )
        assert {r.status_code for r in results} == {201}
        assert len({r.json()["audit_id"] for r in results}) == 1
        assert len(w.audit(action="assist_end")) == 1
    finally:
        api.client.close()
        server.__exit__()
