"""Fixtures for the speech tests: a paced stand-in sound card, WAV measurements, fake engines.

There is no sound card in CI, and ALSA's null device swallows a whole WAV in a few ms, so a
test that must hear *when* audio stops uses :func:`paced_player`: a real process that "plays"
a WAV in real time by copying its samples into a capture file, 20 ms at a time.
"""

from __future__ import annotations

import array
import sys
import threading
import time
import wave
from pathlib import Path

import pytest

from kiosk.config import load_settings
from kiosk.services.speech_worker import WorkerSpeech

PACED_PLAYER = r"""
import sys, time, wave
capture, wav = sys.argv[1], sys.argv[2]
with wave.open(wav) as w, open(capture, "ab") as out:
    rate = w.getframerate()
    block = rate // 50
    start, done = time.monotonic(), 0
    while True:
        frames = w.readframes(block)
        if not frames:
            break
        out.write(frames)
        out.flush()
        done += block
        time.sleep(max(0.0, start + done / rate - time.monotonic()))
"""


def wav_stats(path: Path | str) -> tuple[float, float]:
    """(duration in seconds, RMS of the 16-bit samples) of a mono WAV file."""
    with wave.open(str(path)) as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1
        samples = array.array("h", w.readframes(w.getnframes()))
        duration = w.getnframes() / w.getframerate()
    if not samples:
        return duration, 0.0
    return duration, (sum(s * s for s in samples) / len(samples)) ** 0.5


class Events:
    """A listener that records (event, time) pairs from the worker thread."""

    def __init__(self) -> None:
        self.items: list[tuple[str, float]] = []
        self._cond = threading.Condition()

    def __call__(self, event: str, t: float) -> None:
        with self._cond:
            self.items.append((event, t))
            self._cond.notify_all()

    def names(self) -> list[str]:
        with self._cond:
            return [e for e, _ in self.items]

    def wait_for(self, event: str, count: int = 1, timeout: float = 10.0) -> float:
        """Wait until ``event`` has happened ``count`` times; return the time of the last."""
        with self._cond:
            ok = self._cond.wait_for(
                lambda: sum(e == event for e, _ in self.items) >= count, timeout
            )
            assert ok, f"no {event!r} (x{count}) within {timeout}s; got {self.names()}"
            return [t for e, t in self.items if e == event][count - 1]


@pytest.fixture
def settings():
    return load_settings()


@pytest.fixture
def capture(tmp_path) -> Path:
    """The paced player's capture file: every sample "played" is appended here."""
    return tmp_path / "played.raw"


@pytest.fixture
def paced_player(tmp_path, capture) -> list[str]:
    script = tmp_path / "paced_player.py"
    script.write_text(PACED_PLAYER, encoding="utf-8")
    return [sys.executable, str(script), str(capture)]


@pytest.fixture
def make_espeak(settings):
    """Build the real WorkerSpeech from the kiosk's settings and overrides; closed afterwards."""
    made: list[WorkerSpeech] = []

    def make(**overrides) -> tuple[WorkerSpeech, Events]:
        events = Events()
        kwargs = dict(
            voices=dict(settings.speech.voices),
            words_per_minute=settings.speech.words_per_minute,
            rate_factors=dict(settings.speech.rate_factors),
            player=list(settings.speech.player),
            listener=events,
        )
        kwargs.update(overrides)
        service = WorkerSpeech(**kwargs)
        made.append(service)
        return service, events

    yield make
    for service in made:
        service.close()


def settle(path: Path, quiet: float = 0.15, timeout: float = 5.0) -> int:
    """Wait until ``path`` stops growing for ``quiet`` seconds; return its size."""
    end = time.monotonic() + timeout
    size = path.stat().st_size if path.exists() else 0
    still_since = time.monotonic()
    while time.monotonic() < end:
        time.sleep(0.02)
        now = path.stat().st_size if path.exists() else 0
        if now != size:
            size, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= quiet:
            return size
    raise AssertionError(f"{path} kept growing for {timeout}s")
