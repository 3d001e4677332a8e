"""The kiosk's speech engine against the real espeak-ng (through pyttsx3), no sound card needed."""

from __future__ import annotations

import time

import pytest

from kiosk.core.errors import ServiceUnavailable
from kiosk.services.speech_synth import Aborted, EspeakSynthesizer, SynthesisError

from .conftest import settle, wav_stats

pytestmark = pytest.mark.speech

SHORT = {"fi": "Valitse palvelu.", "sv": "Välj en tjänst.", "en": "Choose a service."}
LONG = {
    "fi": "Valitse palvelu. Kirjaudu sisään pankkitunnuksilla. Tarkista tiedot ja paina "
    "Seuraava. Jos tarvitset apua, paina Kutsu avustaja -painiketta.",
    "sv": "Välj en tjänst. Logga in med bankkoder. Kontrollera uppgifterna och tryck på "
    "Nästa. Om du behöver hjälp, tryck på knappen Kalla på hjälp.",
    "en": "Choose a service. Log in with your bank codes. Check the details and press Next. "
    "If you need help, press the Call a helper button.",
}
# About 40 seconds of speech: long enough that only an interruption can end it in a test.
VERY_LONG_FI = " ".join([LONG["fi"]] * 6)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_each_language_writes_audible_speech_that_grows_with_the_text(make_espeak, tmp_path, lang):
    speech, _ = make_espeak()
    short, long = tmp_path / "short.wav", tmp_path / "long.wav"
    speech.save_wav(SHORT[lang], lang, str(short), rate="normal", volume=80)
    speech.save_wav(LONG[lang], lang, str(long), rate="normal", volume=80)
    short_s, short_rms = wav_stats(short)
    long_s, long_rms = wav_stats(long)
    assert 0.5 < short_s < 4, short_s
    assert long_s > 3 * short_s, (short_s, long_s)
    # Silence is RMS 0; espeak-ng speech at 80 % volume measures in the thousands.
    assert short_rms > 500 and long_rms > 500, (short_rms, long_rms)


def test_each_language_uses_its_own_voice(make_espeak):
    speech, _ = make_espeak()
    assert speech.voices() == {"fi": "urj/fi", "sv": "gmq/sv", "en": "gmw/en"}


def test_rate_changes_the_duration(make_espeak, tmp_path):
    speech, _ = make_espeak()
    durations = {}
    for rate in ("slower", "normal", "faster"):
        out = tmp_path / f"{rate}.wav"
        speech.save_wav(LONG["fi"], "fi", str(out), rate=rate, volume=80)
        durations[rate] = wav_stats(out)[0]
    assert durations["slower"] > 1.15 * durations["normal"], durations
    assert durations["normal"] > 1.15 * durations["faster"], durations


def test_volume_scales_the_audio(make_espeak, tmp_path):
    speech, _ = make_espeak()
    loud, quiet = tmp_path / "loud.wav", tmp_path / "quiet.wav"
    speech.save_wav(SHORT["fi"], "fi", str(loud), rate="normal", volume=100)
    speech.save_wav(SHORT["fi"], "fi", str(quiet), rate="normal", volume=25)
    assert wav_stats(quiet)[1] < 0.5 * wav_stats(loud)[1]


def test_speak_plays_the_text_through_the_player(make_espeak, paced_player, capture):
    speech, events = make_espeak(player=paced_player)
    speech.speak(SHORT["fi"], "fi", rate="normal", volume=80)
    events.wait_for("finished")
    assert events.names() == ["synthesis-started", "playing", "finished"]
    played_s = capture.stat().st_size / 2 / 22050
    assert 0.5 < played_s < 4, played_s
    assert not speech.is_busy()


def test_stop_silences_a_long_utterance_at_once(make_espeak, paced_player, capture):
    speech, events = make_espeak(player=paced_player)
    speech.speak(VERY_LONG_FI, "fi", rate="normal", volume=80)
    events.wait_for("playing")
    while not capture.exists() or capture.stat().st_size < 22050:  # half a second heard
        time.sleep(0.01)
    asked = time.perf_counter()
    speech.stop()
    silenced = events.wait_for("silenced")
    assert silenced - asked < 0.05, f"silenced after {silenced - asked:.3f}s"
    heard = settle(capture)
    assert heard / 2 / 22050 < 10, "the player went on after stop()"
    assert not speech.is_busy()
    assert "finished" not in events.names()


