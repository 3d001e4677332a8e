"""NavigationVM: which screen shows, and the way back.

The shell's ScreenManager follows ``current``. Screens ask to go somewhere through
:meth:`go`; Back returns along ``history``. Session-less screens (welcome, out of order) clear
the history, so Back never leads into a previous visitor's screens.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, ListProperty, StringProperty

#: Screens without the session's bars (no Back, no End session).
BARE_SCREENS = frozenset({"welcome", "error"})
#: Screens whose own controls replace the top bar's Back (the player steps back itself; the
#: assisted home is a home; the staff login and the consent question have their own answers).
OWN_BACK = frozenset({"home", "demo", "assisted", "assist_login", "consent"})
#: Screens for staff without the visitor's bars (the staff login has its own Cancel).
STAFF_SCREENS = frozenset({"assist_login"})


class NavigationVM(EventDispatcher):
    __events__ = ("on_navigated",)

    current = StringProperty("welcome")
    history = ListProperty()
    can_go_back = BooleanProperty(False)
    bars_visible = BooleanProperty(False)

    def go(self, name: str, *, remember: bool = True) -> None:
        """Show screen ``name``; ``remember`` puts the current one on the way back."""
        if name == self.current:
            return
        if remember and self.current not in BARE_SCREENS and self.current != "idle":
            self.history.append(self.current)
        if name in BARE_SCREENS:
            self.history = []
        self.current = name
        self._update()
        self.dispatch("on_navigated", name)

    def back(self) -> None:
        """One screen back; from the first screen of a session, back to home."""
        target = self.history.pop() if self.history else "home"
        self.go(target, remember=False)

    def reset(self, name: str = "welcome") -> None:
        """Forget the way back (session end) and show ``name``."""
        self.history = []
        self.go(name, remember=False)

    def _update(self) -> None:
        self.can_go_back = self.current not in BARE_SCREENS and self.current not in OWN_BACK
        self.bars_visible = self.current not in BARE_SCREENS | STAFF_SCREENS

    def on_navigated(self, name: str) -> None:
        pass
