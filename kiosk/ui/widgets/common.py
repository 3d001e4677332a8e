"""The kiosk's building blocks: text that wraps, big buttons, scrolling pages.

Every widget carries a ``test_name`` so that tests find it the way a visitor would find it: by
what it is, not by its position. Sizes and colours come from ``app.theme`` in common.kv.
"""

from __future__ import annotations

from kivy.graphics import Callback, ScissorPop, ScissorPush
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.scrollview import ScrollView

from kiosk.ui.kvload import load_kv


class EagerText:
    """Fill a label's texture as soon as its text is laid out, not while the frame is drawn.

    Kivy fills a new text texture lazily, when the frame first draws it. With a software GL
    (Mesa llvmpipe: CI, a PC without a GPU) an upload in the middle of a frame waits for the
    frame's pending drawing, ~50 ms per label; before the frame it takes ~2 ms.
    """

    def texture_update(self, *largs: object) -> None:
        super().texture_update(*largs)  # type: ignore[misc]
        texture = self._label.texture  # type: ignore[attr-defined]
        if texture is not None:
            texture.bind()


class KLabel(EagerText, Label):
    """Body text that wraps to its width and grows in height to fit."""

    test_name = StringProperty("")


class KHeading(KLabel):
    """A screen's or a section's heading."""


class KButton(EagerText, ButtonBehavior, Label):
    """A big touch target (at least 96x96 px) whose label wraps instead of being cut.

    ``role`` picks the colours: primary (the one thing to do), secondary, help (call a helper),
    end (end session).
    """

    test_name = StringProperty("")
    role = OptionProperty("secondary", options=["primary", "secondary", "help", "end"])
    #: Keys of the on-screen keyboard: one line of text in a fixed-height button.
    wrap = BooleanProperty(True)
    fixed_height = NumericProperty(0)


class KMaybeLabel(KLabel):
    """A label that folds away (no height, not shown, not read aloud) unless ``shown``."""

    shown = BooleanProperty(True)


class KMaybeButton(KButton):
    """A button that folds away (no height, not shown, not touchable) unless ``shown``."""

    shown = BooleanProperty(True)


class KSection(BoxLayout):
    """A part of a page that folds away whole (one gap left) unless ``shown``. Folded, its
    widgets still have their sizes (laid over what follows), so it lets every touch through."""

    shown = BooleanProperty(True)

    def on_touch_down(self, touch):  # noqa: ANN001
        return super().on_touch_down(touch) if self.shown else False

    def on_touch_move(self, touch):  # noqa: ANN001
        return super().on_touch_move(touch) if self.shown else False

    def on_touch_up(self, touch):  # noqa: ANN001
        return super().on_touch_up(touch) if self.shown else False


class ScissorClip:
    """Cuts off what a widget's children draw outside it, with a scissor rectangle.

    Kivy's own clipping (StencilView, ScreenManager, ScrollView) draws the clipped area twice
    more into the stencil buffer in every frame, ~2 ms each for a page with a software GL (Mesa
    llvmpipe); a scissor costs nothing. It is in window pixels, so it is placed while the frame
    is drawn, wherever the widget is then. The class's KV rule must drop Kivy's (``<-Name>``).
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[call-arg]
        with self.canvas.before:  # type: ignore[attr-defined]
            Callback(self._place_clip)
            self._clip = ScissorPush(x=0, y=0, width=1, height=1)
        # First in canvas.after: a scroll bar drawn there is inside the widget anyway.
        self.canvas.after.insert(0, ScissorPop())  # type: ignore[attr-defined]

    def _place_clip(self, _instruction: object) -> None:
        x, y = self.to_window(self.x, self.y)  # type: ignore[attr-defined]
        w, h = self.size  # type: ignore[attr-defined]
        box = (round(x), round(y), max(1, round(w)), max(1, round(h)))
        clip = self._clip
        # Only a real move is written: a write asks for one more frame.
        if (clip.x, clip.y, clip.width, clip.height) != box:
            clip.x, clip.y, clip.width, clip.height = box


class KPage(ScissorClip, ScrollView):
    """A screen's content: a vertical column that scrolls when large text makes it long;
    what scrolls out of it is cut off (:class:`ScissorClip`)."""

    test_name = StringProperty("")


class KColumn(BoxLayout):
    """The column inside a :class:`KPage`; its height follows its children."""


load_kv(__file__)
