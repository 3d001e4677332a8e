"""``kiosk speak TEXT --lang L [--wav OUT.wav] [--rate R]``: hear the kiosk's own voice.

For installers checking a kiosk: speaks TEXT with the kiosk's engine, voices and settings (or
writes it to a WAV file). A language without a voice exits non-zero with a plain message.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from kiosk.services.speech import RATES

# Kivy, once any module imports it, swaps sys.stderr for its logger (silent under
# KIVY_NO_CONSOLELOG); an installer must still see why speech failed.
_STDERR = sys.__stderr__ or sys.stderr

# How long to wait for playback to end before giving up (a stuck player must not hang a shell).
_MAX_PLAY_S = 600.0


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "speak",
        help="speak a text with the kiosk's own voice (or write it to a WAV file)",
        description="Speak TEXT with the kiosk's speech engine, voices and settings, to check "
        "speech on a kiosk. Exits 1 when the language has no voice or the engine is missing.",
    )
    parser.add_argument("text", metavar="TEXT", help="what to say")
    parser.add_argument("--lang", required=True, metavar="L", help="language code: fi, sv, en")
    parser.add_argument("--wav", metavar="OUT.wav", help="write the audio to this file instead")
    parser.add_argument("--rate", choices=RATES, help="speech rate (default: [visitor] setting)")
    parser.add_argument("--volume", type=int, metavar="0-100", help="default: [visitor] volume")
    return parser


def run(args: argparse.Namespace, settings: Any) -> int:
    """Speak or save; 0 when done, 1 when the language cannot be spoken."""
    from kiosk.services.speech_setup import make_speech

    rate = args.rate or settings.visitor.speech_rate
    volume = settings.visitor.volume if args.volume is None else args.volume
    if not 0 <= volume <= 100:
        print("kiosk speak: --volume must be 0-100", file=_STDERR)
        return 1
    if not args.text.strip():
        print("kiosk speak: TEXT is empty; give the words to say in quotes", file=_STDERR)
        return 1
    speech = make_speech(settings)
    try:
        if args.wav:
            if args.lang not in speech.voices():  # a WAV needs a voice, not a player
                print(f"kiosk speak: {speech.unavailable_reason(args.lang)}", file=_STDERR)
                return 1
            speech.save_wav(args.text, args.lang, args.wav, rate=rate, volume=volume)
            print(f"wrote {args.wav} ({args.lang}, voice {speech.voices()[args.lang]}, {rate})")
            return 0
        if not speech.is_available(args.lang):
            print(f"kiosk speak: {speech.unavailable_reason(args.lang)}", file=_STDERR)
            return 1
        return _speak_and_wait(speech, args.text, args.lang, rate, volume)
    finally:
        speech.close()


def _speak_and_wait(speech: Any, text: str, lang: str, rate: str, volume: int) -> int:
    """Speak, then wait for the player; report a player that failed (e.g. no sound device)."""
    failed: list[str] = []
    probe = getattr(speech, "probe_player", None)
    if probe is not None:
        ok, message = probe()
        if not ok:
            failed.append(message)
    speech.speak(text, lang, rate=rate, volume=volume)
    deadline = time.monotonic() + _MAX_PLAY_S
    while speech.is_busy() and time.monotonic() < deadline:
        time.sleep(0.05)
    if failed:
        print(f"kiosk speak: synthesised, but playback failed: {failed[0]}", file=_STDERR)
        return 1
    print(f"spoke {lang} with voice {speech.voices()[lang]} ({rate})")
    return 0
