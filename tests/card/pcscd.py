"""Starts and stops the real pcscd for the card tests, with or without the vpcd virtual readers.

Only one pcscd can run on a machine: :func:`stop_running_pcscd` stops one already running (by the
pid in its pid file, after checking the process really is pcscd). pcscd gets its own reader
configuration folder (``--config``), so the tests choose whether the two vpcd readers exist.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

PID_FILE = Path("/run/pcscd/pcscd.pid")
SOCKET = Path("/run/pcscd/pcscd.comm")
VPCD_DRIVER = Path("/usr/lib/pcsc/drivers/serial/libifdvpcd.so")
VPCD_CONF = f"""FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:0x8C7B
LIBPATH      {VPCD_DRIVER}
CHANNELID    0x8C7B
"""


def missing_requirements() -> str | None:
    """Why the real-pcscd tests cannot run here, or None."""
    if os.geteuid() != 0:
        return "the card tests start pcscd and must run as root"
    if subprocess.run(["which", "pcscd"], capture_output=True).returncode != 0:
        return "pcscd is missing: scripts/system-packages.sh test (apt-get install pcscd)"
    if not VPCD_DRIVER.exists():
        return "vsmartcard-vpcd is missing: scripts/system-packages.sh test"
    return None


def _is_pcscd(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip() == "pcscd"
    except OSError:
        return False


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _is_pcscd(pid):
            return True
        time.sleep(0.02)
    return False


def stop_running_pcscd() -> None:
    """Stop a pcscd this harness did not start (e.g. socket-activated by systemd)."""
    try:
        pid = int(PID_FILE.read_text().strip())
    except (OSError, ValueError):
        return
    if not _is_pcscd(pid):
        return
    os.kill(pid, signal.SIGTERM)
    if not _wait_gone(pid, 5):
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 2)


class Pcscd:
    """The pcscd under test. ``workdir`` holds its reader configurations and its log."""

    def __init__(self, workdir: Path) -> None:
        self.with_readers = workdir / "readers"
        self.without_readers = workdir / "no-readers"
        self.with_readers.mkdir(parents=True, exist_ok=True)
        self.without_readers.mkdir(parents=True, exist_ok=True)
        (self.with_readers / "vpcd").write_text(VPCD_CONF)
        self.log = workdir / "pcscd.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, *, virtual_readers: bool = True, timeout: float = 10.0) -> None:
        """Start pcscd (``--apdu`` logs every APDU it passes on) and wait for its socket."""
        if self.proc is not None:
            raise RuntimeError("pcscd already started")
        conf = self.with_readers if virtual_readers else self.without_readers
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                ["pcscd", "--foreground", "--apdu", "--debug", "--config", str(conf)],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self.proc.poll() is not None:
                raise RuntimeError(f"pcscd exited with {self.proc.returncode}; see {self.log}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"pcscd did not open {SOCKET} in {timeout} s; see {self.log}")
            time.sleep(0.01)

    def stop(self) -> None:
        """SIGTERM (as systemd does) and wait; SIGKILL if it hangs."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=8)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def restart(self, *, virtual_readers: bool = True) -> None:
        self.stop()
        self.start(virtual_readers=virtual_readers)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _answers(self) -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            try:
                sock.connect(str(SOCKET))
            except OSError:
                return False
        return True
