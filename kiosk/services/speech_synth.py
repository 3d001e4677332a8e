"""Synthesisers: text in, 16-bit mono PCM out. The part of speech a new engine replaces.

:class:`EspeakSynthesizer` drives libespeak-ng through the ctypes binding that ships with
pyttsx3 (``pyttsx3.drivers._espeak``), in espeak-ng's *synchronous* mode. We do not use
pyttsx3's ``Engine`` loop: in pyttsx3 2.99 its espeak driver synthesises on espeak's own thread,
``runAndWait`` returns after a fixed 10 ms sleep whether or not the audio is written, property
changes are applied from that other thread in an unpredictable order (measured here: the rate
of the second utterance was ignored), and an unknown voice silently leaves the previous one
(often English) in place. Synchronous mode gives one thread, a definite end, properties applied
in order, a voice we can verify, and an abort between audio buffers (every ~100 ms of audio).

libespeak-ng can be initialised once per process: nothing else in the kiosk may use pyttsx3's
``Engine`` (it would initialise it again, in its own mode).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from typing import Any, Protocol


class SynthesisError(Exception):
    """The engine did not produce the audio asked for (unknown voice, engine error)."""


class Aborted(Exception):
    """Synthesis was abandoned because a newer request arrived."""


class Synthesizer(Protocol):
    """What the speech worker needs from an engine. Used from one thread at a time."""

    sample_rate: int

    def installed_voices(self) -> list[tuple[str, str]]:
        """(voice id, human name) of every installed voice, e.g. ("urj/fi", "Finnish")."""
        ...

    def synthesise(
        self,
        text: str,
        voice: str,
        wpm: int,
        volume: int,
        *,
        should_abort: Callable[[], bool],
        on_start: Callable[[], None],
    ) -> bytes:
        """16-bit mono PCM of ``text`` spoken by ``voice`` (an id from installed_voices).

        ``volume`` is 0-100. Calls ``on_start`` when synthesis begins; polls ``should_abort``
        between buffers and raises :class:`Aborted` when it says so. Raises
        :class:`SynthesisError` rather than ever using a voice other than ``voice``.
        """
        ...


def resolve_voice(wanted: str, installed: list[tuple[str, str]]) -> str | None:
    """The installed voice id for the configured name ``wanted``, or None.

    Matches an exact id, the id's last part ("fi" for "urj/fi") or the name, ignoring case;
    never a prefix or a related language, so a missing voice stays missing instead of quietly
    becoming another language ("se" does not become "smj" or "sk").
    """
    w = wanted.strip().lower()
    tests: list[Callable[[str, str], bool]] = [
        lambda vid, _name: vid.lower() == w,
        lambda vid, _name: vid.lower().rsplit("/", 1)[-1] == w,
        lambda _vid, name: name.lower() == w,
    ]
    for test in tests:
        for vid, name in installed:
            if test(vid, name):
                return vid
    return None


def engine_failure_reason(exc: BaseException) -> str:
    """A plain reason, with the fix, for an engine that cannot start."""
    if isinstance(exc, ImportError):
        return f"the pyttsx3 library is missing ({exc}): run `make setup` (pip install pyttsx3)"
    return (
        f"the espeak-ng engine cannot start ({exc}): "
        "apt-get install libespeak-ng1 espeak-ng-data espeak-ng"
    )


# libespeak-ng has one global state per process (voice, rate, callback): one initialisation,
# one synthesis at a time, one callback that forwards to whichever synthesis is running.
_LOCK = threading.RLock()
_LIB: dict[str, Any] = {}


class _Sink:
    """Collects one synthesis's audio; tells espeak-ng to stop when asked to abort."""

    def __init__(self, should_abort: Callable[[], bool]) -> None:
        self.chunks: list[bytes] = []
        self.should_abort = should_abort
        self.aborted = False


_CURRENT: list[_Sink] = []


def _on_synth(wav: Any, numsamples: int, _events: Any) -> int:
    """espeak-ng's callback, on the synthesising thread: keep the samples, 1 = abort."""
    if not _CURRENT:
        return 1
    sink = _CURRENT[0]
    if numsamples > 0 and wav:
        sink.chunks.append(ctypes.string_at(wav, numsamples * 2))
    if sink.should_abort():
        sink.aborted = True
        return 1
    return 0


class EspeakSynthesizer:
    """espeak-ng in synchronous mode through pyttsx3's binding. Raises on construction when
    pyttsx3 (ImportError) or libespeak-ng / its data (RuntimeError, OSError) is missing."""

    # Audio handed to the callback per call, in ms: the granularity of an abort.
    BUFFER_MS = 100

    def __init__(self) -> None:
        from pyttsx3.drivers import _espeak  # loads libespeak-ng; raises when it is missing

        with _LOCK:
            if not _LIB:
                rate = _espeak.Initialize(_espeak.AUDIO_OUTPUT_SYNCHRONOUS, self.BUFFER_MS)
                if rate <= 0:
                    raise RuntimeError("espeak_Initialize failed; is espeak-ng-data installed?")
                _espeak.SetSynthCallback(_on_synth)
                _LIB.update(es=_espeak, rate=rate)
        self._es = _LIB["es"]
        self.sample_rate: int = _LIB["rate"]

    def installed_voices(self) -> list[tuple[str, str]]:
        with _LOCK:
            found = self._es.ListVoices(None)
            return [(v.identifier.decode(), v.name.decode()) for v in found]

    def synthesise(
        self,
        text: str,
        voice: str,
        wpm: int,
        volume: int,
        *,
        should_abort: Callable[[], bool],
        on_start: Callable[[], None],
    ) -> bytes:
        es = self._es
        with _LOCK:
            self._select_voice(voice)
            es.SetParameter(es.RATE, int(wpm), 0)
            es.SetParameter(es.VOLUME, max(0, min(100, int(volume))), 0)
            sink = _Sink(should_abort)
            _CURRENT[:] = [sink]
            try:
                on_start()
                code = es.Synth(text.encode("utf-8"), flags=es.CHARS_UTF8 | es.ENDPAUSE)
            finally:
                _CURRENT.clear()
        if sink.aborted:
            raise Aborted()
        if code != es.EE_OK:
            raise SynthesisError(f"espeak_Synth failed with code {code}")
        return b"".join(sink.chunks)

    def _select_voice(self, voice: str) -> None:
        """Set ``voice`` and verify it took: never speak with a voice other than the one asked."""
        es = self._es
        code = es.SetVoiceByName(voice.encode("utf-8"))
        current = es.GetCurrentVoice()
        used = current.contents.identifier.decode() if current and current.contents else None
        if code != es.EE_OK or used is None or used.lower() != voice.lower():
            raise SynthesisError(
                f"voice {voice!r} could not be selected (code {code}, engine has {used!r})"
            )
