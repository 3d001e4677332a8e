"""`kiosk enroll` and `kiosk check`'s hub line against a real hub, from the outside."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys

import pytest

from kiosk.services.hublink.check import check_hub
from kiosk.services.hublink.credentials import load_enrolment
from tests.e2e.support import enrol_kiosk, kiosk_settings
from tests.hub.support import free_port

pytestmark = pytest.mark.e2e


def kiosk(tmp_path, *args, url=""):
    site_file = tmp_path / "site.toml"
    site_file.write_text(
        f'[paths]\ndata_dir = "{tmp_path / "data"}"\n[hub]\nurl = "{url}"\n', encoding="utf-8"
    )
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(site_file), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "KIVY_NO_CONSOLELOG": "1"},
    )


def test_enroll_saves_the_token_readable_only_by_this_user(site, tmp_path):
    code = site.hub.driver.admin(
        "POST", "/kiosks/enrolment", json={"site_id": site.site_id, "place": "2nd floor"}
    )["code"]
    out = kiosk(tmp_path, "enroll", code.lower(), "--hub", site.hub.url + "/")
    assert out.returncode == 0, out.stderr
    path = tmp_path / "data" / "hub_token.json"
    assert str(path) in out.stdout
    assert "Pasila library, 2nd floor" in out.stdout
    assert 'Set [hub] url = "' in out.stdout  # the site file still has no url
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    saved = json.loads(path.read_text())
    assert saved["hub_url"] == site.hub.url and len(saved["token"]) >= 32
    # The same code works once only.
    again = kiosk(tmp_path, "enroll", code, "--hub", site.hub.url)
    assert again.returncode == 2
    assert again.stderr.startswith("kiosk: the hub refused the code: ")
    assert len(again.stderr.strip().splitlines()) == 1


def test_enroll_with_an_unknown_code_is_one_line(site, tmp_path):
    out = kiosk(tmp_path, "enroll", "NOPE-NOPE-NOPE", url=site.hub.url)
    assert out.returncode == 2
    assert out.stderr.startswith("kiosk: the hub refused the code: ")
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "data" / "hub_token.json").exists()


def test_enroll_with_the_hub_unreachable_is_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    out = kiosk(tmp_path, "enroll", "ABCD-EFGH-JKLM", "--hub", url)
    assert out.returncode == 2
    assert out.stderr.startswith(f"kiosk: cannot reach the hub at {url}")
    assert len(out.stderr.strip().splitlines()) == 1


def test_enroll_needs_an_address(tmp_path):
    out = kiosk(tmp_path, "enroll", "ABCD-EFGH-JKLM")
    assert out.returncode == 2 and "--hub https://" in out.stderr


def test_check_hub_line_in_every_state(site, tmp_path):
    data = tmp_path / "k"
    [line] = check_hub(kiosk_settings(data, ""))
    assert (line.ok, line.required) == (False, False) and "not configured" in line.message
    settings = kiosk_settings(data, site.hub.url)
    [line] = check_hub(settings)
    assert not line.ok and "not enrolled" in line.message and "kiosk enroll" in line.message
    enrol_kiosk(site.hub, site.site_id, data)
    [line] = check_hub(settings)
    assert line.ok and "reachable" in line.message and "Pasila library" in line.message
    kiosk_id = load_enrolment(data).kiosk_id
    site.hub.driver.admin("POST", f"/kiosks/{kiosk_id}/revoke")
    [line] = check_hub(settings)
    assert not line.ok and "refused this kiosk's token" in line.message
    site.hub.stop()
    [line] = check_hub(settings)
    assert not line.ok and "unreachable" in line.message


def test_kiosk_check_prints_the_hub_line_as_a_warning(tmp_path):
    out = kiosk(tmp_path, "check")
    hub_lines = [ln for ln in out.stdout.splitlines() if "hub link" in ln]
    assert hub_lines == [
        "WARN hub link: not configured ([hub] url is empty): 'Call a helper' says so"
    ]
