"""Completion: "You practised: ..." with what to do next at the real service."""

from __future__ import annotations

from kivy.properties import ListProperty, StringProperty

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets.common import KLabel


class CompletionScreen(KioskScreen):
    """Shows ``practised`` (2-4 points) and ``next``, in the language the demo was done in."""

    practised = ListProperty()
    next_step = StringProperty("")

    def on_practised(self, *_: object) -> None:
        column = self.ids.points
        column.clear_widgets()
        for text in self.practised:
            column.add_widget(KLabel(text=f"•  {text}"))


load_kv(__file__)
