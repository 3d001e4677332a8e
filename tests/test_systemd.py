"""The systemd units verify cleanly, and the kiosk speaks sd_notify from Kivy's clock."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest

from kiosk.config import PROJECT_ROOT

UNITS = sorted((PROJECT_ROOT / "systemd").glob("*.service"))


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_unit_verifies_without_a_word(unit, tmp_path):
    # The units name /opt/kiosk (where docs/raspberry-pi.md installs); here, this checkout.
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text().replace("/opt/kiosk", str(PROJECT_ROOT)))
    out = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(copy)], capture_output=True, text=True
    )
    # systemd-analyze exits 0 on unknown keys and bad values: any output is a failure.
    assert out.stdout + out.stderr == ""


@pytest.mark.widget
def test_ready_and_watchdog_pings_reach_systemd(tmp_path):
    from kiosk.ui.watchdog import Watchdog
    from tests.ui.harness import frames

    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(0.1)
    dog = Watchdog({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "200000"})
    dog.start()
    got = []
    deadline = time.monotonic() + 3
    try:
        while time.monotonic() < deadline and got.count(b"WATCHDOG=1") < 2:
            frames(1)
            try:
                got.append(sock.recv(100))
            except TimeoutError:
                pass
    finally:
        dog.stop()
        sock.close()
    assert got[0] == b"READY=1"
    assert got.count(b"WATCHDOG=1") >= 2


def test_no_notifications_outside_systemd():
    from kiosk.ui.watchdog import Watchdog

    dog = Watchdog({})
    dog.start()
    assert not dog.enabled and not dog._started


def test_maintenance_exit_is_not_restarted_and_gives_tty1_back():
    # kiosk/ui/assisting.py exits with this status when an admin leaves for maintenance; the
    # unit must neither restart the kiosk then nor leave tty1 without a login prompt.
    from kiosk.ui.assisting import MAINTENANCE_EXIT_STATUS

    text = (PROJECT_ROOT / "systemd" / "kiosk.service").read_text()
    assert f"RestartPreventExitStatus={MAINTENANCE_EXIT_STATUS}" in text.splitlines()
    stop_post = [line for line in text.splitlines() if line.startswith("ExecStopPost=")]
    assert len(stop_post) == 1
    assert f'"$$EXIT_STATUS" = {MAINTENANCE_EXIT_STATUS}' in stop_post[0]
    assert "start getty@tty1.service" in stop_post[0]
