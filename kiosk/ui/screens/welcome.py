"""Welcome / attract: "Touch the screen to start", in each offered language in turn."""

from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import ListProperty, NumericProperty

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen


class WelcomeScreen(KioskScreen):
    """Any touch starts a session. ``languages`` cycle every ``attract_seconds``."""

    languages = ListProperty(["fi"])
    attract_seconds = NumericProperty(4)
    index = NumericProperty(0)
    _cycle = None

    def on_enter(self, *_: object) -> None:
        self.index = 0
        self._cycle = Clock.schedule_interval(self.next_language, self.attract_seconds)

    def on_leave(self, *_: object) -> None:
        if self._cycle is not None:
            self._cycle.cancel()
            self._cycle = None

    def next_language(self, *_: object) -> None:
        self.index = (self.index + 1) % len(self.languages)

    def on_touch_down(self, touch):  # noqa: ANN001
        if self.collide_point(*touch.pos) and self.manager and self.manager.current == self.name:
            self.session.start()
            return True
        return super().on_touch_down(touch)


load_kv(__file__)
