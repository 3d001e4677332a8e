"""The kiosk's speech service: a synthesiser on a worker thread, a WAV, and a player process.

Why a WAV and a player process rather than espeak-ng's own audio output:

- Killing our own player process silences speech at once, measurably (tests/bench/bench_speech.py).
  pyttsx3's espeak driver instead runs ``aplay`` inside its synthesis callback and waits for it,
  so its ``stop`` cannot cut playback short.
- espeak-ng's own audio output stutters on Raspberry Pis (espeak-ng#1781, #849).
- espeak-ng writes ~1 s of speech in ~1.3 ms here, so synthesising the whole text before playing
  costs what raw ``espeak-ng -w`` costs, and the UI never waits for it anyway.

Threading: one worker thread per service does all engine work. The UI thread only drops a
request into a one-slot mailbox (:class:`_Mailbox`) and returns; the newest request wins, so
speech never piles up. The worker aborts a synthesis, or kills the player, as soon as a newer
request is waiting.
"""

from __future__ import annotations

import itertools
import logging
import shutil
import subprocess
import tempfile
import threading
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.errors import ServiceUnavailable
from kiosk.services.speech import Rate, not_configured_reason, words_per_minute
from kiosk.services.speech_synth import (
    Aborted,
    EspeakSynthesizer,
    SynthesisError,
    Synthesizer,
    engine_failure_reason,
    resolve_voice,
)

log = logging.getLogger(__name__)

# How often the worker looks whether the player has ended (a new request wakes it at once).
_PLAYER_POLL_S = 0.02

Listener = Callable[[str, float], None]


@dataclass(frozen=True)
class _Say:
    text: str
    voice: str
    wpm: int
    volume: int


@dataclass(frozen=True)
class _Save:
    say: _Say
    path: str
    done: threading.Event = field(default_factory=threading.Event)
    errors: list[str] = field(default_factory=list)


_STOP = object()
_CLOSE = object()


class _Mailbox:
    """A one-slot mailbox: ``put`` replaces what is waiting, so the newest request wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._item: object = None
        self._event = threading.Event()

    def put(self, item: object) -> object:
        """Leave ``item``; return the request it replaced (None if the slot was empty)."""
        with self._lock:
            old, self._item = self._item, item
            self._event.set()
        return old

    def take(self) -> object:
        """Wait for the waiting request and remove it."""
        while True:
            self._event.wait()
            with self._lock:
                if self._event.is_set():
                    item, self._item = self._item, None
                    self._event.clear()
                    return item

    def wait(self, timeout: float) -> bool:
        """True as soon as a request is waiting (without taking it); False after ``timeout``."""
        return self._event.wait(timeout)

    def pending(self) -> bool:
        return self._event.is_set()


def write_wav(path: Path | str, pcm: bytes, sample_rate: int) -> None:
    """Write 16-bit mono ``pcm`` as a WAV file."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm)


