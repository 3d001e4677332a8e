"""``kiosk-admin`` against a real hub over real HTTP: login, sites, kiosks, staff, and errors."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys

import httpx
import pytest

from kiosk.admin.cli import main
from kiosk.admin.session import session_file


def run(capsys, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def logged_in(hub, capsys, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KIOSK_ADMIN_PASSWORD", hub["password"])
    code, out, err = run(capsys, "login", "--hub", hub["url"], "--user", "root")
    assert code == 0, err
    monkeypatch.delenv("KIOSK_ADMIN_PASSWORD")
    return hub


def test_login_keeps_session_private(logged_in) -> None:  # type: ignore[no-untyped-def]
    path = session_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert logged_in["password"] not in path.read_text()


def test_sites_kiosks_and_enrolment(logged_in, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = run(capsys, "sites", "add", "Oodi", "--guidance-hours", "Mon-Fri 10-12")
    assert code == 0 and "Oodi" in out
    code, out, _ = run(capsys, "sites", "list")
    assert code == 0 and "Mon-Fri 10-12" in out
    code, out, _ = run(capsys, "kiosks", "enroll", "--site", "oodi", "--place", "2nd floor")
    assert code == 0
    enrol = re.search(r"Enrolment code: (\S+)", out)
    assert enrol and "Valid once, until" in out
    r = httpx.post(f"{logged_in['url']}/api/v1/enrol", json={"code": enrol.group(1)})
    assert r.status_code == 201
    token = r.json()["token"]
    code, out, _ = run(capsys, "--json", "kiosks", "list")
    kiosks = json.loads(out)
    assert [(k["place"], k["revoked"]) for k in kiosks] == [("2nd floor", False)]
    code, out, _ = run(capsys, "kiosks", "revoke", str(kiosks[0]["id"]))
    assert code == 0
    beat = httpx.post(
        f"{logged_in['url']}/api/v1/kiosk/heartbeat",
        json={},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert beat.status_code == 401


def test_staff_add_list_disable_set_password(logged_in, capsys) -> None:  # type: ignore[no-untyped-def]
    run(capsys, "sites", "add", "Lohja")
    code, out, _ = run(
        capsys,
        "staff",
        "add",
        "anna",
        "--display-name",
        "Anna",
        "--role",
        "volunteer",
        "--site",
        "Lohja",
    )
    assert code == 0
    password = out.rsplit(": ", 1)[1].strip()
    login = httpx.post(
        f"{logged_in['url']}/api/v1/staff/login", json={"name": "anna", "password": password}
    )
    assert login.status_code == 200 and login.json()["staff"]["role"] == "volunteer"
    code, out, _ = run(capsys, "staff", "set-password", "anna")
    new = out.rsplit(": ", 1)[1].strip()
    assert code == 0 and new != password
    code, out, _ = run(capsys, "staff", "disable", "anna")
    assert code == 0
    code, out, _ = run(capsys, "staff", "list")
    assert re.search(r"anna\s+Anna\s+volunteer\s+1\s+True", out)
    login = httpx.post(
        f"{logged_in['url']}/api/v1/staff/login", json={"name": "anna", "password": new}
    )
    assert login.status_code == 401


def test_errors_are_one_line_with_exit_codes(logged_in, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(capsys, "kiosks", "enroll", "--site", "Nowhere", "--place", "x")
    assert code == 1 and err.count("\n") == 1 and "no site named 'Nowhere'" in err
    run(capsys, "sites", "add", "Turku")
    code, _, err = run(capsys, "sites", "add", "Turku")
    assert code == 1 and "already exists" in err
    code, _, err = run(capsys, "staff", "disable", "ghost")
    assert code == 1 and "No staff account named 'ghost'" in err


def test_hub_down_and_wrong_password(hub, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KIOSK_ADMIN_PASSWORD", "wrong-password")
    code, _, err = run(capsys, "--hub", hub["url"], "--user", "root", "sites", "list")
    assert code == 4 and "Wrong name or password" in err
    code, _, err = run(capsys, "--hub", "http://127.0.0.1:9", "--user", "root", "sites", "list")
    assert code == 3 and "cannot reach the hub at http://127.0.0.1:9" in err
    code, _, err = run(capsys, "sites", "list")
    assert code == 2 and "not logged in" in err


def test_console_script_end_to_end(hub, tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = dict(
        os.environ, KIOSK_ADMIN_PASSWORD=hub["password"], XDG_CONFIG_HOME=str(tmp_path / "cfg")
    )
    exe = os.path.join(os.path.dirname(sys.executable), "kiosk-admin")
    done = subprocess.run(
        [exe, "--hub", hub["url"], "--user", "root", "sites", "add", "Celia"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Site 'Celia' added" in done.stdout and "Traceback" not in done.stderr
