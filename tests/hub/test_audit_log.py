"""The audit log for admins (issue #8): JSON with filters, CSV export, admins only; and the
admin endpoints for staff PINs and cards, which never write a PIN anywhere but its hash."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from tests.hub.assist_support import ANNA_CARD, PINS, World, make_world
from tests.hub.support import API, Clock, Driver


@pytest.fixture
def world(api: Driver) -> World:
    return make_world(api)


@pytest.fixture
def small(lite: Driver) -> World:
    return make_world(lite)


def get(w: World, path: str, token: str | None, **params: object):  # type: ignore[no-untyped-def]
    headers = w.api.auth(token) if token else {}
    return w.api.client.get(f"{API}/admin{path}", params=params, headers=headers)


@pytest.mark.parametrize("path", ["/audit", "/audit.csv"])
def test_audit_is_for_admins_only(small: World, path: str) -> None:
    for name in ("anna", "ville", "rea"):
        r = get(small, path, small.tokens[name])
        assert r.status_code == 403 and r.json()["detail"] == "Only an admin may do this."
    assert get(small, path, None).status_code == 401
    assert get(small, path, small.ka).status_code == 401
    assert get(small, path, small.api.admin_token).status_code == 200


def test_audit_filters_and_limit(world: World, clock: Clock) -> None:
    w = world
    start = clock.now
    w.assist_id(w.ka, "anna")
    clock.advance(minutes=20)  # within the admin session's idle time
    middle = clock.now
    w.assist_id(w.kb, "kaisa")
    w.by_number(w.ka, "anna", "0000")
    token = w.api.admin_token
    rows = get(w, "/audit", token, since=middle.isoformat()).json()
    assert [(e["action"], e["staff_name"]) for e in rows] == [
        ("assist_unlock_failed", "anna"),
        ("assist_unlock", "kaisa"),
    ]
    span = {"since": start.isoformat(), "until": middle.isoformat()}
    rows = get(w, "/audit", token, action="assist_unlock", **span).json()
    assert [e["staff_name"] for e in rows] == ["anna"]
    assert get(w, "/audit", token, since=(middle + timedelta(seconds=1)).isoformat()).json() == []
    ka = w.kiosk_id(w.ka)
    rows = get(w, "/audit", token, kiosk_id=ka).json()
    assert {e["kiosk_id"] for e in rows} == {ka} and len(rows) == 2
    rows = get(w, "/audit", token, staff_id=w.ids["kaisa"]).json()
    assert [e["action"] for e in rows] == ["assist_unlock", "staff.login"]
    rows = get(w, "/audit", token, action="staff.set_pin").json()
    assert len(rows) == len(PINS)
    assert len(get(w, "/audit", token, limit=3).json()) == 3
    everything = get(w, "/audit", token, limit=5000).json()
    assert [e["id"] for e in everything] == sorted((e["id"] for e in everything), reverse=True)
    for bad in ({"limit": 0}, {"limit": 5001}, {"since": "yesterday"}, {"action": "DROP TABLE"}):
        assert get(w, "/audit", token, **bad).status_code == 422, bad


def test_audit_csv_export(small: World) -> None:
    w = small
    w.api.staff("=cmd", "staff", [w.a])  # a name a spreadsheet would run as a formula
    w.api.staff("jyrki", "staff", [w.a])
    w.api.admin("POST", "/staff/jyrki/pin", json={"pin": "1234"})
    w.assist_id(w.ka, "anna")
    r = get(w, "/audit.csv", w.api.admin_token, action="assist_unlock")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.headers["content-disposition"].startswith('attachment; filename="audit-')
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "id",
        "at",
        "staff_id",
        "staff_name",
        "action",
        "kiosk_id",
        "site_id",
        "request_id",
        "detail",
    ]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["staff_name"] == "anna" and row["action"] == "assist_unlock"
    assert row["at"].startswith("2026-11-24T12:00:00") and row["request_id"] == ""
    assert json.loads(row["detail"])["method"] == "number"
    whole = list(csv.DictReader(io.StringIO(get(w, "/audit.csv", w.api.admin_token).text)))
    # "=cmd" logged in: its name is defused in the spreadsheet, kept readable.
    assert {e["staff_name"] for e in whole} >= {"admin", "anna", "'=cmd"}
    exports = w.audit(action="audit.export")
    assert len(exports) == 2 and exports[-1]["detail"]["filter"] == {"action": "assist_unlock"}
    assert exports[0]["staff_name"] == "admin"


def test_formula_cells_are_defused() -> None:
    from kiosk.hub.services.audit import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _cell("@SUM(A1)") == "'@SUM(A1)"
    assert _cell("anna") == "anna" and _cell(None) == ""
    assert _cell({"name": "Äijä"}) == '{"name": "Äijä"}'


def test_pins_and_cards_through_the_admin_api(world: World) -> None:
    w = world
    out = w.api.admin("POST", "/staff/ville/pin", json={})
    assert out["name"] == "ville" and len(out["pin"]) == 6 and out["pin"].isdigit()
    assert w.by_number(w.ka, "ville", out["pin"]).status_code == 200
    assert w.by_number(w.ka, "ville").status_code == 401  # the old PIN stopped working
    given = w.api.admin("POST", "/staff/ville/pin", json={"pin": "97531"})
    assert given["pin"] is None
    listed = {s["name"]: s for s in w.api.admin("GET", "/staff")}
    assert listed["anna"]["has_card"] and listed["anna"]["has_pin"]
    assert not listed["ville"]["has_card"]
    taken = w.api.client.post(
        f"{API}/admin/staff/ville/card",
        json={"card_uid": ANNA_CARD},
        headers=w.api.auth(w.api.admin_token),
    )
    assert taken.status_code == 409 and "'anna'" in taken.json()["detail"]
    cleared = w.api.admin("POST", "/staff/anna/card", json={"card_uid": None})
    assert cleared["has_card"] is False
    w.api.admin("POST", "/staff/ville/card", json={"card_uid": ANNA_CARD})
    r = w.unlock(w.ka, method="card", card_uid=ANNA_CARD, pin="97531")
    assert r.status_code == 200 and r.json()["display_name"] == "Ville"
    text = json.dumps(w.audit(limit=5000))
    for secret in (out["pin"], "97531", *PINS.values()):
        assert secret not in text
    actions = [e["action"] for e in w.audit(staff_id=w.ids["admin"], limit=5000)]
    assert actions.count("staff.set_card") == 2 and actions.count("staff.clear_card") == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/staff/anna/pin", {"pin": "123"}),
        ("/staff/anna/pin", {"pin": "1234567890123"}),
        ("/staff/anna/pin", {"pin": 1234}),
        ("/staff/anna/pin", {"pin": "12 34"}),
        ("/staff/anna/card", {"card_uid": "04a1b2c3"}),
        ("/staff/anna/card", {"card_uid": "04A1"}),
        ("/staff/anna/card", {}),
    ],
)
def test_bad_pins_and_cards_are_422(small: World, path: str, body: dict) -> None:  # type: ignore[type-arg]
    r = small.api.client.post(
        f"{API}/admin{path}", json=body, headers=small.api.auth(small.api.admin_token)
    )
    assert r.status_code == 422, r.text


def test_pins_and_cards_are_admin_only(small: World) -> None:
    for path, body in (("/staff/anna/pin", {}), ("/staff/anna/card", {"card_uid": None})):
        r = small.api.client.post(
            f"{API}/admin{path}", json=body, headers=small.api.auth(small.tokens["anna"])
        )
        assert r.status_code == 403
        r = small.api.client.post(
            f"{API}/admin/staff/ghost{path[11:]}",
            json=body,
            headers=small.api.auth(small.api.admin_token),
        )
        assert r.status_code == 404
