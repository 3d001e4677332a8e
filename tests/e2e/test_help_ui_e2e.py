"""The visitor's side end to end: the real kiosk app on the offscreen window, its real link, a
real hub over HTTP, and a helper acting through the staff API."""

from __future__ import annotations

import time

import pytest

from tests.e2e.support import enrol_kiosk, kiosk_settings
from tests.ui.harness import find, frames, tap

pytestmark = [pytest.mark.e2e, pytest.mark.widget]


def pump(predicate, timeout=5.0):
    """Run the app's frames (the link's results arrive through the Clock) until true."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not true within {timeout}s")
        frames(1)
        time.sleep(0.005)
    return time.monotonic() - start


@pytest.fixture
def kiosk_app(site, make_app, tmp_path):
    data = tmp_path / "kiosk"
    enrol_kiosk(site.hub, site.site_id, data)
    app = make_app(kiosk_settings(data, site.hub.url))
    assert app.link is not None and app.help.connected
    tap(find(app.root, "welcome_title"))
    return app


def test_button_claim_and_the_helpers_name_on_screen(site, kiosk_app):
    app = kiosk_app
    tap(find(app.root, "call_helper"))
    tap(find(app.root, "help_call"))
    pump(lambda: app.help.phase == "waiting")
    assert find(app.root, "help_position").text == "Paikkasi jonossa: 1."
    [item] = site.hub.queue(site.helper_token)
    assert item["language"] == "fi" and item["place"] == "by the window"
    site.hub.claim(site.helper_token, item["id"])
    took = pump(lambda: app.nav.current == "help_coming")
    assert find(app.root, "help_coming_heading").text == "Anna tulee auttamaan sinua."
    assert took < 1.0, f"the name showed {took:.2f} s after the claim"


def test_hub_down_calm_message_then_the_call_arrives_once(site, kiosk_app):
    app = kiosk_app
    site.hub.stop()
    tap(find(app.root, "call_helper"))
    tap(find(app.root, "help_call"))
    pump(lambda: app.nav.current == "help_unreachable")
    assert find(app.root, "help_unreachable_heading").text == "Mene palvelupisteeseen."
    site.hub.start()
    pump(lambda: app.nav.current == "help_queue" and app.help.phase == "waiting", timeout=10)
    assert len(site.hub.queue(site.helper_token)) == 1


def test_ending_the_session_cancels_the_call_on_the_hub(site, kiosk_app):
    app = kiosk_app
    tap(find(app.root, "call_helper"))
    tap(find(app.root, "help_call"))
    pump(lambda: app.help.phase == "waiting")
    tap(find(app.root, "end_session"))
    tap(find(app.root, "end_confirm"))
    pump(lambda: site.hub.queue(site.helper_token) == [])
    [done] = site.hub.history(site.helper_token)
    assert done["state"] == "cancelled"
