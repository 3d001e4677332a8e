"""The kiosk's speech service put together from settings, and its ``kiosk check`` lines.

Kept apart from :mod:`kiosk.services.speech` (the port, which the worker implements) so that
the port does not depend on its implementation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.core.checks import CheckResult
from kiosk.services.speech import Speech
from kiosk.services.speech_worker import WorkerSpeech

if TYPE_CHECKING:
    from kiosk.config import Settings


def make_speech(settings: Settings) -> Speech:
    """The kiosk's speech service, built from ``settings.speech``. Never raises for a missing
    engine or voice: the service then reports each language unavailable with the reason."""
    s = settings.speech
    return WorkerSpeech(
        voices=dict(s.voices),
        words_per_minute=s.words_per_minute,
        rate_factors={str(k): v for k, v in s.rate_factors.items()},
        player=list(s.player),
    )


def configured_languages(settings: Settings) -> list[str]:
    """Languages the kiosk offers or has a voice for, offered ones first, without repeats."""
    langs = list(settings.visitor.languages)
    return langs + [lang for lang in settings.speech.voices if lang not in langs]


def check_speech(settings: Settings, speech: Speech | None = None) -> list[CheckResult]:
    """One ``kiosk check`` line per configured language, plus one for playback. All optional:
    the kiosk runs without speech, showing read-aloud as unavailable."""
    own = speech is None
    service = make_speech(settings) if speech is None else speech
    try:
        results = []
        voices = service.voices()
        for lang in configured_languages(settings):
            ok = service.is_available(lang)
            message = f"voice {voices[lang]}" if ok else service.unavailable_reason(lang)
            results.append(CheckResult(f"speech {lang}", ok, message, required=False))
        probe = getattr(service, "probe_player", None)
        if probe is not None:
            ok, message = probe()
            results.append(CheckResult("speech playback", ok, message, False))
        return results
    finally:
        if own:
            service.close()
