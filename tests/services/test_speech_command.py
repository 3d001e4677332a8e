"""``kiosk speak`` and a missing libespeak-ng, each in a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from .conftest import wav_stats

pytestmark = pytest.mark.speech


def kiosk(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "KIVY_NO_CONSOLELOG": "1"}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args], capture_output=True, text=True, timeout=60, env=env
    )


def test_kiosk_speak_writes_a_wav_with_the_kiosks_voice(tmp_path):
    out = tmp_path / "fi.wav"
    done = kiosk("speak", "Tervetuloa kirjastoon.", "--lang", "fi", "--wav", str(out))
    assert done.returncode == 0, done.stderr
    assert "voice urj/fi" in done.stdout
    duration, rms = wav_stats(out)
    assert duration > 0.8 and rms > 500


def test_kiosk_speak_rate_option_changes_the_duration(tmp_path):
    durations = []
    for rate in ("slower", "faster"):
        out = tmp_path / f"{rate}.wav"
        done = kiosk("speak", "Välj en tjänst och tryck på Nästa.", "--lang", "sv", "--wav",
                     str(out), "--rate", rate)  # fmt: skip
        assert done.returncode == 0, done.stderr
        durations.append(wav_stats(out)[0])
    assert durations[0] > 1.3 * durations[1]


def test_kiosk_speak_plays_through_the_configured_player():
    # tests/conftest.py points ALSA's default device at a null sink.
    done = kiosk("speak", "Choose a service.", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "spoke en with voice gmw/en" in done.stdout


def test_kiosk_speak_refuses_a_language_without_a_voice(tmp_path):
    done = kiosk("speak", "Bures boahtin", "--lang", "se", "--wav", str(tmp_path / "se.wav"))
    assert done.returncode == 1
    assert done.stderr.strip().startswith("kiosk speak: no voice for 'se'")
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "se.wav").exists()


@pytest.mark.parametrize(
    "args,words",
    [
        (["  ", "--lang", "fi"], "TEXT is empty"),
        (["Hei", "--lang", "fi", "--volume", "120"], "0-100"),
    ],
)
def test_kiosk_speak_rejects_bad_options_plainly(args, words):
    done = kiosk("speak", *args)
    assert done.returncode == 1
    assert words in done.stderr and "Traceback" not in done.stderr


def test_kiosk_speak_without_a_sound_device_says_so(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text('[speech]\nplayer = ["aplay", "-q", "-D", "no-such-device"]\n')
    done = kiosk("--config", str(site), "speak", "Hei", "--lang", "fi")
    assert done.returncode == 1
    assert "playback failed" in done.stderr and "aplay -l" in done.stderr
    assert "Traceback" not in done.stderr


MISSING_LIBRARY = textwrap.dedent(
    """
    import ctypes
    real = ctypes.cdll.LoadLibrary
    def no_espeak(name, *a, **k):
        if "espeak" in str(name):
            raise OSError(f"{name}: cannot open shared object file")
        return real(name, *a, **k)
    ctypes.cdll.LoadLibrary = no_espeak
    from kiosk.config import load_settings
    from kiosk.services.speech_setup import check_speech, make_speech
    s = make_speech(load_settings())
    s.speak("Hei", "fi", rate="normal", volume=80)
    s.stop()
    print(s.is_available("fi"), s.voices())
    s.close()
    for line in check_speech(load_settings()):
        print(line.line())
    """
)


def test_a_missing_libespeak_ng_leaves_speech_unavailable_with_the_fix():
    done = subprocess.run(
        [sys.executable, "-c", MISSING_LIBRARY], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "False {}"
    for lang, line in zip(["fi", "sv", "en"], lines[1:4], strict=True):
        assert line.startswith(f"WARN speech {lang}: the espeak-ng engine cannot start")
        assert "apt-get install libespeak-ng1" in line
