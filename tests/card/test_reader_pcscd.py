"""The card service against the real pcscd with the vsmartcard virtual reader and our card."""

from __future__ import annotations

import threading
import time

import pytest

from kiosk.services.card.check import check_card
from kiosk.services.card.events import (
    CardInserted,
    CardRemoved,
    ReaderAdded,
    ReaderRemoved,
    ServiceDown,
    ServiceUp,
)
from kiosk.services.card.service import create_card_reader

from .conftest import card_settings
from .vicc import GET_UID, VirtualCard

pytestmark = pytest.mark.card

ID_CARD_V5 = "3B 7F 96 00 00 80 31 B8 65 B0 85 04 02 1B 12 00 F6 82 90 00"
ID_CARD_V3 = "3B 7B 94 00 00 80 62 12 51 56 46 69 6E 45 49 44"
BANK_CARD = "3B 6F 00 00 00 31 C1 73 C8 21 10 64 47 4D 34 35 00 90 00"
BANK_BY_MASK = "3B 6E 00 00 00 31 C0 65 12 34 56 78 9A BC DE F0 11 22"
STAFF_CARD = "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A"
UNKNOWN_CARD = "3B 02 14 50"
STAFF_UID = bytes.fromhex("04A1B2C3D4E5F6")


@pytest.fixture
def service(running_pcscd, recorder):
    """The kiosk's card reader, built from settings as the app builds it, already started."""
    reader = create_card_reader(card_settings())
    reader.start(recorder)
    recorder.wait_for(lambda e: isinstance(e, ReaderAdded) and e.reader.endswith("00 01"))
    yield reader
    reader.stop()


def _insert(recorder, card: VirtualCard) -> CardInserted:
    start = recorder.mark()
    card.insert()
    return recorder.wait_for(CardInserted, start=start)[1]


def _remove(recorder, card: VirtualCard) -> CardRemoved:
    start = recorder.mark()
    card.remove()
    return recorder.wait_for(CardRemoved, start=start)[1]


def test_readers_found_then_card_inserted_and_removed_on_the_worker_thread(service, recorder):
    assert recorder.kinds()[:3] == [ServiceUp, ReaderAdded, ReaderAdded]
    assert service.is_available()
    card = VirtualCard(ID_CARD_V5)
    inserted = _insert(recorder, card)
    assert inserted == CardInserted("Virtual PCD 00 00", ID_CARD_V5.replace(" ", ""), "id_card")
    assert "1 card(s) in" in service.status()
    assert _remove(recorder, card) == CardRemoved("Virtual PCD 00 00")
    assert recorder.threads == {"card-reader"}, "events must arrive on the worker thread"


@pytest.mark.parametrize(
    ("atr", "kind"),
    [
        (ID_CARD_V5, "id_card"),
        (ID_CARD_V3, "id_card"),
        (BANK_CARD, "bank_card"),
        (BANK_BY_MASK, "bank_card"),
        (UNKNOWN_CARD, "unknown"),
    ],
)
def test_cards_are_classified_by_atr_and_nothing_is_sent_to_them(service, recorder, atr, kind):
    card = VirtualCard(atr, uid=STAFF_UID, slot=1)
    inserted = _insert(recorder, card)
    _remove(recorder, card)
    assert (inserted.reader, inserted.kind, inserted.uid) == ("Virtual PCD 00 01", kind, None)
    assert card.received() == [], "no command may ever reach a non-staff card"


def test_staff_card_gives_its_uid_and_receives_only_get_data(service, recorder):
    card = VirtualCard(STAFF_CARD, uid=STAFF_UID)
    inserted = _insert(recorder, card)
    _remove(recorder, card)
    assert inserted.kind == "staff_card"
    assert inserted.uid == "04A1B2C3D4E5F6"
    assert card.received() == [GET_UID]


def test_a_card_already_in_the_reader_at_start_is_reported(running_pcscd, recorder):
    card = VirtualCard(BANK_CARD)
    card.insert()
    time.sleep(0.6)  # let pcscd notice it before the service starts (pcscd polls vpcd)
    reader = create_card_reader(card_settings())
    try:
        reader.start(recorder)
        assert recorder.wait_for(CardInserted)[1].kind == "bank_card"
    finally:
        card.remove()
        reader.stop()


def test_no_matching_reader_means_unavailable_and_no_card_events(running_pcscd, recorder):
    reader = create_card_reader(card_settings(readers=["No Such Reader"]))
    reader.start(recorder)
    card = VirtualCard(ID_CARD_V5)
    try:
        recorder.wait_for(ServiceUp)
        card.insert()
        time.sleep(1.0)  # longer than pcscd's insert latency: nothing may arrive
        assert recorder.kinds() == [ServiceUp]
        assert not reader.is_available()
        assert "no reader" in reader.status()
    finally:
        card.remove()
        reader.stop()
    lines = check_card(card_settings(readers=["No Such Reader"]))
    reader_line = next(r for r in lines if r.name == "card reader")
    assert not reader_line.ok and not reader_line.required
    assert "No Such Reader" in reader_line.message and "Virtual PCD 00 00" in reader_line.message


