"""The visitor waits: place in the queue, expected wait (live), staff messages in large type."""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen


class HelpQueueScreen(KioskScreen):
    pass


load_kv(__file__)
