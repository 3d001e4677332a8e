"""``kiosk card watch`` against the real pcscd: it prints what an installer needs, never a UID."""

from __future__ import annotations

import argparse
import threading
import time

import pytest

from kiosk.commands import card as card_command
from kiosk.services.card.events import CardInserted

from .conftest import card_settings
from .vicc import VirtualCard


def test_describe_hides_the_uid():
    line = card_command.describe(CardInserted("R", "3B00", "staff_card", "04A1B2"))
    assert "04A1B2" not in line
    assert "kind=staff_card" in line and "uid=(read)" in line


def test_parser_accepts_watch_only():
    sub = argparse.ArgumentParser().add_subparsers()
    parser = card_command.add_parser(sub)
    assert parser.parse_args(["watch", "--seconds", "2"]).seconds == 2.0
    with pytest.raises(SystemExit):
        parser.parse_args(["read"])


@pytest.mark.card
def test_watch_prints_readers_and_a_staff_card_without_its_uid(running_pcscd, capsys):
    card = VirtualCard(
        "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A", uid=b"\x04\xa1\xb2\xc3"
    )
    threading.Timer(0.4, card.insert).start()
    args = argparse.Namespace(action="watch", seconds=1.6)
    try:
        code = card_command.run(args, card_settings())
    finally:
        time.sleep(0.1)
        card.remove()
    out = capsys.readouterr().out
    assert code == 0
    assert "ReaderAdded reader=Virtual PCD 00 00" in out
    assert "CardInserted reader=Virtual PCD 00 00" in out and "kind=staff_card" in out
    assert "04A1B2C3" not in out.upper()
    assert "status: running: 2 reader(s)" in out
