"""The practice copy of a service screen, drawn by the kiosk from a pack step's components.

No screenshots and no real logos: a header with the service's name and a fake address bar, then
the components top to bottom. Every component a visitor can touch reports itself through the
frame's ``on_component(component_id, option_id)`` event; the player decides what it means.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kivy.properties import (
    BooleanProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image as KivyImage
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk.packs import models as m
from kiosk.ui.i18n import N_
from kiosk.ui.kvload import load_kv
from kiosk.ui.widgets.common import KButton, KHeading, KLabel


class Targetable:
    """A mixin for touchable components: ``highlight`` 0 none, 1 outline + arrow, 2 strong."""

    component_id = StringProperty("")
    option_id = StringProperty("")
    highlight = NumericProperty(0)
    test_name = StringProperty("")


class MockButton(Targetable, KButton):
    pass


class MockLink(Targetable, KButton):
    pass


class MockField(Targetable, ButtonBehavior, BoxLayout):
    label = StringProperty("")
    value = StringProperty("")
    active = BooleanProperty(False)


class MockCheck(Targetable, ButtonBehavior, BoxLayout):
    label = StringProperty("")
    checked = BooleanProperty(False)


class MockOption(Targetable, ButtonBehavior, BoxLayout):
    label = StringProperty("")
    selected = BooleanProperty(False)


class MockCard(Targetable, ButtonBehavior, BoxLayout):
    title = StringProperty("")
    text = StringProperty("")


class MockNote(KLabel):
    kind = StringProperty("info")


class MockGroupLabel(KLabel):
    pass


class MockTable(BoxLayout):
    pass


class MockRow(BoxLayout):
    pass


class MockCell(KLabel):
    """One "Header: value" line of a table row (the header part bold)."""


class MockImage(KivyImage):
    alt = StringProperty("")


class MockFrame(BoxLayout):
    """The whole practice screen. ``build(screen, lang, tr, pack_root)`` fills it."""

    __events__ = ("on_component",)
    service = StringProperty("")
    address = StringProperty("")
    banner = StringProperty("")
    page = ObjectProperty(None)

    def build(
        self,
        screen: m.Screen,
        lang: str,
        words: Callable[[str], str],
        pack_root: Path,
        typed: dict[str, str],
    ) -> dict[str, list[Widget]]:
        """Draw ``screen`` in ``lang``; returns the touchable widgets by component id.

        ``words`` translates the kiosk's own words (the identification methods); ``typed``
        holds what the visitor has typed so far, by component id.
        """
        self.service = screen.service.get(lang)
        self.address = screen.address
        column = self.ids.column
        column.clear_widgets()
        targets: dict[str, list[Widget]] = {}
        for component in screen.components:
            for widget in _widgets_for(component, lang, words, pack_root, typed):
                column.add_widget(widget)
                if isinstance(widget, Targetable):
                    widget.bind(on_release=self._touched)
                    targets.setdefault(widget.component_id, []).append(widget)
        self.ids.page.scroll_y = 1
        return targets

    def _touched(self, widget: Targetable) -> None:
        self.dispatch("on_component", widget.component_id, widget.option_id or None)

    def on_component(self, component_id: str, option_id: str | None) -> None:
        pass


#: The identification methods' names are the kiosk's own words, translated by gettext.
ID_METHODS = {
    "bank": N_("Online bank codes"),
    "mobile": N_("Mobile certificate"),
    "card": N_("Certificate card (ID card)"),
}


def _widgets_for(
    c: m.Component,
    lang: str,
    words: Callable[[str], str],
    pack_root: Path,
    typed: dict[str, str],
) -> list[Widget]:
    t = lambda text: text.get(lang)  # noqa: E731 - a one-word helper keeps the table readable
    cid = getattr(c, "id", None) or ""
    name = f"mock_{cid}" if cid else ""
    if isinstance(c, m.Heading):
        return [KHeading(text=t(c.text))]
    if isinstance(c, m.Paragraph):
        return [KLabel(text=t(c.text))]
    if isinstance(c, m.TextField | m.NumberField):
        value = typed.get(cid, c.value)
        if isinstance(c, m.TextField) and c.masked and value:
            value = "•" * len(value)
        return [MockField(component_id=cid, test_name=name, label=t(c.label), value=value)]
    if isinstance(c, m.Checkbox):
        return [MockCheck(component_id=cid, test_name=name, label=t(c.label), checked=c.checked)]
    if isinstance(c, m.Radio | m.ChoiceList):
        options = [
            MockOption(
                component_id=cid,
                option_id=o.id,
                test_name=f"{name}_{o.id}",
                label=t(o.text),
                selected=typed.get(cid) == o.id,
            )
            for o in c.options
        ]
        return [MockGroupLabel(text=t(c.label)), *options]
    if isinstance(c, m.Button):
        return [
            MockButton(
                component_id=cid,
                test_name=name,
                text=t(c.text),
                role="primary" if c.style == "primary" else "secondary",
            )
        ]
    if isinstance(c, m.Link):
        return [MockLink(component_id=cid, test_name=name, text=t(c.text))]
    if isinstance(c, m.Info | m.Warning):
        return [MockNote(text=t(c.text), kind="warning" if isinstance(c, m.Warning) else "info")]
    if isinstance(c, m.Card):
        return [
            MockCard(
                component_id=cid,
                test_name=name,
                title=t(c.title),
                text=t(c.text) if c.text is not None else "",
            )
        ]
    if isinstance(c, m.Table):
        table = MockTable()
        headers = [t(h) for h in c.header]
        for row in c.rows:
            box = MockRow()
            for header, cell in zip(headers, row, strict=False):
                box.add_widget(
                    MockCell(text=f"[b]{escape_markup(header)}:[/b] {escape_markup(t(cell))}")
                )
            table.add_widget(box)
        return [table]
    if isinstance(c, m.Image):
        alt = "" if c.decorative or c.alt is None else t(c.alt)
        return [MockImage(source=str(pack_root / c.file), alt=alt)]
    if isinstance(c, m.IdPicker):
        return [
            MockCard(
                component_id=cid, option_id=o, test_name=f"{name}_{o}", title=words(ID_METHODS[o])
            )
            for o in c.options
        ]
    raise TypeError(f"no drawing for component {type(c).__name__}")


load_kv(__file__)
