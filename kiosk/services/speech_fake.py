"""A :class:`~kiosk.services.speech.Speech` that records calls, for fast view-model and widget
tests.

It follows the port's contract (unavailable languages say nothing, a new utterance replaces the
current one) without any engine, thread or sound, so a test can assert exactly what would have
been said::

    speech = FakeSpeech(voices={"fi": "urj/fi", "sv": "gmq/sv", "en": "gmw/en"})
    ...drive the screen...
    assert speech.spoken[-1].text == "Valitse palvelu"
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.errors import ServiceUnavailable
from kiosk.services.speech import Rate, not_configured_reason


@dataclass(frozen=True)
class Utterance:
    """One accepted ``speak`` call."""

    text: str
    lang: str
    rate: str
    volume: int


class FakeSpeech:
    """Records ``speak``/``stop`` calls. ``current`` is what would be sounding now.

    ``unavailable`` maps a language to a reason to simulate a missing voice; ``engine_reason``
    simulates a missing engine (every language unavailable, every call a no-op).
    """

    def __init__(
        self,
        voices: dict[str, str] | None = None,
        *,
        unavailable: dict[str, str] | None = None,
        engine_reason: str = "",
    ) -> None:
        self._voices = dict(voices if voices is not None else {"fi": "fi", "sv": "sv", "en": "en"})
        self._unavailable = dict(unavailable or {})
        self._engine_reason = engine_reason
        self.calls: list[tuple[str, ...]] = []
        self.spoken: list[Utterance] = []
        self.current: Utterance | None = None
        self.saved: list[tuple[Utterance, str]] = []
        self.closed = False

    def speak(self, text: str, lang: str, *, rate: Rate, volume: int) -> None:
        self.calls.append(("speak", text, lang, rate, str(volume)))
        self.current = None
        if self._engine_reason or self.closed:
            return
        if text.strip() and volume > 0 and self.is_available(lang):
            self.current = Utterance(text, lang, rate, volume)
            self.spoken.append(self.current)

    def stop(self) -> None:
        self.calls.append(("stop",))
        self.current = None

    def is_available(self, lang: str) -> bool:
        return not self.unavailable_reason(lang)

    def unavailable_reason(self, lang: str) -> str:
        if self._engine_reason:
            return self._engine_reason
        if lang in self._unavailable:
            return self._unavailable[lang]
        return "" if lang in self._voices else not_configured_reason(lang)

    def voices(self) -> dict[str, str]:
        if self._engine_reason:
            return {}
        return {k: v for k, v in self._voices.items() if k not in self._unavailable}

    def is_busy(self) -> bool:
        return self.current is not None

    def save_wav(self, text: str, lang: str, path: str, *, rate: Rate, volume: int) -> None:
        if not self.is_available(lang):
            raise ServiceUnavailable(f"cannot speak {lang!r}: {self.unavailable_reason(lang)}")
        self.saved.append((Utterance(text, lang, rate, volume), path))

    def close(self) -> None:
        self.closed = True
        self.current = None
