"""ReadAloudVM: what the kiosk says, in which voice, and whether it can speak at all.

The speech service (a port: espeak-ng in the kiosk, a fake in tests) does the work on its own
thread; this VM only decides. It speaks only when the visitor turned reading aloud on, always in
the language on screen, at the visitor's rate and volume, and never in another language's voice:
for a language without a voice ``available`` is False and ``reason`` says why, which the
settings screen shows.
"""

from __future__ import annotations

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, StringProperty
from kivy.uix.label import Label
from kivy.uix.widget import Widget


class NoSpeechYet:
    """Stands in for the speech service until it is built after the first frame."""

    def is_available(self, lang: str) -> bool:
        return False

    def unavailable_reason(self, lang: str) -> str:
        return "speech is starting"

    def speak(self, *_args: object, **_kwargs: object) -> None:
        pass

    def stop(self) -> None:
        pass

    def close(self) -> None:
        pass


class ReadAloudVM(EventDispatcher):
    available = BooleanProperty(False)
    reason = StringProperty("")

    def __init__(self, speech, session, **kwargs: object) -> None:  # noqa: ANN001
        super().__init__(**kwargs)
        self.speech = speech
        self.session = session
        session.bind(language=self._check, read_aloud=self._on_switch)
        self._check()

    def attach(self, speech) -> None:  # noqa: ANN001
        """Use ``speech`` from now on (the real service, built once the first frame is out)."""
        self.speech = speech
        self._check()

    def _check(self, *_: object) -> None:
        lang = self.session.language
        self.available = self.speech.is_available(lang)
        self.reason = "" if self.available else self.speech.unavailable_reason(lang)
        if not self.available:
            self.speech.stop()

    def _on_switch(self, _session, on: bool) -> None:  # noqa: ANN001
        if not on:
            self.speech.stop()

    def say(self, text: str, *, always: bool = False) -> None:
        """Speak ``text`` now, replacing whatever was being said (never piles up). ``always``:
        also when the visitor has not turned reading aloud on (the consent question)."""
        s = self.session
        if not (s.active and (s.read_aloud or always) and self.available and text.strip()):
            return
        self.speech.speak(text, s.language, rate=s.speech_rate, volume=int(s.volume))

    def stop(self) -> None:
        """Silence at once (a touch, leaving a screen, the end of the session)."""
        self.speech.stop()

    def close(self) -> None:
        self.speech.close()


def screen_text(screen: Widget, title: str) -> str:
    """What a screen says when it appears: its title, then every shown text top to bottom.

    Buttons are read as they read; texts hidden (invisible, folded away) are skipped.
    """
    found: list[tuple[float, float, str]] = []

    def visit(widget: Widget) -> None:
        if getattr(widget, "opacity", 1) == 0 or getattr(widget, "height", 1) <= 0:
            return
        if isinstance(widget, Label) and widget.text.strip() and widget.text != title:
            x, y = widget.to_window(widget.x, widget.top)
            found.append((-y, x, widget.text.strip()))
        for child in widget.children:
            visit(child)

    visit(screen)
    texts = [title] if title else []
    texts += [text for _y, _x, text in sorted(found)]
    return ". ".join(t.rstrip(".") for t in texts) + "."
