"""``kiosk screenshot OUT.png``: render one screen offscreen, exactly as a visitor would see it."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

from kiosk.config import Settings
from kiosk.ui.screen_names import SCREEN_NAMES


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{3,4})x(\d{3,4})", text)
    if not match:
        raise argparse.ArgumentTypeError("size must look like 1280x800")
    return int(match.group(1)), int(match.group(2))


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("screenshot", help="render one screen to a PNG file and exit")
    parser.add_argument("out", type=Path, metavar="OUT.png")
    parser.add_argument("--screen", default="home", help=f"one of: {', '.join(SCREEN_NAMES)}")
    parser.add_argument("--lang", default=None, help="fi, sv or en (default: the site's default)")
    parser.add_argument("--text-size", type=int, choices=[100, 150, 200], default=None)
    parser.add_argument("--contrast", choices=["normal", "high"], default=None)
    parser.add_argument("--size", type=_size, default=None, metavar="WxH")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.screen not in SCREEN_NAMES:
        print(
            f"kiosk: unknown screen {args.screen!r}; known screens: {', '.join(SCREEN_NAMES)}",
            file=sys.stderr,
        )
        return 2
    if args.lang is not None and args.lang not in settings.visitor.languages:
        print(
            f"kiosk: language {args.lang!r} is not offered; offered: "
            f"{', '.join(settings.visitor.languages)}",
            file=sys.stderr,
        )
        return 2
    from kiosk.ui.kivy_setup import configure_window, prepare_environment

    prepare_environment(offscreen=True)
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    size = args.size or tuple(settings.display.window_size)
    configure_window(fullscreen=False, size=size, kiosk_mode=True, show_cursor=False)
    from kiosk.ui.screenshot import take_screenshot

    written = take_screenshot(
        settings,
        args.screen,
        lang=args.lang,
        text_size=args.text_size,
        high_contrast=None if args.contrast is None else args.contrast == "high",
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(written, args.out)
    print(args.out)
    return 0