def test_a_new_utterance_replaces_the_one_playing(make_espeak, paced_player, capture):
    speech, events = make_espeak(player=paced_player)
    speech.speak(VERY_LONG_FI, "fi", rate="normal", volume=80)
    events.wait_for("playing")
    speech.speak(SHORT["en"], "en", rate="normal", volume=80)
    events.wait_for("finished")
    assert events.names() == [
        "synthesis-started",
        "playing",
        "silenced",
        "synthesis-started",
        "playing",
        "finished",
    ]
    # Far less than the ~40 s of the long text was played.
    assert settle(capture) / 2 / 22050 < 10


def test_northern_sami_is_never_spoken_with_another_voice(make_espeak, paced_player, capture):
    speech, events = make_espeak(player=paced_player)
    assert not speech.is_available("se")
    assert "Northern Sámi" in speech.unavailable_reason("se")
    assert "se" not in speech.voices()
    speech.speak("Bures boahtin!", "se", rate="normal", volume=80)
    speech.speak(SHORT["fi"], "fi", rate="normal", volume=80)  # a marker that the worker ran
    events.wait_for("finished")
    assert events.names().count("synthesis-started") == 1
    assert settle(capture) / 2 / 22050 < 4  # only the Finnish marker
    with pytest.raises(ServiceUnavailable, match="Northern Sámi"):
        speech.save_wav("Bures", "se", "/nonexistent/x.wav", rate="normal", volume=80)


def test_a_configured_voice_that_is_not_installed_is_unavailable(make_espeak):
    # "se" is the Northern Sámi code, but espeak-ng has no such voice: no fallback to another.
    speech, _ = make_espeak(voices={"fi": "fi", "se": "se", "xx": "no-such-voice"})
    assert speech.voices() == {"fi": "urj/fi"}
    for lang in ("se", "xx"):
        assert "is not installed" in speech.unavailable_reason(lang)
        assert "apt-get install espeak-ng-data" in speech.unavailable_reason(lang)


def test_the_engine_never_falls_back_to_another_voice(tmp_path):
    # libespeak-ng keeps the previous voice (often English) when asked for an unknown one;
    # pyttsx3 hides that. The synthesiser checks the voice it got and refuses to speak.
    synth = EspeakSynthesizer()
    synth.synthesise("Hello", "gmw/en", 150, 80, should_abort=lambda: False, on_start=lambda: None)
    with pytest.raises(SynthesisError, match="'no/such-voice' could not be selected"):
        synth.synthesise(
            "Hei", "no/such-voice", 150, 80, should_abort=lambda: False, on_start=lambda: None
        )


def test_synthesis_of_a_long_text_aborts_between_buffers():
    synth = EspeakSynthesizer()
    calls = []

    def abort_on_third_buffer() -> bool:
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(Aborted):
        synth.synthesise(
            VERY_LONG_FI, "urj/fi", 150, 80, should_abort=abort_on_third_buffer, on_start=list
        )
    assert len(calls) == 3


def test_a_player_that_fails_is_quiet_and_speech_goes_on(make_espeak, caplog):
    import sys

    failing = [sys.executable, "-c", "import sys; sys.exit(1)"]
    speech, events = make_espeak(player=failing)
    for _ in range(2):
        speech.speak(SHORT["fi"], "fi", rate="normal", volume=80)
        events.wait_for("finished", count=events.names().count("finished") + 1)
    assert events.names().count("failed") == 2
    warnings = [r for r in caplog.records if "playback failed" in r.getMessage()]
    assert len(warnings) == 1, "one warning, not one per utterance"
    assert speech.is_available("fi")


def test_a_missing_player_makes_speech_unavailable_but_wav_still_works(make_espeak, tmp_path):
    speech, _ = make_espeak(player=["no-such-player-xyz"])
    assert not speech.is_available("fi")
    assert "alsa-utils" in speech.unavailable_reason("fi")
    speech.speak(SHORT["fi"], "fi", rate="normal", volume=80)  # harmless
    speech.save_wav(SHORT["fi"], "fi", str(tmp_path / "fi.wav"), rate="normal", volume=80)
    assert wav_stats(tmp_path / "fi.wav")[1] > 500


def test_aplay_on_the_null_device_plays_without_error(make_espeak):
    # The real default player; tests/conftest.py points ALSA at a null device.
    speech, events = make_espeak()
    assert speech.probe_player() == (True, "`aplay -q` plays")
    speech.speak(SHORT["sv"], "sv", rate="normal", volume=80)
    events.wait_for("finished")
    assert "failed" not in events.names()


def test_volume_zero_and_empty_text_say_nothing(make_espeak, paced_player, capture):
    speech, events = make_espeak(player=paced_player)
    speech.speak(SHORT["fi"], "fi", rate="normal", volume=0)
    speech.speak("   ", "fi", rate="normal", volume=80)
    speech.speak(SHORT["en"], "en", rate="normal", volume=80)
    events.wait_for("finished")
    assert events.names().count("synthesis-started") == 1
