"""The practice copy of a service screen, drawn by the kiosk from a pack step's components.

No screenshots and no real logos: a header with the service's name and a fake address bar, then
the components top to bottom. Every component a visitor can touch reports itself through the
frame's ``on_component(component_id, option_id)`` event; the player decides what it means.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from kivy.clock import Clock
from kivy.properties import (
    BooleanProperty,
    ListProperty,
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
    """Rows of "Header: value" lines; ``rows`` holds each row's cells as markup."""

    rows = ListProperty()

    def __init__(self, **kwargs: object) -> None:
        self.spare: list[Widget] = []
        super().__init__(**kwargs)

    def on_rows(self, _table: MockTable, rows: list[list[str]]) -> None:
        # Rows and cells are reused like the frame's widgets: by position, texts re-bound.
        _reuse(self, MockRow, len(rows))
        for box, cells in zip(reversed(self.children), rows, strict=True):
            _reuse(box, MockCell, len(cells))
            for cell, text in zip(reversed(box.children), cells, strict=True):
                cell.text = text


class MockRow(BoxLayout):
    def __init__(self, **kwargs: object) -> None:
        self.spare: list[Widget] = []
        super().__init__(**kwargs)


class MockCell(KLabel):
    """One "Header: value" line of a table row (the header part bold)."""


def _reuse(box: MockTable | MockRow, kind: type, count: int) -> None:
    """Give ``box`` exactly ``count`` children of ``kind``: keep, add or drop at the end; the
    dropped ones wait in ``box.spare`` for a longer table."""
    spare = box.spare
    while len(box.children) > count:
        spare.append(box.children[0])
        box.remove_widget(box.children[0])
    while len(box.children) < count:
        box.add_widget(spare.pop() if spare else kind())


class MockImage(KivyImage):
    alt = StringProperty("")


