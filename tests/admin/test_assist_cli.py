"""``kiosk-admin staff set-pin / set-card`` and the staff number in ``staff list``, against a
real hub over real HTTP; the PIN then switches a real kiosk into assisted mode."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import httpx
import pytest

from kiosk.admin.cli import main


def run(capsys: Any, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def setup(hub: dict[str, Any], capsys: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Logged in, a site with a kiosk (its token), and staff member anna."""
    monkeypatch.setenv("KIOSK_ADMIN_PASSWORD", hub["password"])
    assert run(capsys, "login", "--hub", hub["url"], "--user", "root")[0] == 0
    monkeypatch.delenv("KIOSK_ADMIN_PASSWORD")
    run(capsys, "sites", "add", "Lohja")
    code, out, _ = run(capsys, "kiosks", "enroll", "--site", "Lohja", "--place", "hall")
    enrol = re.search(r"Enrolment code: (\S+)", out)
    assert enrol
    r = httpx.post(f"{hub['url']}/api/v1/enrol", json={"code": enrol.group(1)})
    assert run(capsys, "staff", "add", "anna", "--role", "staff", "--site", "Lohja")[0] == 0
    return {**hub, "kiosk": r.json()["token"]}


def unlock(setup: dict[str, Any], **body: Any) -> httpx.Response:
    return httpx.post(
        f"{setup['url']}/api/v1/kiosk/assist/unlock",
        json=body,
        headers={"Authorization": f"Bearer {setup['kiosk']}"},
    )


def staff_rows(capsys: Any) -> list[dict[str, Any]]:
    code, out, _ = run(capsys, "--json", "staff", "list")
    assert code == 0
    return json.loads(out)  # type: ignore[no-any-return]


def test_set_pin_asks_twice_without_echo(setup, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    answers = iter(["4711", "4711"])
    prompts: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr(
        "getpass.getpass", lambda prompt="": prompts.append(prompt) or next(answers)
    )
    code, out, err = run(capsys, "staff", "set-pin", "anna")
    assert code == 0, err
    assert "4711" not in out and len(prompts) == 2
    number = next(r["id"] for r in staff_rows(capsys) if r["name"] == "anna")
    r = unlock(setup, method="number", staff_number=number, pin="4711")
    assert r.status_code == 200 and r.json()["display_name"] == "anna"


def test_set_pin_refuses_two_different_pins_and_non_digits(setup, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    answers = iter(["4711", "4712"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, _, err = run(capsys, "staff", "set-pin", "anna")
    assert code == 2 and "differ" in err
    monkeypatch.setattr("sys.stdin", io.StringIO("12ab\n"))
    code, _, err = run(capsys, "staff", "set-pin", "anna", "--pin-stdin")
    assert code == 2 and "4 to 12 digits" in err
    assert not next(r for r in staff_rows(capsys) if r["name"] == "anna")["has_pin"]


def test_set_pin_from_stdin_and_generated(setup, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO("246810\n"))
    code, out, _ = run(capsys, "staff", "set-pin", "anna", "--pin-stdin")
    assert code == 0 and "246810" not in out
    code, out, _ = run(capsys, "staff", "set-pin", "anna", "--generate")
    pin = re.search(r"shown only now\): (\d+)$", out.strip())
    assert code == 0 and pin and len(pin.group(1)) == 6
    number = next(r["id"] for r in staff_rows(capsys) if r["name"] == "anna")
    assert unlock(setup, method="number", staff_number=number, pin="246810").status_code == 401
    ok = unlock(setup, method="number", staff_number=number, pin=pin.group(1))
    assert ok.status_code == 200


def test_set_card_and_clear_and_list(setup, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO("4711\n"))
    run(capsys, "staff", "set-pin", "anna", "--pin-stdin")
    code, out, _ = run(capsys, "staff", "set-card", "anna", "--uid", "04:a1:b2:c3")
    assert code == 0 and "registered" in out
    assert unlock(setup, method="card", card_uid="04A1B2C3", pin="4711").status_code == 200
    code, out, _ = run(capsys, "staff", "list")
    assert out.splitlines()[0].split()[:2] == ["NUMBER", "NAME"]
    assert re.search(r"^\d+\s+anna\s+anna\s+staff\s+1\s+False\s+yes\s+yes", out, re.M)
    assert re.search(r"^1\s+root\s+Root\s+admin\s+-\s+False\s+no\s+no", out, re.M)
    run(capsys, "staff", "add", "bo", "--role", "regional", "--site", "Lohja")
    code, _, err = run(capsys, "staff", "set-card", "bo", "--uid", "04A1B2C3")
    assert code == 1 and "already registered to 'anna'" in err
    code, _, err = run(capsys, "staff", "set-card", "bo", "--uid", "zz")
    assert code == 2 and "not a card UID" in err
    code, out, _ = run(capsys, "staff", "set-card", "anna", "--clear")
    assert code == 0 and "forgotten" in out
    assert unlock(setup, method="card", card_uid="04A1B2C3", pin="4711").status_code == 401
    rows = {r["name"]: r for r in staff_rows(capsys)}
    assert rows["anna"]["has_card"] is False and rows["bo"]["role"] == "regional"


def test_set_pin_without_a_terminal_says_what_to_do(setup, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    code, _, err = run(capsys, "staff", "set-pin", "anna")
    assert code == 2 and "--pin-stdin or --generate" in err
    code, _, err = run(capsys, "staff", "set-pin", "ghost", "--generate")
    assert code == 1 and "No staff account named 'ghost'" in err
