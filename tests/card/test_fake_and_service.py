"""The fake reader other parts test with, the factory's fallbacks and the reconnect backoff."""

from __future__ import annotations

import itertools
import subprocess
import sys
import typing

import pytest

from kiosk.core.errors import ConfigError
from kiosk.services.card import FakeCardReader
from kiosk.services.card.check import check_card
from kiosk.services.card.events import (
    CARD_KINDS,
    CardInserted,
    CardReader,
    CardRemoved,
    ReaderAdded,
    ReaderRemoved,
    ServiceDown,
    ServiceUp,
    event_name,
)
from kiosk.services.card.monitor import backoff_delays
from kiosk.services.card.service import UnavailableCardReader, create_card_reader, fan_out

from .conftest import card_settings


def test_fake_reader_plays_a_session():
    fake = FakeCardReader()
    seen = []
    fake.start(seen.append)
    inserted = fake.insert(kind="staff_card", uid="0102")
    assert fake.status() == "running: 1 reader, card in"
    fake.remove()
    fake.go_down()
    assert not fake.is_available()
    fake.come_up()
    assert [type(e) for e in seen] == [
        ServiceUp, ReaderAdded, CardInserted, CardRemoved, ReaderRemoved, ServiceDown,
        ServiceUp, ReaderAdded,
    ]  # fmt: skip
    assert inserted.kind == "staff_card" and inserted.uid == "0102" and inserted.atr_hex
    with pytest.raises(ValueError, match="only staff cards"):
        fake.insert(kind="id_card", uid="0102")


def test_fake_reader_going_down_with_a_card_takes_it_out_first():
    fake = FakeCardReader()
    fake.start(lambda e: None)
    fake.insert(kind="id_card")
    fake.go_down("unplugged")
    assert fake.events[-3:] == [
        CardRemoved(fake.reader),
        ReaderRemoved(fake.reader),
        ServiceDown("unplugged"),
    ]


def test_turned_off_in_settings_is_unavailable_and_says_why():
    reader = create_card_reader(card_settings(enabled=False))
    seen = []
    reader.start(seen.append)
    assert isinstance(reader, UnavailableCardReader)
    assert not reader.is_available()
    assert "[card] enabled = false" in reader.status()
    assert seen == [ServiceDown("turned off in settings ([card] enabled = false)")]
    (line,) = check_card(card_settings(enabled=False))
    assert line.ok and not line.required


def test_a_bad_site_table_stops_start_up_and_shows_in_check(tmp_path):
    bad = tmp_path / "site.toml"
    bad.write_text('[[pattern]]\nkind = "staff"\nlabel = "x"\nsource = "s"\natr = "3B"\n')
    with pytest.raises(ConfigError, match=r"site.toml:2: pattern\[1\].kind"):
        create_card_reader(card_settings(atr_table=str(bad)))
    line = check_card(card_settings(atr_table=str(bad)))[0]
    assert line.name == "card ATR table" and not line.ok and "pattern[1].kind" in line.message


def test_fan_out_keeps_going_when_a_handler_fails(caplog):
    seen = []

    def broken(event):
        raise RuntimeError("ui bug")

    fan_out([broken, seen.append])(ServiceUp())
    assert seen == [ServiceUp()]
    assert "ui bug" in caplog.text


def test_backoff_doubles_up_to_the_cap():
    assert list(itertools.islice(backoff_delays(0.25, 3), 7)) == [0.25, 0.5, 1, 2, 3, 3, 3]


def test_event_names_match_the_hook_settings():
    names = {event_name(e) for e in (CardInserted("r", "", "unknown"), CardRemoved("r"))}
    names |= {event_name(ReaderAdded("r")), event_name(ReaderRemoved("r"))}
    from kiosk.config import CardEventName, CardKindName

    assert names == set(typing.get_args(CardEventName))
    assert set(CARD_KINDS) == set(typing.get_args(CardKindName))


def test_every_reader_implements_the_port():
    from kiosk.services.card.classify import AtrTable
    from kiosk.services.card.monitor import PcscCardReader

    readers = [
        FakeCardReader(),
        UnavailableCardReader("x"),
        create_card_reader(card_settings()),
        PcscCardReader(AtrTable((), ())),
    ]
    assert all(isinstance(r, CardReader) for r in readers)
    assert not isinstance(object(), CardReader)


def test_without_pyscard_the_kiosk_gets_an_unavailable_reader_and_a_fix():
    """A machine without pyscard/libpcsclite: nothing breaks, the check says what to install."""
    code = (
        "import sys; sys.modules['smartcard'] = None\n"
        "import kiosk.services.card as card\n"
        "assert 'smartcard.scard' not in sys.modules\n"
        "from kiosk.config import load_settings\n"
        "from kiosk.services.card.service import create_card_reader\n"
        "from kiosk.services.card.check import check_card\n"
        "s = load_settings()\n"
        "r = create_card_reader(s); seen = []; r.start(seen.append)\n"
        "print(type(r).__name__, r.is_available(), type(seen[0]).__name__)\n"
        "print(check_card(s)[-1].line())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    first, second = out.stdout.splitlines()
    assert first == "UnavailableCardReader False ServiceDown"
    assert second.startswith("WARN card reader: pyscard cannot load")
    assert "apt-get install pcscd libpcsclite1" in second
