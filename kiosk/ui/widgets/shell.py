"""The frame around every screen: Back and the title on top; Settings, Call a helper and End
session at the bottom, always in the same place. Every touch anywhere counts as activity.

In assisted mode a banner above everything says who is helping ("Assisted mode — Anna
(staff)"), in the visitor's language. A finger held still in the top-left corner for
``assist.long_press_seconds`` (the injected clock) opens the staff login: the hidden way in."""

from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import ScreenManager

from kiosk.ui.kvload import load_kv

# Importing common also registers KButton, KLabel... for the KV rules.
from kiosk.ui.widgets.common import ScissorClip


class KScreens(ScissorClip, ScreenManager):
    """The screens, switched without a transition; nothing a screen draws reaches the bars
    (:class:`ScissorClip`)."""


class KioskShell(BoxLayout):
    """Root widget. ``nav`` and ``session`` are the app's NavigationVM and SessionVM.

    The theme's background is the window's clear colour rather than a rectangle of the
    shell's own: the window is cleared before every frame anyway, and with a software GL
    (Mesa llvmpipe) each full-window layer costs ~6 ms of every frame."""

    nav = ObjectProperty(None)
    session = ObjectProperty(None)
    #: The AssistVM, set once it exists (after the first frame): the banner and the corner.
    assist = ObjectProperty(None, allownone=True)
    title = StringProperty("")
    banner = StringProperty("")
    _corner = None  # (touch, since) while a finger rests in the corner
    _corner_check = None

    def on_kv_post(self, base_widget):  # noqa: ANN001
        theme = App.get_running_app().theme
        theme.bind(bg=self._paint_window)
        self._paint_window(theme, theme.bg)
        # The title follows the current screen's own (translated) title, also after a switch.
        self.ids.screens.bind(current_screen=self._follow_title)

    @staticmethod
    def _paint_window(_theme, colour) -> None:  # noqa: ANN001
        Window.clearcolor = colour

    def _follow_title(self, _manager, screen) -> None:  # noqa: ANN001
        if getattr(self, "_titled", None) is not None:
            self._titled.unbind(title=self.setter("title"))
        self._titled = screen
        if screen is not None:
            screen.bind(title=self.setter("title"))
            self.title = screen.title

    def on_assist(self, _shell, vm) -> None:  # noqa: ANN001
        if vm is None:
            return
        for name in ("active", "acting_for_visitor", "emergency", "helper_name", "role"):
            vm.bind(**{name: self._update_banner})
        self.session.bind(language=self._update_banner)
        self._update_banner()

    def _update_banner(self, *_: object) -> None:
        vm = self.assist
        self.banner = vm.banner(
            vm.translate, vm.active, vm.acting_for_visitor, vm.emergency, vm.helper_name, vm.role
        )

    def on_touch_down(self, touch):  # noqa: ANN001 - Kivy signature
        if self.session is not None and self.session.active:
            self.session.activity()
        if self.assist is not None:
            self.assist.activity()
            self._watch_corner(touch)
        return super().on_touch_down(touch)

    def on_touch_move(self, touch):  # noqa: ANN001
        if self._corner is not None and self._corner[0] is touch and not self._in_corner(touch):
            self._forget_corner()
        return super().on_touch_move(touch)

    def on_touch_up(self, touch):  # noqa: ANN001
        if self._corner is not None and self._corner[0] is touch:
            self._forget_corner()
        return super().on_touch_up(touch)

    # -- the hidden way in: a long press in the top-left corner ----------------------------
    def _in_corner(self, touch) -> bool:  # noqa: ANN001
        size = self.assist.corner_px
        return touch.x <= self.x + size and touch.y >= self.top - size

    def _watch_corner(self, touch) -> None:  # noqa: ANN001
        if self.assist.active or not self._in_corner(touch):
            return
        self._forget_corner()
        self._corner = (touch, self.assist.now())
        self._corner_check = Clock.schedule_interval(self._check_corner, 0)  # each frame

    def _check_corner(self, _dt: float) -> None:
        touch, since = self._corner
        if self.assist.now() - since < self.assist.long_press_seconds:
            return
        self._forget_corner()
        # What the finger pressed (Back, a card) must not act when it lifts.
        for ref in list(touch.grab_list):
            widget = ref()
            if isinstance(widget, ButtonBehavior):
                touch.ungrab(widget)
                widget._do_release()
        self.assist.open_login("number")

    def _forget_corner(self) -> None:
        if self._corner_check is not None:
            self._corner_check.cancel()
        self._corner = self._corner_check = None

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
