"""systemd's ready and watchdog notifications, sent from Kivy's clock.

Under ``Type=notify`` with ``WatchdogSec=``, systemd restarts the kiosk when the pings stop.
Pinging from the UI thread's clock (not a helper thread) means a frozen UI is a dead kiosk.
Outside systemd (no ``NOTIFY_SOCKET``) nothing is sent. The protocol is one datagram per
message on a Unix socket (sd_notify(3)); written here in a few lines rather than adding a
dependency for it.
"""

from __future__ import annotations

import os
import socket

from kivy.clock import Clock


class Watchdog:
    def __init__(self, environ: dict[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.address = env.get("NOTIFY_SOCKET", "")
        self.enabled = bool(self.address)
        usec = int(env.get("WATCHDOG_USEC", "0") or 0)
        # Ping at half the interval systemd allows, as sd_watchdog_enabled(3) advises.
        self.interval = usec / 2_000_000 if usec else 0.0
        self._event = None
        self._started = False

    def notify(self, message: str) -> None:
        """Send one message; a missing socket is not the kiosk's problem, so it is ignored."""
        target = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
                sock.sendto(message.encode(), target)
        except OSError:
            pass

    def start(self) -> None:
        """Tell systemd the kiosk is up and start pinging (call after the first frame)."""
        if not self.enabled:
            return
        self._started = True
        self.notify("READY=1")
        if self.interval:
            self._event = Clock.schedule_interval(
                lambda _dt: self.notify("WATCHDOG=1"), self.interval
            )

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
        if self._started:
            self.notify("STOPPING=1")
