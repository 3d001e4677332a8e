"""A large digit keypad for the staff login: 1-9 and 0, Delete and OK.

The letter keyboard (keyboard.py) is for visitors' practice forms; staff numbers, PINs and codes
are digits only, so this pad keeps its keys large at every text size and fits beside the form.
Keys are 96 px high with 16 px between them; nothing typed is shown or kept here.
"""

from __future__ import annotations

from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.kvload import load_kv
from kiosk.ui.widgets.common import KButton

ROWS = ("123", "456", "789")
KEY_W = 128
KEY_H = 96
GAP = 16


class PadKey(KButton):
    """One key of the pad."""


class PinPad(BoxLayout):
    """Events: ``on_digit(digit)``, ``on_delete``, ``on_ok``. Labels set (translated) from KV."""

    __events__ = ("on_digit", "on_delete", "on_ok")
    label_delete = StringProperty("Delete")
    label_ok = StringProperty("OK")

    def on_kv_post(self, base_widget):  # noqa: ANN001
        self.bind(label_delete=self._relabel, label_ok=self._relabel)
        for row in (*ROWS, "0"):
            line = BoxLayout(size_hint=(None, None), height=KEY_H, spacing=GAP)
            for digit in row:
                line.add_widget(self._key(digit, f"pad_{digit}", KEY_W, "secondary", digit))
            line.width = len(row) * KEY_W + (len(row) - 1) * GAP
            line.pos_hint = {"center_x": 0.5}
            self.add_widget(line)
        last = BoxLayout(size_hint=(None, None), height=KEY_H, spacing=GAP)
        wide = (3 * KEY_W + GAP) / 2
        self._delete = self._key(self.label_delete, "pad_delete", wide, "end", None)
        self._ok = self._key(self.label_ok, "pad_ok", wide, "primary", None)
        last.add_widget(self._delete)
        last.add_widget(self._ok)
        last.width = 3 * KEY_W + 2 * GAP
        self.add_widget(last)

    def _relabel(self, *_: object) -> None:
        self._delete.text, self._ok.text = self.label_delete, self.label_ok

    def _key(self, text: str, name: str, width: float, role: str, digit: str | None) -> PadKey:
        key = PadKey(text=text, test_name=name, role=role, size_hint=(None, None), width=width)
        if digit is not None:
            key.bind(on_release=lambda *_: self.dispatch("on_digit", digit))
        elif name == "pad_delete":
            key.bind(on_release=lambda *_: self.dispatch("on_delete"))
        else:
            key.bind(on_release=lambda *_: self.dispatch("on_ok"))
        return key

    def on_digit(self, digit: str) -> None:
        pass

    def on_delete(self) -> None:
        pass

    def on_ok(self) -> None:
        pass


load_kv(__file__)
