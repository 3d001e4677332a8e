"""PlayerVM: the walkthrough player's state as Kivy properties, for the demo screen.

Wraps the pure :class:`~kiosk.core.walkthrough.Walkthrough`. The screen draws ``step`` and binds
to the texts; touches, typed characters and card events come in through the verbs; the VM says
what to show and what to read aloud (``on_say``). "Show me" performs a step slowly through
Kivy's Clock, so the UI thread never sleeps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import (
    BooleanProperty,
    NumericProperty,
    ObjectProperty,
    OptionProperty,
    StringProperty,
)

from kiosk.core.events import EventChannel
from kiosk.core.walkthrough import Attempt, Walkthrough
from kiosk.packs.actions import show_me_value
from kiosk.ui.i18n import N_

if TYPE_CHECKING:
    from kiosk.packs import models as m


def _models():  # noqa: ANN202
    # The pack models (pydantic) load with the packs, after the first frame, not at start-up.
    from kiosk.packs import models

    return models


#: Seconds between the characters "Show me" types, and before it touches the target.
SHOW_ME_CHAR_SECONDS = 0.35
SHOW_ME_TAP_SECONDS = 1.5


class PlayerVM(EventDispatcher):
    """Events: ``on_step`` (draw the current step), ``on_finished`` (show the completion),
    ``on_typing`` (open/close the keyboard), ``on_say(text)`` (read aloud)."""

    __events__ = ("on_step", "on_finished", "on_typing", "on_say")

    active = BooleanProperty(False)
    demo_title = StringProperty("")
    language = StringProperty("fi")
    step_number = NumericProperty(0)
    step_count = NumericProperty(0)
    instruction = StringProperty("")
    hint = StringProperty("")
    feedback = StringProperty("")
    help_level = NumericProperty(0)
    card_step = BooleanProperty(False)
    showing = BooleanProperty(False)
    current_step = ObjectProperty(None, allownone=True)
    typing_component = StringProperty("")
    field_label = StringProperty("")
    field_mode = OptionProperty("text", options=["text", "number"])
    masked = BooleanProperty(False)
    typed_text = StringProperty("")
    typing_error = StringProperty("")

    def __init__(
        self,
        events: EventChannel,
        now: Callable[[], float],
        words: Callable[[str], str],
        **kwargs: object,
    ) -> None:
        super().__init__(**kwargs)
        self.events = events
        self._now = now
        self._words = words
        self.walk: Walkthrough | None = None
        self.demo: m.Demo | None = None
        self.typed: dict[str, str] = {}
        self._show_me = None

    # -- starting and leaving ----------------------------------------------------------------
    def start(self, demo: m.Demo, language: str) -> None:
        self.cancel_show_me()
        self.demo = demo
        self.typed = {}
        self.walk = Walkthrough(demo, language, self.events, self._now())
        self.language = language
        self.demo_title = demo.title.get(language)
        self.active = True
        self._refresh(say=True)

    def goto(self, number: int) -> None:
        """Jump to step ``number`` (1-based): screenshots and staff in assisted mode."""
        assert self.walk is not None
        self.walk.index = max(0, min(number, self.walk.count) - 1)
        self._refresh(say=False)

    def stop(self) -> None:
        """Leave the demo (Stop, End session, idle): forget everything typed."""
        self.cancel_show_me()
        if self.walk is not None:
            self.walk.stop(self._now())
        self.walk = None
        self.typed = {}
        self.typed_text = ""
        self.active = False
        self._close_typing()

    def set_language(self, language: str) -> None:
        """The visitor switched language: the step re-renders in it (if the demo has it)."""
        if self.walk is None or self.demo is None or language not in self.demo.pack_languages:
            return
        self.walk.language = language
        self.language = language
        self.demo_title = self.demo.title.get(language)
        self._refresh(say=True)

    # -- what the visitor does -----------------------------------------------------------------
    def touched(self, component_id: str, option_id: str | None) -> None:
        """A touch on a component of the practice screen."""
        if self.walk is None or self.showing:
            return
        component = self.walk.step.screen.find(component_id)
        m = _models()
        if isinstance(component, m.TextField | m.NumberField):
            if component_id == self.walk.step.target:
                self._open_typing(component)
                return
        self._judge(Attempt(component=component_id, option=option_id))

    def type_char(self, char: str) -> None:
        self.typed_text += char
        self.typing_error = ""

    def delete_char(self) -> None:
        self.typed_text = self.typed_text[:-1]
        self.typing_error = ""

    def typing_done(self) -> None:
        """OK on the keyboard: judge what was typed."""
        if self.walk is None or not self.typing_component:
            return
        component = self.typing_component
        outcome = self.walk.attempt(Attempt(component=component, text=self.typed_text), self._now())
        if outcome.verdict == "right":
            self.typed[component] = self.typed_text
            self._close_typing()
            self._after_right()
        else:
            self.typing_error = outcome.error or self._generic_error()
            self.help_level = self.walk.help_level
            self.dispatch("on_say", self.typing_error)

    def clear_error(self) -> None:
        """ "Try again" after a wrong entry: back to the keys, the typed text kept to correct."""
        self.typing_error = ""

    def cancel_typing(self) -> None:
        self._close_typing()

    def card_event(self, what: str) -> None:
        """``"inserted:<kind>"`` or ``"removed"`` from the card reader."""
        if self.walk is not None and self.card_step:
            self._judge(Attempt(card=what))

    def skip_card(self) -> None:
        """ "I don't have a card here — continue"."""
        if self.walk is not None:
            self.walk.skip_card(self._now())
            self._after_right(done_text=False)

    def back(self) -> None:
        if self.walk is not None:
            self.cancel_show_me()
            self.walk.back(self._now())
            self._refresh(say=True)

    def repeat(self) -> None:
        """Read the current step again."""
        if self.walk is not None:
            self.dispatch("on_say", self.walk.text("speech"))

    # -- show me -----------------------------------------------------------------------------------
    def show_me(self) -> None:
        """Perform the current step slowly: highlight, type letter by letter, then complete."""
        if self.walk is None or self.showing:
            return
        action = self.walk.step.action
        self.showing = True
        self.help_level = 2
        if action.kind == "type":
            component = self.walk.step.target_component()
            self._open_typing(component)
            chars = list(show_me_value(action))
            self.typed_text = ""
            self._show_me = Clock.schedule_interval(
                lambda _dt: self._show_me_type(chars), SHOW_ME_CHAR_SECONDS
            )
        else:
            self._show_me = Clock.schedule_once(
                lambda _dt: self._show_me_finish(), SHOW_ME_TAP_SECONDS
            )

    def _show_me_type(self, chars: list[str]) -> bool | None:
        if chars:
            self.type_char(chars.pop(0))
            return None
        self._show_me = None
        self.showing = False
        self.typing_done()
        return False

    def _show_me_finish(self) -> None:
        self._show_me = None
        self.showing = False
        assert self.walk is not None
        step = self.walk.step
        if step.action.kind == "choose":
            self.typed[step.target or ""] = step.action.option or ""
            self._judge(Attempt(component=step.target, option=step.action.option))
        elif step.action.kind in ("card_insert", "card_remove"):
            self.skip_card()
        else:
            self._judge(Attempt(component=step.target))

    def cancel_show_me(self) -> None:
        if self._show_me is not None:
            self._show_me.cancel()
            self._show_me = None
        self.showing = False

    # -- inside ----------------------------------------------------------------------------------
    def _judge(self, attempt: Attempt) -> None:
        assert self.walk is not None
        outcome = self.walk.attempt(attempt, self._now())
        if outcome.verdict == "right":
            if attempt.option is not None and attempt.component:
                self.typed[attempt.component] = attempt.option
            self._after_right()
        elif outcome.verdict == "wrong":
            self.help_level = self.walk.help_level
            self.hint = self.walk.text("hint")
            self.dispatch("on_say", self.hint)

    def _after_right(self, done_text: bool = True) -> None:
        assert self.walk is not None
        if self.walk.finished:
            self.active = False
            self.dispatch("on_finished")
            return
        self._refresh(say=False)
        self.feedback = self._done_of_previous() if done_text else ""
        self.dispatch("on_say", " ".join(t for t in (self.feedback, self.walk.text("speech")) if t))

    def _done_of_previous(self) -> str:
        assert self.walk is not None and self.demo is not None
        return self.demo.steps[self.walk.index - 1].done.get(self.walk.language)

    def _refresh(self, say: bool) -> None:
        assert self.walk is not None
        w = self.walk
        self.step_number = w.index + 1
        self.step_count = w.count
        self.instruction = w.text("instruction")
        self.hint = ""
        self.feedback = ""
        self.help_level = 0
        self.card_step = w.step.action.kind in ("card_insert", "card_remove")
        self.current_step = w.step
        self.dispatch("on_step")
        if say:
            self.dispatch("on_say", w.text("speech"))

    def _open_typing(self, component) -> None:  # noqa: ANN001
        assert self.walk is not None
        self.typing_component = component.id
        self.field_label = component.label.get(self.walk.language)
        self.field_mode = "number" if isinstance(component, _models().NumberField) else "text"
        self.masked = bool(getattr(component, "masked", False))
        self.typed_text = self.typed.get(component.id, "")
        self.typing_error = ""
        self.dispatch("on_typing", True)

    def _close_typing(self) -> None:
        was_open = bool(self.typing_component)
        self.typing_component = ""
        self.typing_error = ""
        if was_open:
            self.dispatch("on_typing", False)

    def _generic_error(self) -> str:
        sentence = self._words(
            N_("{field}: this is not what the step asks for. Read the instruction and try again.")
        )
        return sentence.format(field=self.field_label)

    def on_step(self) -> None:
        pass

    def on_finished(self) -> None:
        pass

    def on_typing(self, opened: bool) -> None:
        pass

    def on_say(self, text: str) -> None:
        pass
