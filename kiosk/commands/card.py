"""``kiosk card watch [--seconds N]``: print the kiosk's card events, for installers.

Uses the same card service, ATR table and reader filter as the running kiosk (but runs no site
hooks), so an installer can insert a card and see the reader, the card's kind and its ATR. The
UID of a staff card is never printed. Exits 1 when pcscd cannot be reached or no reader is found
by the end, with the reason.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import threading
import time
from typing import Any


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "card",
        help="watch the smart-card reader: print readers and cards as they come and go",
        description="Print card reader events as the kiosk sees them (kind and ATR; never a "
        "UID). Stop with Ctrl+C, or give --seconds.",
    )
    parser.add_argument("action", choices=["watch"], help="what to do (only: watch)")
    parser.add_argument("--seconds", type=float, metavar="N", help="stop after N seconds")
    return parser


def describe(event: Any) -> str:
    """One line for an event; a staff card's UID is shown only as whether it was read."""
    name = type(event).__name__
    fields = dataclasses.asdict(event)
    if fields.get("uid") is not None:
        fields["uid"] = "(read)"
    shown = " ".join(f"{k}={v}" for k, v in fields.items() if v is not None)
    return f"{time.strftime('%H:%M:%S')} {name} {shown}".rstrip()


def run(args: argparse.Namespace, settings: Any) -> int:
    """Watch until Ctrl+C or ``--seconds``; 0 when a reader was available at the end."""
    from kiosk.services.card.monitor import PcscCardReader
    from kiosk.services.card.service import load_table

    card = settings.card
    reader = PcscCardReader(
        load_table(card), readers=card.readers, backoff_max=card.reconnect_max_seconds
    )
    lock = threading.Lock()

    def show(event: Any) -> None:
        with lock:
            print(describe(event), flush=True)

    reader.start(show)
    try:
        deadline = None if args.seconds is None else time.monotonic() + args.seconds
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.1)
    except KeyboardInterrupt:
        pass
    available, status = reader.is_available(), reader.status()
    reader.stop()
    print(f"status: {status}", file=sys.stdout if available else sys.stderr)
    return 0 if available else 1
