"""Fast tests of the speech service's logic with a fake synthesiser: no engine, no sound."""

from __future__ import annotations

import sys
import threading
import time

import pytest

from kiosk.core.errors import ServiceUnavailable
from kiosk.services.speech import words_per_minute
from kiosk.services.speech_fake import FakeSpeech
from kiosk.services.speech_setup import check_speech
from kiosk.services.speech_synth import Aborted, resolve_voice
from kiosk.services.speech_worker import WorkerSpeech, _Mailbox

from .conftest import Events

FACTORS = {"slower": 0.75, "normal": 1.0, "faster": 1.3}
VOICES = [("gmw/en", "English (Great Britain)"), ("urj/fi", "Finnish"), ("urj/smj", "Lule Saami")]


class SlowSynth:
    """Takes ``seconds`` per text (in 10 ms buffers, abortable) and records what it was asked."""

    sample_rate = 1000

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.texts: list[str] = []
        self.started = threading.Event()

    def installed_voices(self):
        return VOICES

    def synthesise(self, text, voice, wpm, volume, *, should_abort, on_start):
        self.texts.append(text)
        on_start()
        self.started.set()
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            if should_abort():
                raise Aborted()
            time.sleep(0.01)
        return b"\x10\x00" * 100


def make(synth, **kw):
    args = dict(
        voices={"fi": "fi", "en": "en"},
        words_per_minute=150,
        rate_factors=FACTORS,
        player=[sys.executable, "-c", "pass"],
        synthesizer=lambda: synth,
    )
    args.update(kw)
    return WorkerSpeech(**args)


def test_rates_scale_words_per_minute_within_espeak_range():
    assert [words_per_minute(150, FACTORS, r) for r in FACTORS] == [112, 150, 195]
    assert words_per_minute(300, {"faster": 3.0}, "faster") == 450
    assert words_per_minute(80, {"slower": 0.3}, "slower") == 80
    with pytest.raises(ValueError, match="speech rate must be one of"):
        words_per_minute(150, FACTORS, "fast")


@pytest.mark.parametrize(
    "wanted,found",
    [("fi", "urj/fi"), ("URJ/FI", "urj/fi"), ("Finnish", "urj/fi"), ("en", "gmw/en")],
)
def test_resolve_voice_matches_id_last_part_or_name(wanted, found):
    assert resolve_voice(wanted, VOICES) == found


@pytest.mark.parametrize("wanted", ["se", "sm", "f", "English", "smj/x", ""])
def test_resolve_voice_never_guesses_a_related_voice(wanted):
    assert resolve_voice(wanted, VOICES) is None


def test_mailbox_keeps_only_the_newest_request():
    box = _Mailbox()
    assert box.put("a") is None
    assert box.put("b") == "a"
    assert box.pending()
    assert box.take() == "b"
    assert not box.pending() and not box.wait(0)


def test_speak_and_stop_return_at_once_while_a_long_synthesis_runs():
    synth = SlowSynth(seconds=1.0)
    speech = make(synth)
    try:
        speech.speak("first", "fi", rate="normal", volume=80)
        assert synth.started.wait(2)
        worst = 0.0
        for i in range(50):
            t = time.perf_counter()
            speech.speak(f"text {i}", "fi", rate="normal", volume=80)
            speech.stop()
            worst = max(worst, time.perf_counter() - t)
        speech.speak("last", "fi", rate="normal", volume=80)
        assert worst < 0.002, f"a speak()+stop() pair took {worst * 1000:.2f} ms"
        deadline = time.monotonic() + 5
        while speech.is_busy() and time.monotonic() < deadline:
            time.sleep(0.01)
        # Speech never piles up: the 100 requests made while busy collapse into the newest.
        assert synth.texts == ["first", "last"]
    finally:
        speech.close()


def test_a_newer_request_aborts_the_synthesis_in_progress():
    synth = SlowSynth(seconds=5.0)
    events = Events()
    speech = make(synth, listener=events)
    try:
        speech.speak("very long", "fi", rate="normal", volume=80)
        assert synth.started.wait(2)
        asked = time.perf_counter()
        speech.stop()
        deadline = time.monotonic() + 2
        while speech.is_busy() and time.monotonic() < deadline:
            time.sleep(0.005)
        assert time.perf_counter() - asked < 0.1
        assert "playing" not in events.names()
    finally:
        speech.close()


