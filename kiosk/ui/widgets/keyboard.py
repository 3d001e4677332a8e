"""A large on-screen keyboard: Finnish letters with å, ä and ö, digits, a clear Delete.

Keys are at least 96x96 px with 16 px between them. Letters come in three rows with a fourth
row of Shift, 123 (digits and signs), space, Delete and OK; number fields get a number pad.
Every character the pack lint accepts as typeable (``kiosk.packs.actions.KEYBOARD``) is on one
of the layouts, which a test checks.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, NumericProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.ui.kvload import load_kv
from kiosk.ui.widgets.common import KButton

LETTERS = ["qwertyuiopå", "asdfghjklöä", "zxcvbnm,.-"]
SIGNS = ["1234567890", "@/:'?!()+€", "%_,.-"]
NUMBERS = ["123-", "456+", "789€", ",0.%"]
KEY_PX = 96
GAP_PX = 16
#: The most keys in one row: the key width is set so that this row fills the keyboard.
WIDEST_ROW = 11


class KeyRow(BoxLayout):
    """One row of keys, centred."""


class KeyboardKey(KButton):
    """One key; ``char`` is what it types ("" for the special keys)."""


class OnScreenKeyboard(BoxLayout):
    """Events: ``on_char(char)``, ``on_delete``, ``on_done``. ``mode``: "text" or "number"."""

    __events__ = ("on_char", "on_delete", "on_done")
    mode = OptionProperty("text", options=["text", "number"])
    shift = BooleanProperty(False)
    signs = BooleanProperty(False)
    key_width = NumericProperty(KEY_PX)
    #: The special keys' words, set (translated) from KV so that a language switch relabels them.
    label_shift = StringProperty("Aa")
    label_space = StringProperty("Space")
    label_delete = StringProperty("Delete")
    label_ok = StringProperty("OK")

    def on_kv_post(self, base_widget):  # noqa: ANN001
        self.bind(
            mode=self.rebuild,
            shift=self.rebuild,
            signs=self.rebuild,
            width=self._resize,
            label_shift=self.rebuild,
            label_space=self.rebuild,
            label_delete=self.rebuild,
            label_ok=self.rebuild,
            key_width=self.rebuild,
        )
        self.rebuild()

    def on_touch_down(self, touch):  # noqa: ANN001
        # Folded away (invisible), the keys must not catch touches meant for what replaced them.
        if self.opacity == 0:
            return False
        return super().on_touch_down(touch)

    def _resize(self, *_: object) -> None:
        usable = self.width - self.padding[0] - self.padding[2] - GAP_PX * (WIDEST_ROW - 1)
        self.key_width = max(KEY_PX, usable / WIDEST_ROW)

    def rows(self) -> list[str]:
        if self.mode == "number":
            return NUMBERS
        return SIGNS if self.signs else LETTERS

    def rebuild(self, *_: object) -> None:
        """Lay out the keys of the current mode."""
        self.clear_widgets()
        for row in self.rows():
            line = self._row()
            for char in row:
                shown = char.upper() if self.shift and char.isalpha() else char
                line.add_widget(self._key(shown, f"key_{char}", lambda c=shown: self._type(c)))
            self.add_widget(line)
        self.add_widget(self._bottom_row())

    def _type(self, char: str) -> None:
        self.dispatch("on_char", char)
        if self.shift:
            self.shift = False  # one capital, then small letters again, like a phone

    def _bottom_row(self) -> BoxLayout:
        line = self._row()
        if self.mode == "text":
            line.add_widget(self._key(self.label_shift, "key_shift", self._toggle_shift, 2))
            line.add_widget(
                self._key("123" if not self.signs else "abc", "key_signs", self._toggle_signs, 1)
            )
        line.add_widget(self._key(self.label_space, "key_space", lambda: self._type(" "), 3))
        line.add_widget(
            self._key(
                self.label_delete, "key_delete", lambda: self.dispatch("on_delete"), 2, role="end"
            )
        )
        line.add_widget(
            self._key(
                self.label_ok, "key_done", lambda: self.dispatch("on_done"), 2, role="primary"
            )
        )
        return line

    def _toggle_shift(self) -> None:
        self.shift = not self.shift

    def _toggle_signs(self) -> None:
        self.signs = not self.signs

    def _row(self) -> BoxLayout:
        return KeyRow()

    def _key(self, label: str, name: str, action, units: int = 1, role: str = "secondary"):  # noqa: ANN001
        key = KeyboardKey(text=label, test_name=name, role=role)
        key.size_hint = (None, None)
        key.width = self.key_width * units + GAP_PX * (units - 1)
        key.bind(on_release=lambda *_: action())
        return key

    def on_char(self, char: str) -> None:
        pass

    def on_delete(self) -> None:
        pass

    def on_done(self) -> None:
        pass


load_kv(__file__)
