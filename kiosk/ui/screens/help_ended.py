"""The call ended without a helper (it expired): say so honestly, offer the desk or a new call."""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen


class HelpEndedScreen(KioskScreen):
    pass


load_kv(__file__)