def test_check_reports_readers_and_warns_about_the_virtual_reader(running_pcscd):
    lines = {r.name: r for r in check_card(card_settings())}
    assert lines["card reader"].ok and "Virtual PCD 00 00" in lines["card reader"].message
    assert lines["card ATR table"].ok
    assert not lines["card test reader"].ok
    assert "vsmartcard-vpcd" in lines["card test reader"].message
    assert all(not r.required for r in lines.values())


def test_reader_that_disappears_is_reported_with_its_card(service, recorder, monkeypatch):
    # vpcd readers cannot be unplugged; hide one from the reader list the service reads instead.
    from smartcard import scard

    card = VirtualCard(ID_CARD_V5)
    _insert(recorder, card)
    real = scard.SCardListReaders

    def without_first(context, groups):
        hresult, readers = real(context, groups)
        return hresult, [r for r in readers if not r.endswith("00 00")]

    start = recorder.mark()
    monkeypatch.setattr(scard, "SCardListReaders", without_first)
    card.remove()  # any change wakes the worker, which then lists readers again
    recorder.wait_for(ReaderRemoved, start=start)
    card_events = [
        e for _, e in recorder.events[start:] if isinstance(e, CardRemoved | ReaderRemoved)
    ]
    assert card_events[:2] == [CardRemoved("Virtual PCD 00 00"), ReaderRemoved("Virtual PCD 00 00")]
    assert service.is_available(), "the other reader is still there"


def test_survives_pcscd_restart_and_no_pcscd_at_all(running_pcscd, service, recorder):
    card = VirtualCard(ID_CARD_V5)
    _insert(recorder, card)
    start = recorder.mark()
    running_pcscd.stop()
    recorder.wait_for(ServiceDown, start=start)
    after_down = [e for _, e in recorder.events[start:]]
    assert after_down[0] == CardRemoved("Virtual PCD 00 00"), "a card cannot outlive the service"
    assert {ReaderRemoved("Virtual PCD 00 00"), ReaderRemoved("Virtual PCD 00 01")} <= set(
        after_down
    )
    assert not service.is_available()
    # A kiosk starting while pcscd is down reports it and stays usable.
    other = create_card_reader(card_settings())
    other_events: list = []
    other.start(other_events.append)
    time.sleep(1.2)  # several reconnect attempts (0.25 s, 0.5 s, then 1 s apart)
    assert not other.is_available() and other.status().startswith("unavailable")
    assert [type(e) for e in other_events] == [ServiceDown], "down is said once, not per retry"
    assert "retrying in 1.0 s" in other.status(), "backoff doubles up to the 1 s cap"
    other.stop()
    lines = check_card(card_settings())
    assert any(r.name == "card reader" and "pcscd is not running" in r.message for r in lines)
    # pcscd comes back: the service reconnects by itself (backoff capped at 1 s here).
    card.remove()
    start = recorder.mark()
    running_pcscd.start()
    recorder.wait_for(ServiceUp, start=start, timeout=5)
    recorder.wait_for(ReaderAdded, start=start)
    inserted = _insert(recorder, VirtualCard(STAFF_CARD, uid=STAFF_UID))
    assert inserted.uid == "04A1B2C3D4E5F6"


def test_pcscd_without_readers_then_readers_appear(running_pcscd, recorder):
    running_pcscd.restart(virtual_readers=False)
    reader = create_card_reader(card_settings())
    reader.start(recorder)
    try:
        recorder.wait_for(ServiceUp)
        time.sleep(0.3)
        assert recorder.kinds() == [ServiceUp]
        assert not reader.is_available()
        lines = check_card(card_settings())
        assert any("sees no reader" in r.message for r in lines)
        start = recorder.mark()
        running_pcscd.restart(virtual_readers=True)
        recorder.wait_for(
            lambda e: isinstance(e, ReaderAdded) and e.reader.endswith("01"), start=start
        )
        assert reader.is_available()
    finally:
        reader.stop()


def test_stop_returns_promptly_and_delivers_nothing_after(running_pcscd, recorder):
    reader = create_card_reader(card_settings())
    reader.start(recorder)
    recorder.wait_for(ReaderAdded)
    began = time.monotonic()
    reader.stop()
    assert time.monotonic() - began < 1.0, "stop must cancel the blocking wait"
    count = recorder.mark()
    card = VirtualCard(ID_CARD_V5)
    card.insert()
    time.sleep(0.6)
    card.remove()
    assert recorder.mark() == count
    assert reader.status() == "stopped"
    assert not any(t.name == "card-reader" for t in threading.enumerate())
