"""Drive the real kiosk on a real offscreen window: find widgets by ``test_name``, tap them.

Tests never call ``App.run()`` (one window serves the whole session); they build the app, put
its root on the window, and advance Kivy's frames themselves. Time for the idle logic comes from
a :class:`FakeClock` that tests move forward.
"""

from __future__ import annotations

from collections.abc import Iterator

from kivy.base import EventLoop
from kivy.tests.common import UnitTestTouch
from kivy.uix.label import Label
from kivy.uix.widget import Widget


class FakeClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.t = start

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def frames(n: int = 3) -> None:
    """Let Kivy run ``n`` frames: clock callbacks, layout, drawing."""
    for _ in range(n):
        EventLoop.idle()


def walk(root: Widget) -> Iterator[Widget]:
    yield root
    for child in root.children:
        yield from walk(child)


def shown(widget: Widget) -> bool:
    """True when a visitor can see the widget: it and every parent are visible and on screen."""
    from kivy.uix.screenmanager import Screen, ScreenManager

    w: Widget | None = widget
    while w is not None:
        if getattr(w, "opacity", 1) == 0:
            return False
        parent = w.parent
        if isinstance(parent, ScreenManager) and isinstance(w, Screen):
            if parent.current_screen is not w:
                return False
        if parent is w:
            break
        w = parent
    return widget.get_root_window() is not None


def find(root: Widget, test_name: str) -> Widget:
    """The one shown widget called ``test_name``; fails clearly if none or several."""
    hits = [w for w in walk(root) if getattr(w, "test_name", None) == test_name and shown(w)]
    assert hits, f"no shown widget named {test_name!r}"
    assert len(hits) == 1, f"{len(hits)} shown widgets named {test_name!r}"
    return hits[0]


def labels(root: Widget) -> list[Label]:
    return [w for w in walk(root) if isinstance(w, Label) and shown(w) and w.text.strip()]


def scroll_into_view(widget: Widget) -> None:
    """Scroll the page holding ``widget`` until it is in view, as a visitor would."""
    from kivy.uix.scrollview import ScrollView

    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        if isinstance(parent, ScrollView):
            vx, vy = parent.to_window(*parent.pos)
            x, y = widget.to_window(*widget.center)
            if not (vx <= x <= vx + parent.width and vy <= y <= vy + parent.height):
                parent.scroll_to(widget, padding=10, animate=False)
                frames(2)
            return
        parent = parent.parent


def tap(widget: Widget) -> None:
    """Touch the centre of ``widget`` and lift the finger, as a visitor would."""
    frames(1)
    scroll_into_view(widget)
    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    touch.touch_up()
    frames(1)


def right_action(app) -> None:
    """The step's completing action, through the view-model (the keyboard already open)."""
    step = app.player.walk.step
    kind = step.action.kind
    if kind == "tap":
        app.player.touched(step.target, None)
    elif kind == "choose":
        app.player.touched(step.target, step.action.option)
    elif kind == "type":
        app.player.typing_done()
    else:
        app.player.skip_card()
