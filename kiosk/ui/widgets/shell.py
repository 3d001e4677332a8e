"""The frame around every screen: Back and the title on top; Settings, Call a helper and End
session at the bottom, always in the same place. Every touch anywhere counts as activity."""

from __future__ import annotations

from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.kvload import load_kv
from kiosk.ui.widgets import common  # noqa: F401  (registers KButton, KLabel... for KV)


class KioskShell(BoxLayout):
    """Root widget. ``nav`` and ``session`` are the app's NavigationVM and SessionVM."""

    nav = ObjectProperty(None)
    session = ObjectProperty(None)
    title = StringProperty("")

    def on_kv_post(self, base_widget):  # noqa: ANN001
        # The title follows the current screen's own (translated) title, also after a switch.
        self.ids.screens.bind(current_screen=self._follow_title)

    def _follow_title(self, _manager, screen) -> None:  # noqa: ANN001
        if getattr(self, "_titled", None) is not None:
            self._titled.unbind(title=self.setter("title"))
        self._titled = screen
        if screen is not None:
            screen.bind(title=self.setter("title"))
            self.title = screen.title

    def on_touch_down(self, touch):  # noqa: ANN001 - Kivy signature
        if self.session is not None and self.session.active:
            self.session.activity()
        return super().on_touch_down(touch)

    def add_screen(self, screen) -> None:  # noqa: ANN001
        self.ids.screens.add_widget(screen)

    def follow(self, nav, ensure) -> None:  # noqa: ANN001
        """Show whatever ``nav.current`` names, from now on; ``ensure(name)`` builds a screen."""
        manager = self.ids.screens

        def show(_nav, name: str) -> None:  # noqa: ANN001
            ensure(name)
            manager.current = name

        nav.bind(current=show)
        show(nav, nav.current)

    def screen(self, name: str):  # noqa: ANN201
        return self.ids.screens.get_screen(name)


load_kv(__file__)
