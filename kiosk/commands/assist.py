"""``kiosk assist hash-code``: make the argon2id hash of a site emergency code for the settings.

The code is read without echo (twice, to catch a typo; or once from a pipe) and never printed;
the hash goes to stdout, ready for ``[assist] emergency_code_hash`` in the site's settings file.
Only digits (6-16): staff type the code on the kiosk's digit keypad.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys
from typing import Any

from kiosk.core.errors import KioskError

CODE = re.compile(r"^[0-9]{6,16}$")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "assist",
        help="assisted mode tools: hash-code makes the hash of the site emergency code",
        description="Print the argon2id hash of a site emergency code (read without echo) for "
        "[assist] emergency_code_hash. The code itself is never printed or stored.",
    )
    parser.add_argument("action", choices=["hash-code"], help="what to do (only: hash-code)")
    return parser


def read_code(
    prompt: Any = getpass.getpass, interactive: bool | None = None, stdin: Any = None
) -> str:
    """The code, typed twice without echo at a terminal, or one line from a pipe."""
    stdin = stdin or sys.stdin
    if interactive is None:
        interactive = stdin.isatty()
    if not interactive:
        code = stdin.readline().strip()
    else:
        code = prompt("Emergency code (digits, not shown): ").strip()
        if prompt("The same code again: ").strip() != code:
            raise KioskError("the two codes differ; nothing was made")
    if not CODE.match(code):
        raise KioskError(
            "the emergency code must be 6 to 16 digits (the kiosk's keypad has digits)"
        )
    return code


def run(args: argparse.Namespace, settings: Any, code: str | None = None) -> int:
    from argon2 import PasswordHasher

    code = code if code is not None else read_code()
    print(PasswordHasher().hash(code))
    print(
        'Put it in the site settings file as: [assist] emergency_code_hash = "..."',
        file=sys.stderr,
    )
    return 0
