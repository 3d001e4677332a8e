"""Typing into a practice field: what is typed so far, why it is not right yet, and the keyboard."""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import keyboard  # noqa: F401  (registers OnScreenKeyboard for KV)


class KeyboardScreen(KioskScreen):
    """``vm`` is the PlayerVM. Leaving the screen (Back) closes the typing without judging."""

    def on_leave(self, *_: object) -> None:
        if self.vm is not None and self.vm.typing_component:
            self.vm.cancel_typing()


load_kv(__file__)