class WorkerSpeech:
    """The :class:`~kiosk.services.speech.Speech` port over a :class:`Synthesizer` and a player.

    Construction starts the worker thread and waits for the engine to list its voices (~50 ms
    with espeak-ng, at most ``start_timeout`` seconds), so availability is known at once. It
    never raises for a missing engine or voice: those languages are unavailable with the reason.

    ``listener``, if given, is called on the worker thread with an event name and a
    ``time.perf_counter()`` timestamp: "synthesis-started", "playing", "finished", "silenced",
    "failed". It must not touch widgets (use Clock.schedule_once); the benchmark uses it.
    """

    def __init__(
        self,
        *,
        voices: dict[str, str],
        words_per_minute: int,
        rate_factors: dict[str, float],
        player: list[str],
        synthesizer: Callable[[], Synthesizer] = EspeakSynthesizer,
        listener: Listener | None = None,
        start_timeout: float = 10.0,
    ) -> None:
        self._configured = dict(voices)
        self._wpm = words_per_minute
        self._factors = dict(rate_factors)
        self._player = list(player)
        self._player_path = shutil.which(self._player[0]) if self._player else None
        self._factory = synthesizer
        self._listener = listener
        self._mailbox = _Mailbox()
        self._busy = False
        self._closed = False
        self._player_warned = False
        self._names = itertools.count()
        self._tmp = Path(tempfile.mkdtemp(prefix="kiosk-speech-"))
        # Written by the worker before _ready is set; read-only afterwards.
        self._engine_reason = "the speech engine did not start in time"
        self._resolved: dict[str, str] = {}
        self._voice_reasons: dict[str, str] = {}
        self._ready = threading.Event()
        self._worker = threading.Thread(target=self._run, name="kiosk-speech", daemon=True)
        self._worker.start()
        self._ready.wait(start_timeout)

    # ----- the port: called from the UI thread, never blocks -----

    def speak(self, text: str, lang: str, *, rate: Rate, volume: int) -> None:
        if self._closed or not self._engine_ok():
            return
        volume = max(0, min(100, int(volume)))
        if not text.strip() or volume == 0 or not self.is_available(lang):
            self._put(_STOP)
            return
        wpm = words_per_minute(self._wpm, self._factors, rate)
        self._put(_Say(text, self._resolved[lang], wpm, volume))

    def stop(self) -> None:
        if not self._closed and self._engine_ok():
            self._put(_STOP)

    def is_available(self, lang: str) -> bool:
        return not self.unavailable_reason(lang)

    def unavailable_reason(self, lang: str) -> str:
        reason = self._voice_reason(lang)
        if not reason and self._player_path is None:
            reason = (
                f"the audio player {self._player[0]!r} is not installed: "
                "apt-get install alsa-utils, or set [speech] player"
            )
        return reason

    def voices(self) -> dict[str, str]:
        return dict(self._resolved) if self._engine_ok() else {}

    def is_busy(self) -> bool:
        """True while an utterance is being synthesised or played, or one is waiting."""
        return self._busy or self._mailbox.pending()

    # ----- for installers and tests: these block -----

    def save_wav(self, text: str, lang: str, path: str, *, rate: Rate, volume: int) -> None:
        """Write what ``speak`` would say to ``path`` (on the worker thread; waits for it)."""
        reason = self._voice_reason(lang)
        if reason:
            raise ServiceUnavailable(f"cannot speak {lang!r}: {reason}")
        wpm = words_per_minute(self._wpm, self._factors, rate)
        job = _Save(_Say(text, self._resolved[lang], wpm, max(0, min(100, volume))), path)
        self._put(job)
        while not job.done.wait(0.05):
            if not self._worker.is_alive():
                raise ServiceUnavailable("the speech engine stopped before writing the file")
        if job.errors:
            raise ServiceUnavailable(f"could not write {path}: {job.errors[0]}")

    def probe_player(self) -> tuple[bool, str]:
        """Play 50 ms of silence with the player: (works?, a line for ``kiosk check``)."""
        cmd = " ".join(self._player)
        if self._player_path is None:
            return False, f"{self._player[0]!r} not found: apt-get install alsa-utils"
        probe = self._tmp / "probe.wav"
        write_wav(probe, b"\0\0" * 1102, 22050)
        try:
            done = subprocess.run(
                [*self._player, str(probe)], capture_output=True, text=True, timeout=5
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return False, f"`{cmd}` could not play a test sound ({exc})"
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            return False, (
                f"`{cmd}` failed (exit {done.returncode}: {last}); check the sound device "
                "with `aplay -l` or set [speech] player"
            )
        return True, f"`{cmd}` plays"

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._put(_CLOSE)
        self._worker.join(timeout=5)
        shutil.rmtree(self._tmp, ignore_errors=True)

    # ----- internals -----

    def _engine_ok(self) -> bool:
        return self._ready.is_set() and not self._engine_reason

    def _voice_reason(self, lang: str) -> str:
        if not self._engine_ok():
            return self._engine_reason
        if lang not in self._configured:
            return not_configured_reason(lang)
        return self._voice_reasons.get(lang, "")

    def _put(self, item: object) -> None:
        replaced = self._mailbox.put(item)
        if isinstance(replaced, _Save):
            replaced.errors.append("replaced by a newer request")
            replaced.done.set()

    def _emit(self, event: str) -> None:
        if self._listener is not None:
            try:
                self._listener(event, time.perf_counter())
            except Exception:  # a listener's bug must not stop speech
                log.exception("speech listener failed on %r", event)

    def _run(self) -> None:
        """The worker: start the engine, then serve the mailbox until closed."""
        try:
            synth = self._start_engine()
        except Exception as exc:  # any failure means "no speech", never a crash
            self._engine_reason = engine_failure_reason(exc)
            log.warning("speech unavailable: %s", self._engine_reason)
            return
        finally:
            self._ready.set()
        while True:
            item = self._mailbox.take()
            if item is _CLOSE:
                return
            try:
                if isinstance(item, _Save):
                    self._save(synth, item)
                elif isinstance(item, _Say):
                    self._busy = True
                    self._say(synth, item)
            except Exception:  # a bug here must cost one utterance, not all speech
                log.exception("speech worker error; going on")
            finally:
                self._busy = False

    def _start_engine(self) -> Synthesizer:
        synth = self._factory()
        installed = synth.installed_voices()
        for lang, wanted in self._configured.items():
            vid = resolve_voice(wanted, installed)
            if vid is None:
                self._voice_reasons[lang] = (
                    f"voice {wanted!r} for '{lang}' is not installed: apt-get install "
                    f"espeak-ng-data, or set [speech] voices.{lang} to a voice listed by "
                    f"`espeak-ng --voices={lang}`"
                )
            else:
                self._resolved[lang] = vid
        self._engine_reason = ""
        return synth

    def _synthesise(self, synth: Synthesizer, req: _Say, *, abortable: bool) -> bytes:
        return synth.synthesise(
            req.text,
            req.voice,
            req.wpm,
            req.volume,
            should_abort=self._mailbox.pending if abortable else (lambda: False),
            on_start=lambda: self._emit("synthesis-started"),
        )

    def _save(self, synth: Synthesizer, job: _Save) -> None:
        try:
            write_wav(
                job.path, self._synthesise(synth, job.say, abortable=False), synth.sample_rate
            )
        except (SynthesisError, OSError) as exc:
            job.errors.append(str(exc))
        finally:
            job.done.set()

    def _say(self, synth: Synthesizer, req: _Say) -> None:
        path = self._tmp / f"u{next(self._names)}.wav"
        try:
            write_wav(path, self._synthesise(synth, req, abortable=True), synth.sample_rate)
            if not self._mailbox.pending():  # else a newer request has already replaced it
                self._play(path)
        except Aborted:
            pass
        except (SynthesisError, OSError) as exc:
            log.error("speech not played: %s", exc)
            self._emit("failed")
        finally:
            path.unlink(missing_ok=True)

    def _play(self, path: Path) -> None:
        """Run the player on ``path`` until it ends or a newer request arrives (then kill it)."""
        try:
            proc = subprocess.Popen(
                [*self._player, str(path)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            self._playback_failed(f"cannot start {self._player[0]!r}: {exc}")
            return
        self._emit("playing")
        while True:
            if self._mailbox.wait(_PLAYER_POLL_S):
                proc.kill()
                proc.wait()
                self._busy = False  # before the event, so a listener sees the final state
                self._emit("silenced")
                return
            code = proc.poll()
            if code is not None:
                if code != 0:
                    self._playback_failed(f"{self._player[0]!r} exited with code {code}")
                self._busy = False
                self._emit("finished")
                return

    def _playback_failed(self, message: str) -> None:
        # Without a sound device every utterance fails alike: warn once, not at every step.
        if not self._player_warned:
            self._player_warned = True
            log.warning("speech playback failed (run `kiosk check`): %s", message)
        self._emit("failed")