class MockFrame(BoxLayout):
    """The whole practice screen. ``build(screen, lang, tr, pack_root)`` fills it.

    Steps reuse the components' widgets: each kind keeps a pool, and a new step takes the
    widget that already shows the same text when there is one (its text texture is kept), any
    free one of the kind otherwise, and makes a widget only when the pool is empty. A new widget
    costs ~2 ms of KV rules and a first layout at the wrong width; a re-bound one costs nothing
    when its text is the same and one text render when it is not.
    """

    __events__ = ("on_component",)
    service = StringProperty("")
    address = StringProperty("")
    banner = StringProperty("")
    page = ObjectProperty(None)

    def __init__(self, **kwargs: object) -> None:
        self._pool: dict[type, list[Widget]] = {}
        self._to_make: list[type] = []
        self._make_later = Clock.create_trigger(self._make_some, 0)
        super().__init__(**kwargs)

    def prepare(self, screens: list[m.Screen]) -> None:
        """Fill the pool, a few widgets a frame while the visitor reads, with what the demo's
        ``screens`` need beyond what it holds: later steps then make no widgets. Enough for
        two steps in a row: one on screen, the next one drawn ahead (:meth:`prepare_next`)."""
        per_screen: list[dict[type, int]] = []
        for screen in screens:
            counts: dict[type, int] = {}
            for component in screen.components:
                for cls in _kinds_for(component):
                    counts[cls] = counts.get(cls, 0) + 1
            per_screen.append(counts)
        need: dict[type, int] = {}
        for now, after in zip(per_screen, [*per_screen[1:], {}], strict=True):
            for cls in now.keys() | after.keys():
                need[cls] = max(need.get(cls, 0), now.get(cls, 0) + after.get(cls, 0))
        have: dict[type, int] = {cls: len(spare) for cls, spare in self._pool.items()}
        for widget in self.ids.column.children:
            have[type(widget)] = have.get(type(widget), 0) + 1
        self._to_make = [cls for cls, n in need.items() for _ in range(n - have.get(cls, 0))]
        if self._to_make:
            self._make_later()

    def _make_some(self, _dt: float) -> None:
        deadline = time.perf_counter() + PREPARE_SECONDS_PER_FRAME
        while self._to_make and time.perf_counter() < deadline:
            self._pool.setdefault(self._to_make[-1], []).append(self._new(self._to_make.pop()))
        if self._to_make:
            self._make_later()

    def _new(self, cls: type) -> Widget:
        widget = cls()
        if isinstance(widget, Targetable):
            widget.bind(on_release=self._touched)
        return widget

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
        specs = _screen_specs(screen, lang, words, pack_root, typed)
        widgets = self._take(specs, list(column.children))
        if widgets != column.children[::-1]:
            column.clear_widgets()
            for widget in widgets:
                column.add_widget(widget)
        targets: dict[str, list[Widget]] = {}
        for widget in widgets:
            if isinstance(widget, Targetable):
                targets.setdefault(widget.component_id, []).append(widget)
        self.ids.page.scroll_y = 1
        return targets

    def prepare_next(
        self,
        screen: m.Screen,
        lang: str,
        words: Callable[[str], str],
        pack_root: Path,
        typed: dict[str, str],
    ) -> int:
        """While the visitor reads, bind spare widgets of the pool to the texts of ``screen``
        (the next step's) at the column's width: their texts are drawn now, and the step
        change takes them as widgets that already show their text (see :meth:`_take`).
        Returns how many were bound; a text already shown, or no spare of its kind, is left
        to the step change."""
        column = self.ids.column
        width = column.width - column.padding[0] - column.padding[2]
        specs = _screen_specs(screen, lang, words, pack_root, typed)
        widgets = [*column.children, *(w for spare in self._pool.values() for w in spare)]
        # A widget that already shows a text of the next step keeps it; other spares may go.
        keep = {id(w) for w in widgets if any(_shows(w, spec) for spec in specs)}
        bound = 0
        for spec in specs:
            if any(_shows(w, spec) for w in widgets if id(w) in keep):
                continue
            spare = next((w for w in self._pool.get(spec.cls, []) if id(w) not in keep), None)
            if spare is None:
                continue
            keep.add(id(spare))
            spare.width = width
            spec.apply(spare)
            bound += 1
        return bound

    def _take(self, specs: list[_Spec], shown: list[Widget]) -> list[Widget]:
        """A widget for each spec, re-bound to it: the free ones first (see the class)."""
        free: dict[type, list[Widget]] = {}
        for widget in reversed(shown):  # top to bottom, as the specs
            free.setdefault(type(widget), []).append(widget)
        for kind, spare in self._pool.items():
            free.setdefault(kind, []).extend(spare)
        chosen: list[Widget | None] = [None] * len(specs)
        # First the widgets that already show a spec's text, then any of the kind.
        for exact in (True, False):
            for i, spec in enumerate(specs):
                candidates = free.get(spec.cls)
                if chosen[i] is not None or not candidates:
                    continue
                pick = next((w for w in candidates if _shows(w, spec)), None)
                if pick is None and not exact:
                    pick = candidates[0]
                if pick is not None:
                    candidates.remove(pick)
                    chosen[i] = pick
        widgets = []
        for spec, widget in zip(specs, chosen, strict=True):
            if widget is None:
                widget = self._new(spec.cls)
            spec.apply(widget)
            widgets.append(widget)
        self._pool = free
        return widgets

    def _touched(self, widget: Targetable) -> None:
        self.dispatch("on_component", widget.component_id, widget.option_id or None)

    def on_component(self, component_id: str, option_id: str | None) -> None:
        pass


#: Time a frame may spend making widgets for the pool ahead of use (see ``prepare``).
PREPARE_SECONDS_PER_FRAME = 0.008


def _kinds_for(c: m.Component) -> list[type]:
    """The widget kinds :func:`_specs_for` draws ``c`` with, without its texts."""
    if isinstance(c, m.Radio | m.ChoiceList):
        return [MockGroupLabel] + [MockOption] * len(c.options)
    if isinstance(c, m.IdPicker):
        return [MockCard] * len(c.options)
    kinds = {
        m.Heading: KHeading,
        m.Paragraph: KLabel,
        m.TextField: MockField,
        m.NumberField: MockField,
        m.Checkbox: MockCheck,
        m.Button: MockButton,
        m.Link: MockLink,
        m.Info: MockNote,
        m.Warning: MockNote,
        m.Card: MockCard,
        m.Table: MockTable,
        m.Image: MockImage,
    }
    return [kinds[type(c)]]


