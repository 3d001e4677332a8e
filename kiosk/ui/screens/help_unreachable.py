"""The hub cannot be reached: calmly to the desk; the kiosk keeps trying in the background."""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen


class HelpUnreachableScreen(KioskScreen):
    pass


load_kv(__file__)
