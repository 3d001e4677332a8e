"""Out of order: the calm face of an unexpected error. Returns to welcome by itself."""

from __future__ import annotations

from kivy.properties import NumericProperty

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen


class ErrorScreen(KioskScreen):
    """Shown by the app's error boundary. ``seconds_left`` counts down to the restart."""

    seconds_left = NumericProperty(0)


load_kv(__file__)
