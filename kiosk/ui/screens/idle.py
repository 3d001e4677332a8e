"""The idle question: "Do you want to continue?" with a countdown, seen and heard.

Any touch on this screen continues the session (the shell already counts it as activity).
"""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen


class IdleScreen(KioskScreen):
    def on_touch_down(self, touch):  # noqa: ANN001
        # The whole screen is one big "yes": the shell's activity() has already resumed.
        return self.collide_point(*touch.pos) or super().on_touch_down(touch)


load_kv(__file__)
