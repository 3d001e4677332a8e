"""Call a helper. Until the hub is connected it says so plainly and points to the desk."""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen


class HelpScreen(KioskScreen):
    pass


load_kv(__file__)
