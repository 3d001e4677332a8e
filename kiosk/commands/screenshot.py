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


def _demo_problem(settings: Settings, demo_id: str, step: int) -> str | None:
    """Why ``--demo ID --step N`` cannot be shown, or None when it can."""
    from kiosk.config import PROJECT_ROOT
    from kiosk.packs.loader import load_packs

    folders = [PROJECT_ROOT / "assets" / "packs"] if settings.content.bundled_packs else []
    result = load_packs(folders + [Path(p) for p in settings.content.pack_dirs])
    demo = result.find_demo(demo_id)
    if demo is None:
        known = ", ".join(sorted(d.id for d in result.demos))
        return f"unknown demo {demo_id!r}; known demos: {known}"
    if not 1 <= step <= len(demo.steps):
        return f"demo {demo_id!r} has steps 1-{len(demo.steps)}, not {step}"
    return None


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("screenshot", help="render one screen to a PNG file and exit")
    parser.add_argument("out", type=Path, metavar="OUT.png")
    parser.add_argument("--screen", default="home", help=f"one of: {', '.join(SCREEN_NAMES)}")
    parser.add_argument("--lang", default=None, help="fi, sv or en (default: the site's default)")
    parser.add_argument("--text-size", type=int, choices=[100, 150, 200], default=None)
    parser.add_argument("--contrast", choices=["normal", "high"], default=None)
    parser.add_argument("--size", type=_size, default=None, metavar="WxH")
    parser.add_argument(
        "--demo", default=None, metavar="ID", help="a demo's id (with --screen demo)"
    )
    parser.add_argument("--step", type=int, default=1, metavar="N", help="the demo's step, from 1")
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.demo and args.screen == "home":
        args.screen = "demo"  # --demo alone means: show that demo's step
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
    if args.demo is not None and (problem := _demo_problem(settings, args.demo, args.step)):
        print(f"kiosk: {problem}", file=sys.stderr)
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
        demo=args.demo,
        step=args.step,
        lang=args.lang,
        text_size=args.text_size,
        high_contrast=None if args.contrast is None else args.contrast == "high",
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(written, args.out)
    print(args.out)
    return 0
