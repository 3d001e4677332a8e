"""``kiosk run``: start the touchscreen app (the default when no subcommand is given)."""

from __future__ import annotations

import argparse
import logging

from kiosk.config import Settings


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("run", help="start the kiosk (the default)")
    parser.add_argument(
        "--windowed",
        action="store_true",
        help="a normal window instead of full screen, with the keys unlocked (development)",
    )
    return parser


def run(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.ui.kivy_setup import configure_window, prepare_environment

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    prepare_environment()
    display = settings.display
    configure_window(
        fullscreen=display.fullscreen and not args.windowed,
        size=(display.window_size[0], display.window_size[1]),
        kiosk_mode=display.kiosk_mode and not args.windowed,
        show_cursor=display.show_cursor or args.windowed,
    )
    from kiosk.ui.app import KioskApp

    app = KioskApp(settings, kiosk_mode=display.kiosk_mode and not args.windowed)
    app.run()
    # Non-zero only after an admin's maintenance exit (the systemd unit does not restart then).
    return app.exit_status
