"""The ``kiosk`` program: parse the command line, load settings, run one subcommand.

This is the process's error boundary for the command line: a :class:`KioskError` becomes one
plain line on stderr and exit code 2; nothing else is caught here (the running app has its own
boundary, the "out of order" screen).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

from kiosk.core.errors import KioskError

COMMANDS = [
    "kiosk.commands.run",
    "kiosk.commands.screenshot",
    "kiosk.commands.check",
    "kiosk.commands.speak",
    "kiosk.commands.enroll",
    "kiosk.commands.card",
    "kiosk.commands.assist",
]


def build_parser(modules: list) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Digituki kiosk: practise e-services safely, hear them read aloud, "
        "call a human helper. Without a subcommand it runs the kiosk.",
    )
    parser.add_argument(
        "--config",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a site's settings file laid over kiosk_config/kiosk.toml (may be repeated)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in modules:
        module.add_parser(sub).set_defaults(handler=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kiosk`` console script. Returns the process exit code."""
    # Kivy must never read our command line (it has its own options, a way out of kiosk mode).
    os.environ["KIVY_NO_ARGS"] = "1"
    # Kivy's default log mode takes over stderr; ours stays ours (one-line errors), and Kivy
    # logs through Python's logging like everything else.
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    modules = [importlib.import_module(name) for name in COMMANDS]
    args = build_parser(modules).parse_args(argv)
    if args.command is None:
        args = build_parser(modules).parse_args([*(argv or sys.argv[1:]), "run"])
    from kiosk.config import load_settings

    try:
        settings = load_settings(args.config)
        return int(args.handler(args, settings))
    except KioskError as exc:
        print(f"kiosk: {exc.user_message}", file=sys.stderr)
        return 2
