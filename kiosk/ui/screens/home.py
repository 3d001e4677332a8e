"""Home: the three big choices of a session."""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen


class HomeScreen(KioskScreen):
    """Practise an e-service, call a helper, or change settings."""


load_kv(__file__)