def test_unknown_unconfigured_and_unavailable_languages():
    speech = make(SlowSynth(), voices={"fi": "fi", "en": "en", "de": "de"})
    try:
        assert speech.voices() == {"fi": "urj/fi", "en": "gmw/en"}
        assert speech.is_available("fi")
        assert "not installed" in speech.unavailable_reason("de")
        assert "Northern Sámi" in speech.unavailable_reason("se")
        assert "add sv = " in speech.unavailable_reason("sv")
        with pytest.raises(ServiceUnavailable, match="cannot speak 'se'"):
            speech.save_wav("x", "se", "/tmp/never.wav", rate="normal", volume=80)
    finally:
        speech.close()


@pytest.mark.parametrize(
    "failure,words",
    [
        (ImportError("No module named 'pyttsx3'"), "pip install pyttsx3"),
        (RuntimeError("libespeak-ng.so.1: cannot open"), "apt-get install libespeak-ng1"),
    ],
)
def test_an_engine_that_cannot_start_leaves_a_harmless_no_op(failure, words):
    def broken():
        raise failure

    speech = make(None, synthesizer=broken)
    try:
        assert speech.voices() == {}
        assert not speech.is_available("fi")
        assert words in speech.unavailable_reason("fi")
        speech.speak("Hei", "fi", rate="normal", volume=80)
        speech.stop()
        assert not speech.is_busy()
        with pytest.raises(ServiceUnavailable, match=words):
            speech.save_wav("Hei", "fi", "/tmp/never.wav", rate="normal", volume=80)
    finally:
        speech.close()
    speech.close()  # twice is harmless


def test_missing_pyttsx3_module_is_reported_not_raised(monkeypatch, settings):
    # The real synthesiser's import, with pyttsx3 made unimportable.
    monkeypatch.setitem(sys.modules, "pyttsx3", None)
    monkeypatch.delitem(sys.modules, "pyttsx3.drivers", raising=False)
    monkeypatch.delitem(sys.modules, "pyttsx3.drivers._espeak", raising=False)
    lines = check_speech(settings)
    assert [r.name for r in lines][:3] == ["speech fi", "speech sv", "speech en"]
    assert all(not r.required for r in lines)
    assert all("pip install pyttsx3" in r.message for r in lines[:3])
    assert not any(r.ok for r in lines[:3])


def test_check_speech_reports_each_language_and_the_sami_gap(settings, monkeypatch):
    from kiosk.config import load_settings

    with_sami = load_settings(extra={"visitor": {"languages": ["fi", "sv", "en", "se"]}})
    fake = FakeSpeech({"fi": "urj/fi", "sv": "gmq/sv", "en": "gmw/en"})
    lines = {r.name: r for r in check_speech(with_sami, fake)}
    assert lines["speech fi"].ok and lines["speech fi"].message == "voice urj/fi"
    assert not lines["speech se"].ok and "Northern Sámi" in lines["speech se"].message
    assert lines["speech se"].line().startswith("WARN speech se: ")
    assert not fake.closed, "a service passed in is the caller's to close"


def test_fake_speech_records_what_would_be_said():
    fake = FakeSpeech(unavailable={"en": "voice missing"})
    fake.speak("Hei", "fi", rate="slower", volume=50)
    assert fake.current is not None and fake.current.text == "Hei" and fake.is_busy()
    fake.speak("Hello", "en", rate="normal", volume=50)  # unavailable: silences, says nothing
    fake.speak("Bures", "se", rate="normal", volume=50)
    assert [u.text for u in fake.spoken] == ["Hei"]
    assert fake.current is None
    fake.speak("Hej", "sv", rate="faster", volume=50)
    fake.stop()
    assert fake.current is None
    assert fake.calls[-1] == ("stop",)
    assert fake.voices() == {"fi": "fi", "sv": "sv"}
    assert "Northern Sámi" in fake.unavailable_reason("se")


def test_a_failing_listener_or_synthesiser_costs_one_utterance_not_speech():
    class Flaky(SlowSynth):
        def synthesise(self, text, *args, **kwargs):
            if text == "boom":
                raise ValueError("engine bug")
            return super().synthesise(text, *args, **kwargs)

    def bad_listener(event, _t):
        raise RuntimeError("listener bug")

    synth = Flaky()
    speech = make(synth, listener=bad_listener)
    try:
        for text in ("boom", "hello"):
            speech.speak(text, "fi", rate="normal", volume=80)
            deadline = time.monotonic() + 5
            while speech.is_busy() and time.monotonic() < deadline:
                time.sleep(0.005)
        assert synth.texts == ["hello"]
        assert speech._worker.is_alive()
    finally:
        speech.close()
