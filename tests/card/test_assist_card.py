"""A staff card switches the kiosk into assisted mode, through everything real: the virtual card
in the vsmartcard reader, pcscd, the kiosk's card service (GET DATA for the UID), the app on the
offscreen window, and the hub over HTTP checking the card's UID and the PIN."""

from __future__ import annotations

import time

import pytest

from kiosk.config import load_settings
from kiosk.services.card.service import create_card_reader
from tests.e2e.conftest import live_hub, site  # noqa: F401  (fixtures)
from tests.e2e.support import enrol_kiosk
from tests.ui.conftest import clock, make_app, window  # noqa: F401  (fixtures)
from tests.ui.harness import find, frames, tap

from .conftest import SITE_TABLE
from .vicc import GET_UID, VirtualCard

pytestmark = [pytest.mark.card, pytest.mark.e2e, pytest.mark.widget]
STAFF_CARD = "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A"
STAFF_UID = "04A1B2C3D4E5F6"
PIN = "4711"


def pump(predicate, timeout=8.0):
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not true within {timeout}s")
        frames(1)
        time.sleep(0.005)


def test_staff_card_and_pin_switch_the_kiosk_in(running_pcscd, site, make_app, tmp_path):  # noqa: F811
    hub = site.hub
    hub.driver.staff("berit", "staff", [site.site_id])
    hub.driver.admin("POST", "/staff/berit/pin", json={"pin": PIN})
    hub.driver.admin("POST", "/staff/berit/card", json={"card_uid": STAFF_UID})
    data = tmp_path / "kiosk"
    enrol_kiosk(hub, site.site_id, data)
    settings = load_settings(
        extra={
            "paths": {"data_dir": str(data)},
            "hub": {"url": hub.url, "retry_first_seconds": 0.1, "retry_max_seconds": 0.4},
            "card": {"atr_table": str(SITE_TABLE), "reconnect_max_seconds": 1.0},
        }
    )
    app = make_app(settings, card_reader=create_card_reader(settings))
    app.card.start()  # (the app's on_start does this after the first frame)
    pump(lambda: app.card.available, timeout=10)
    card = VirtualCard(STAFF_CARD, uid=bytes.fromhex(STAFF_UID))
    card.insert()
    try:
        pump(lambda: app.nav.current == "assist_login")
        assert app.assist.method == "card"
        for digit in PIN:
            tap(find(app.root, f"pad_{digit}"))
        tap(find(app.root, "pad_ok"))
        pump(lambda: app.nav.current == "assisted")
        assert find(app.root, "assist_banner").text == "Avustettu tila — Berit (henkilökunta)"
        assert card.received() == [GET_UID]  # the UID, and nothing else, was read
    finally:
        card.remove()
    [unlocked] = hub.driver.admin("GET", "/audit", params={"action": "assist_unlock"})
    assert unlocked["detail"]["method"] == "card" and unlocked["staff_name"] == "berit"
