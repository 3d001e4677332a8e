"""SessionVM: the visitor's session as Kivy properties, driven by an injected clock.

Holds no widgets. The app calls :meth:`tick` from a Clock interval and :meth:`activity` on every
touch; the VM decides (through :class:`~kiosk.core.idle.IdlePolicy`) when to warn and when to
wipe, and announces it with events.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty, OptionProperty, StringProperty

from kiosk.core.idle import IdlePolicy
from kiosk.core.session import EndReason, VisitorDefaultsLike, VisitorSession


class SessionVM(EventDispatcher):
    """Preferences of the current visitor, the idle countdown, and the session's start and end.

    Events: ``on_started``; ``on_warning`` (the idle question should show); ``on_resumed``
    (the visitor touched during the warning); ``on_ended(reason)`` after the wipe.
    """

    __events__ = ("on_started", "on_warning", "on_resumed", "on_ended")

    active = BooleanProperty(False)
    language = StringProperty("fi")
    text_size = NumericProperty(100)
    high_contrast = BooleanProperty(False)
    read_aloud = BooleanProperty(False)
    speech_rate = StringProperty("normal")
    volume = NumericProperty(80)
    phase = OptionProperty("active", options=["active", "warning"])
    remaining = NumericProperty(0)

    def __init__(
        self,
        defaults: VisitorDefaultsLike,
        idle: IdlePolicy,
        now: Callable[[], float],
        hold: Callable[[], bool] | None = None,
        **kwargs: object,
    ) -> None:
        """``hold()`` True keeps the session from timing out (a visitor waiting for a helper)."""
        super().__init__(**kwargs)
        self._now = now
        self._idle = idle
        self.hold = hold
        self.session = VisitorSession(defaults, started_at=now())
        self._mirror()

    # -- the visitor's choices -------------------------------------------------------------
    def set_pref(self, name: str, value: object) -> None:
        """Change a preference (raises ValueError for a value the kiosk does not offer)."""
        self.session.set_pref(name, value)
        self._mirror()

    def _mirror(self) -> None:
        p = self.session.prefs
        self.language = p.language
        self.text_size = p.text_size
        self.high_contrast = p.high_contrast
        self.read_aloud = p.read_aloud
        self.speech_rate = p.speech_rate
        self.volume = p.volume

    # -- the session's life ----------------------------------------------------------------
    def start(self) -> None:
        """The first touch on the welcome screen."""
        now = self._now()
        self.session = self.session.wipe(now)
        self._idle.touch(now)
        self.active = True
        self.phase = "active"
        self._mirror()
        self.dispatch("on_started")

    def activity(self) -> None:
        """Any touch: the quiet time starts again (also during the warning)."""
        self._idle.touch(self._now())
        if self.phase == "warning":
            self.phase = "active"
            self.dispatch("on_resumed")

    def tick(self, *_: object) -> None:
        """Called from a Clock interval; moves to the warning and ends the session on time."""
        if not self.active:
            return
        if self.hold is not None and self.hold():
            # Someone is coming to this visitor: waiting quietly is not leaving.
            self._idle.touch(self._now())
            return
        state = self._idle.state(self._now())
        self.remaining = state.remaining
        if state.phase == "warning" and self.phase != "warning":
            self.phase = "warning"
            self.dispatch("on_warning")
        elif state.phase == "expired":
            self.end("idle")

    def end(self, reason: EndReason = "ended") -> None:
        """Wipe every trace of the visitor and go back to the defaults."""
        self.session = self.session.wipe(self._now())
        self.active = False
        self.phase = "active"
        self._mirror()
        self.dispatch("on_ended", reason)

    def on_started(self) -> None:
        pass

    def on_warning(self) -> None:
        pass

    def on_resumed(self) -> None:
        pass

    def on_ended(self, reason: str) -> None:
        pass