#: The identification methods' names are the kiosk's own words, translated by gettext.
ID_METHODS = {
    "bank": N_("Online bank codes"),
    "mobile": N_("Mobile certificate"),
    "card": N_("Certificate card (ID card)"),
}


#: The properties that decide what a widget's text textures show: a widget that already shows
#: them is the one to reuse (see :meth:`MockFrame._take`).
_SHOWN = ("text", "label", "title", "value", "rows", "source")


class _Spec:
    """One widget of a step: its kind and every property it is bound to."""

    __slots__ = ("cls", "props")

    def __init__(self, cls: type, /, **props: object) -> None:
        self.cls = cls
        self.props = props

    def apply(self, widget: Widget) -> None:
        for name, value in self.props.items():
            setattr(widget, name, value)


def _shows(widget: Widget, spec: _Spec) -> bool:
    """Whether ``widget`` is of ``spec``'s kind and already shows its texts."""
    return type(widget) is spec.cls and all(
        getattr(widget, k) == v for k, v in spec.props.items() if k in _SHOWN
    )


def _screen_specs(
    screen: m.Screen,
    lang: str,
    words: Callable[[str], str],
    pack_root: Path,
    typed: dict[str, str],
) -> list[_Spec]:
    """The widgets that draw ``screen``, top to bottom (see :meth:`MockFrame.build`)."""
    return [
        spec
        for component in screen.components
        for spec in _specs_for(component, lang, words, pack_root, typed)
    ]


def _target(cls: type, cid: str, option: str = "", **props: object) -> _Spec:
    name = f"mock_{cid}_{option}" if option else f"mock_{cid}"
    return _Spec(cls, component_id=cid, option_id=option, test_name=name, **props)


def _specs_for(
    c: m.Component,
    lang: str,
    words: Callable[[str], str],
    pack_root: Path,
    typed: dict[str, str],
) -> list[_Spec]:
    t = lambda text: text.get(lang)  # noqa: E731 - a one-word helper keeps the table readable
    cid = getattr(c, "id", None) or ""
    if isinstance(c, m.Heading):
        return [_Spec(KHeading, text=t(c.text))]
    if isinstance(c, m.Paragraph):
        return [_Spec(KLabel, text=t(c.text))]
    if isinstance(c, m.TextField | m.NumberField):
        value = typed.get(cid, c.value)
        if isinstance(c, m.TextField) and c.masked and value:
            value = "•" * len(value)
        return [_target(MockField, cid, label=t(c.label), value=value)]
    if isinstance(c, m.Checkbox):
        return [_target(MockCheck, cid, label=t(c.label), checked=c.checked)]
    if isinstance(c, m.Radio | m.ChoiceList):
        options = [
            _target(MockOption, cid, o.id, label=t(o.text), selected=typed.get(cid) == o.id)
            for o in c.options
        ]
        return [_Spec(MockGroupLabel, text=t(c.label)), *options]
    if isinstance(c, m.Button):
        role = "primary" if c.style == "primary" else "secondary"
        return [_target(MockButton, cid, text=t(c.text), role=role)]
    if isinstance(c, m.Link):
        return [_target(MockLink, cid, text=t(c.text))]
    if isinstance(c, m.Info | m.Warning):
        kind = "warning" if isinstance(c, m.Warning) else "info"
        return [_Spec(MockNote, text=t(c.text), kind=kind)]
    if isinstance(c, m.Card):
        body = t(c.text) if c.text is not None else ""
        return [_target(MockCard, cid, title=t(c.title), text=body)]
    if isinstance(c, m.Table):
        headers = [escape_markup(t(h)) for h in c.header]
        rows = [
            [f"[b]{h}:[/b] {escape_markup(t(cell))}" for h, cell in zip(headers, row, strict=False)]
            for row in c.rows
        ]
        return [_Spec(MockTable, rows=rows)]
    if isinstance(c, m.Image):
        alt = "" if c.decorative or c.alt is None else t(c.alt)
        return [_Spec(MockImage, source=str(pack_root / c.file), alt=alt)]
    if isinstance(c, m.IdPicker):
        return [_target(MockCard, cid, o, title=words(ID_METHODS[o]), text="") for o in c.options]
    raise TypeError(f"no drawing for component {type(c).__name__}")


load_kv(__file__)
