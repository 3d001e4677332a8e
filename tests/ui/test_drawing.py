"""What every frame draws: pages clip with a scissor, and nothing in the kiosk asks Kivy for
the stencil buffer (a software GL pays for it in every frame; see tests/bench/bench_player)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from kivy.core.window import Window
from kivy.graphics import Color, Line, Rectangle
from kivy.graphics.opengl import GL_RGBA, GL_UNSIGNED_BYTE, glReadPixels
from kivy.graphics.stencil_instructions import StencilPush
from kivy.uix.relativelayout import RelativeLayout
from kivy.uix.widget import Widget

from kiosk.ui.widgets.common import KPage
from tests.ui.harness import frames

pytestmark = pytest.mark.widget
RED = (255, 0, 0)
BLUE = (0, 0, 255)


def pixel(x: int, y: int) -> tuple[int, int, int]:
    """The colour the next frame draws at window pixel (x, y), y from the bottom as in GL.

    Read before the buffers are swapped (a handler bound to on_flip runs before Kivy's own):
    after the swap the back buffer holds an older frame."""
    found = []

    def read(*_args: object) -> None:
        found.append(tuple(glReadPixels(x, y, 1, 1, GL_RGBA, GL_UNSIGNED_BYTE)[:3]))

    Window.bind(on_flip=read)
    try:
        Window.canvas.ask_update()
        frames(1)
    finally:
        Window.unbind(on_flip=read)
    assert found, "no frame was drawn"
    return found[0]


@pytest.fixture
def stage(app, window):
    """A blue window with a page (200x200) at (300, 300) inside a moved RelativeLayout (the
    way screens hold their pages), holding a red column 2000 px tall; the app (whose theme
    the page's rules read) is taken off the window meanwhile."""
    window.remove_widget(app.root)
    clear = Window.clearcolor
    Window.clearcolor = (0, 0, 1, 1)
    holder = RelativeLayout(pos=(100, 100), size=(800, 600), size_hint=(None, None))
    page = KPage(pos=(200, 200), size=(200, 200), size_hint=(None, None))
    column = Widget(size_hint=(1, None), height=2000)
    with column.canvas:
        Color(1, 0, 0, 1)
        column_rect = Rectangle(size=(200, 2000))
    column.bind(pos=lambda w, p: setattr(column_rect, "pos", p))
    page.add_widget(column)
    holder.add_widget(page)
    window.add_widget(holder)
    frames(4)
    yield holder, page
    window.remove_widget(holder)
    Window.clearcolor = clear
    window.add_widget(app.root)


def test_a_page_cuts_off_what_does_not_fit(stage):
    # The page is at window (300, 300)-(500, 500); its column would reach far above it.
    assert pixel(350, 350) == RED
    assert pixel(350, 495) == RED
    assert pixel(350, 510) == BLUE, "the column must not show above the page"
    assert pixel(350, 290) == BLUE, "nor below it"


def test_the_cut_follows_the_page_when_what_holds_it_moves(stage):
    holder, _page = stage
    holder.pos = (100, -50)  # the page is now at window (300, 150)-(500, 350)
    frames(4)
    assert pixel(350, 200) == RED
    assert pixel(350, 345) == RED
    assert pixel(350, 400) == BLUE, "nothing left where the page was"
    assert pixel(350, 140) == BLUE


def _instructions(canvas) -> Iterator[object]:  # noqa: ANN001
    for child in canvas.children:
        yield child
        if hasattr(child, "children"):
            yield from _instructions(child)


@pytest.mark.parametrize(
    "screen", ["welcome", "home", "catalogue", "demo", "keyboard", "settings", "help"]
)
def test_no_screen_draws_through_the_stencil_buffer(app, window, screen):
    """Kivy's stencil (StencilView, ScreenManager) and see-through lines wider than a pixel
    (drawn through the stencil) each cost a full pass in every frame with a software GL."""
    app.show(screen)
    frames(4)
    colour_alpha = 1.0
    for instruction in _instructions(window.canvas):
        assert not isinstance(instruction, StencilPush), f"a stencil on {screen}"
        if isinstance(instruction, Color):
            colour_alpha = instruction.a
        elif isinstance(instruction, Line) and instruction.width > 1:
            assert colour_alpha == 1.0, (
                f"a see-through line {instruction.width} px wide on {screen}"
            )
