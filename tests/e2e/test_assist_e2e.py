"""Assisted mode end to end: the real kiosk app on the offscreen window, its real gateway and
link, a real hub over HTTP. Unlock by staff number + PIN and by the dashboard's one-time code,
actions in the hub's audit log, the lock, and the emergency code used while the hub is down,
audited exactly once when it is back."""

from __future__ import annotations

import time

import pytest
from argon2 import PasswordHasher

from kiosk.config import load_settings
from kiosk.services.hublink.credentials import load_enrolment
from tests.e2e.support import enrol_kiosk, wait_until
from tests.ui.harness import find, frames, tap
from tests.ui.test_assist import hold_corner

pytestmark = [pytest.mark.e2e, pytest.mark.widget]
PIN = "4711"
EMERGENCY = "31415926"


def pump(predicate, timeout=8.0):
    """Run the app's frames (hub answers arrive through the Clock) until true."""
    start = time.monotonic()
    while not predicate():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"not true within {timeout}s")
        frames(1)
        time.sleep(0.005)


@pytest.fixture
def berit(site):
    """A staff member of the site with a kiosk PIN: (staff number, staff token)."""
    hub = site.hub
    token = hub.driver.staff("berit", "staff", [site.site_id])
    hub.driver.admin("POST", "/staff/berit/pin", json={"pin": PIN})
    number = next(s["id"] for s in hub.driver.admin("GET", "/staff") if s["name"] == "berit")
    return number, token


@pytest.fixture
def kiosk(site, make_app, tmp_path):
    data = tmp_path / "kiosk"
    enrol_kiosk(site.hub, site.site_id, data)
    code_hash = PasswordHasher().hash(EMERGENCY)
    fast = {"retry_first_seconds": 0.1, "retry_max_seconds": 0.4, "long_poll_seconds": 2}
    settings = load_settings(
        extra={
            "paths": {"data_dir": str(data)},
            "hub": {"url": site.hub.url, **fast},
            "assist": {"emergency_code_hash": code_hash},
        }
    )
    app = make_app(settings)
    assert app.link is not None and app.assist.emergency_possible
    app.kiosk_id = load_enrolment(data).kiosk_id
    tap(find(app.root, "welcome_title"))
    return app


def audit(site, **params):
    return site.hub.driver.admin("GET", "/audit", params=params)


def type_in(app, digits):
    for digit in digits:
        tap(find(app.root, f"pad_{digit}"))
    tap(find(app.root, "pad_ok"))


def test_number_and_pin_then_consent_is_in_the_audit_log(site, berit, kiosk, clock):
    app, (number, _token) = kiosk, berit
    hold_corner(app, clock, 3).touch_up()
    type_in(app, str(number))
    type_in(app, PIN)
    pump(lambda: app.nav.current == "assisted")
    assert find(app.root, "assist_banner").text == "Avustettu tila — Berit (henkilökunta)"
    [unlocked] = audit(site, action="assist_unlock")
    assert unlocked["staff_name"] == "berit" and unlocked["detail"]["method"] == "number"
    tap(find(app.root, "assisted_area_0"))
    tap(find(app.root, "consent_agree"))
    wait_until(lambda: audit(site, action="on_behalf_start") != [], timeout=8)
    [started] = audit(site, action="on_behalf_start")
    assert started["staff_name"] == "berit" and started["detail"]["service_area"] == "Kela"
    tap(find(app.root, "assisted_end"))
    wait_until(lambda: len(audit(site, action="assist_end")) == 1, timeout=8)
    assert len(audit(site, action="on_behalf_end")) == 1


def test_one_time_code_from_the_dashboard(site, kiosk, clock):
    app = kiosk
    r = site.hub._http.post(
        f"/api/v1/staff/kiosks/{app.kiosk_id}/unlock-code",
        headers=site.hub.driver.auth(site.helper_token),
    )
    assert r.status_code == 201, r.text
    hold_corner(app, clock, 3).touch_up()
    tap(find(app.root, "assist_use_code"))
    type_in(app, r.json()["code"])
    pump(lambda: app.nav.current == "assisted")
    assert find(app.root, "assist_banner").text == "Avustettu tila — Anna (vapaaehtoinen)"
    assert not app.assist.may_act_on_behalf  # Anna is a volunteer


def test_wrong_pins_lock_the_staff_login(site, berit, kiosk, clock):
    app, (number, _token) = kiosk, berit
    hold_corner(app, clock, 3).touch_up()
    type_in(app, str(number))
    for _ in range(5):
        type_in(app, "0000")
        pump(lambda: not app.assist.busy)
    type_in(app, PIN)
    pump(lambda: not app.assist.busy)
    assert app.nav.current == "assist_login"
    assert find(app.root, "assist_login_message").text.startswith(
        "Henkilökunnan kirjautuminen on lukittu"
    )


def test_emergency_code_while_the_hub_is_down_is_audited_once_when_it_returns(
    site, berit, kiosk, clock
):
    app, (number, _token) = kiosk, berit
    site.hub.stop()
    hold_corner(app, clock, 3).touch_up()
    type_in(app, str(number))
    type_in(app, PIN)
    pump(lambda: app.assist.method == "emergency", timeout=15)
    type_in(app, EMERGENCY)
    pump(lambda: app.nav.current == "assisted")
    assert find(app.root, "assist_banner").text == "Avustettu tila — toimipisteen hätäkoodi"
    tap(find(app.root, "assisted_end"))
    time.sleep(0.5)  # the link tries and fails meanwhile
    site.hub.start()
    wait_until(lambda: len(audit(site, action="assist_end")) == 1, timeout=15)
    [emergency] = audit(site, action="emergency_unlock")
    assert emergency["staff_id"] is None and emergency["kiosk_id"] == app.kiosk_id
    time.sleep(0.5)
    assert len(audit(site, action="emergency_unlock")) == 1  # exactly once
