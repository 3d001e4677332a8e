"""The speech port: what the kiosk needs from a text-to-speech engine (built in speech_setup.py).

The UI speaks through :class:`Speech` only. The kiosk's own implementation is
:class:`~kiosk.services.speech_worker.WorkerSpeech`: espeak-ng (through pyttsx3's binding)
synthesises a WAV on a worker thread and a player process it can kill plays it.
:class:`~kiosk.services.speech_fake.FakeSpeech` records calls for fast widget tests. Another
offline engine (e.g. Piper) is added as one more
:class:`~kiosk.services.speech_synth.Synthesizer`; see docs/speech.md.

Contract shared by every implementation:

- ``speak`` and ``stop`` never block: they hand the work to the engine's own thread and return.
- A new ``speak`` replaces whatever is queued or playing; speech never piles up.
- A language without a voice of its own is never spoken with another language's voice: it is
  unavailable and ``unavailable_reason`` says why and how to fix it.
- If the engine cannot start, every language is unavailable with the reason, and every call is a
  harmless no-op. The kiosk goes on without speech.
"""

from __future__ import annotations

from typing import Literal, Protocol

Rate = Literal["slower", "normal", "faster"]
RATES: tuple[Rate, ...] = ("slower", "normal", "faster")

# espeak-ng accepts 80-450 words per minute; outside that it clips or misbehaves.
MIN_WPM = 80
MAX_WPM = 450

# Languages we know no free offline voice exists for, with the notice shown by `kiosk check`.
KNOWN_GAPS = {
    "se": "espeak-ng has no Northern Sámi voice (only Lule Sámi, smj, which is another language); "
    "Sámi text is shown on screen but not read aloud",
}


class Speech(Protocol):
    """Port to a text-to-speech engine. Every method is safe to call from the UI thread."""

    def speak(self, text: str, lang: str, *, rate: Rate, volume: int) -> None:
        """Start saying ``text`` in ``lang``, replacing anything queued or playing. Never blocks.

        ``rate`` is the visitor's choice; ``volume`` is 0-100 (0 says nothing). A language that
        is not available, or an empty text, silences current speech and says nothing.
        """
        ...

    def stop(self) -> None:
        """Silence current speech at once and drop anything queued. Never blocks."""
        ...

    def is_available(self, lang: str) -> bool:
        """True when ``lang`` has its own voice and the engine and player work."""
        ...

    def unavailable_reason(self, lang: str) -> str:
        """Why ``lang`` cannot be spoken and how to fix it; empty when it can."""
        ...

    def voices(self) -> dict[str, str]:
        """The voice used for each available language, e.g. ``{"fi": "urj/fi"}``."""
        ...

    def save_wav(self, text: str, lang: str, path: str, *, rate: Rate, volume: int) -> None:
        """Write what ``speak`` would say to a WAV file. Blocks until written: not for the UI.

        Raises :class:`~kiosk.core.errors.ServiceUnavailable` when ``lang`` is unavailable.
        """
        ...

    def close(self) -> None:
        """Silence, stop the engine's thread and remove temporary files. Idempotent."""
        ...


def words_per_minute(base: int, factors: dict[str, float], rate: str) -> int:
    """The engine rate for the visitor's ``rate``: ``base`` scaled, clipped to espeak's range.

    Raises ValueError for a rate that is not one of :data:`RATES` (a programming error).
    """
    if rate not in factors:
        raise ValueError(f"speech rate must be one of {RATES}, not {rate!r}")
    return max(MIN_WPM, min(MAX_WPM, round(base * factors[rate])))


def not_configured_reason(lang: str) -> str:
    """Reason text for a language with no entry in ``[speech] voices``."""
    gap = KNOWN_GAPS.get(lang)
    if gap:
        return f"no voice for '{lang}': {gap}"
    return (
        f"no voice is configured for '{lang}': add {lang} = \"<voice>\" to [speech] voices "
        f"(list voices with `espeak-ng --voices={lang}`)"
    )
