"""End session: one confirmation, then everything the visitor did is erased."""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen


class EndScreen(KioskScreen):
    pass


load_kv(__file__)
