"""Assisted mode on the real offscreen window: the three ways in, the banner, the lock, consent,
the ways out, and the emergency code, with the hub replaced by the in-memory fake.

The same against a real hub over HTTP is in tests/e2e/test_assist_e2e.py.
"""

from __future__ import annotations

import pytest
from kivy.clock import Clock
from kivy.tests.common import UnitTestTouch

from kiosk.config import load_settings
from kiosk.services.hublink.fake import FakeAssistGateway, FakeHub
from kiosk.services.hublink.status import HelpStatus
from kiosk.ui.assisting import MAINTENANCE_EXIT_STATUS
from tests.ui.harness import find, frames, labels, shown, tap, walk

pytestmark = pytest.mark.widget
KELA = "https://www.kela.fi/asiointi"


@pytest.fixture
def hub():
    hub = FakeHub()
    hub.add_staff(12, "2468", "Anna", "staff", card_uid="04A1B2C3")
    hub.add_staff(13, "1357", "Ville", "volunteer")
    hub.add_staff(14, "8080", "Aino", "admin")
    return hub


@pytest.fixture
def gateway(hub):
    return FakeAssistGateway(
        hub,
        emergency_code="20242024",
        on_main=lambda fn: Clock.schedule_once(lambda _dt: fn()),
    )


class Browser:
    """Stands in for the browser process."""

    def __init__(self, argv):
        self.argv = argv
        self.terminated = False

    def terminate(self):
        self.terminated = True


@pytest.fixture
def kiosk(make_app, gateway):
    settings = load_settings(extra={"assist": {"real_services": [{"name": "Kela", "url": KELA}]}})
    app = make_app(settings, assist_gateway=gateway)
    app.card.start()
    app.catalogue.load_now()
    app.browsers = []
    app.assist.launch = lambda argv: app.browsers.append(Browser(argv)) or app.browsers[-1]
    return app


def start(app):
    tap(find(app.root, "welcome_title"))


def keys(app, digits):
    for digit in digits:
        tap(find(app.root, f"pad_{digit}"))


def ok(app):
    tap(find(app.root, "pad_ok"))
    frames(2)  # the gateway's answer comes back through the Clock


def hold_corner(app, clock, seconds):
    """A finger in the top-left corner for ``seconds`` (the injected clock); still down."""
    touch = UnitTestTouch(6, app.root.height - 6)
    touch.touch_down()
    clock.advance(seconds)
    frames(3)
    return touch


def login(app, clock, number="12", pin="2468"):
    hold_corner(app, clock, 3).touch_up()
    keys(app, number)
    ok(app)
    keys(app, pin)
    ok(app)


def banner(app):
    return find(app.root, "assist_banner").text


def test_long_press_in_the_corner_then_staff_number_and_pin(kiosk, clock, hub, gateway):
    app = kiosk
    start(app)
    short = hold_corner(app, clock, 1)
    short.touch_up()
    frames(2)
    assert app.nav.current == "home"  # a short touch is only a touch
    touch = hold_corner(app, clock, 3)
    assert app.nav.current == "assist_login"
    assert not app.nav.bars_visible  # the visitor's bars are not on the staff login
    touch.touch_up()
    frames(2)
    assert app.nav.current == "assist_login"  # lifting the finger did nothing more
    keys(app, "12")
    assert find(app.root, "assist_staff_number").text == "Henkilönumero: 12"
    ok(app)
    keys(app, "2468")
    assert find(app.root, "assist_pin").text == "PIN: • • • •"
    assert not any("2468" in w.text for w in labels(app.root))  # never shown
    ok(app)
    assert app.nav.current == "assisted"
    assert hub.unlocks == ["number"]
    assert banner(app) == "Avustettu tila — Anna (henkilökunta)"
    app.session.set_pref("language", "sv")
    frames(2)
    assert banner(app) == "Assisterat läge — Anna (personal)"
    tap(find(app.root, "assisted_settings"))
    assert banner(app) == "Assisterat läge — Anna (personal)"  # on every screen
    assert gateway.recorded == []  # a normal switch-in is audited by the hub itself


def test_staff_card_then_pin(kiosk, hub):
    app = kiosk
    app.card.reader.insert("staff_card", uid="04A1B2C3")
    frames(2)
    assert app.nav.current == "assist_login" and app.assist.method == "card"
    assert find(app.root, "assist_pin").text == "PIN: "
    keys(app, "2468")
    ok(app)
    assert app.nav.current == "assisted" and app.session.active
    assert hub.unlocks == ["card"]
    assert banner(app) == "Avustettu tila — Anna (henkilökunta)"


def test_a_staff_card_that_could_not_be_read_asks_for_the_number(kiosk):
    app = kiosk
    app.card.reader.insert("staff_card")
    frames(2)
    assert app.assist.method == "number"
    assert find(app.root, "assist_login_message").text.startswith("Korttia ei voitu lukea")


def test_one_time_code_from_the_dashboard(kiosk, clock, hub):
    app = kiosk
    hub.codes["482913"] = 13
    start(app)
    hold_corner(app, clock, 3).touch_up()
    tap(find(app.root, "assist_use_code"))
    keys(app, "482913")
    assert find(app.root, "assist_code").text == "Koodi: 482913"
    ok(app)
    assert app.nav.current == "assisted"
    assert banner(app) == "Avustettu tila — Ville (vapaaehtoinen)"
    assert hub.unlocks == ["code"]


def test_wrong_pins_then_the_lock(kiosk, clock, hub):
    app = kiosk
    start(app)
    login(app, clock, pin="0000")
    for attempt in range(hub.lock_after):
        if attempt:
            keys(app, "0000")
            ok(app)
        message = find(app.root, "assist_login_message").text
        assert message == "Henkilönumero, PIN tai koodi on väärä. Yritä uudelleen."
        assert app.nav.current == "assist_login" and app.assist.pin_length == 0
    keys(app, "2468")  # even the right PIN, now
    ok(app)
    assert app.nav.current == "assist_login"
    assert find(app.root, "assist_login_message").text == (
        "Henkilökunnan kirjautuminen on lukittu 5 minuutiksi."
    )


def test_cancel_returns_to_the_visitor(kiosk, clock):
    app = kiosk
    start(app)
    tap(find(app.root, "home_settings"))
    hold_corner(app, clock, 3).touch_up()
    keys(app, "12")
    tap(find(app.root, "assist_cancel"))
    assert app.nav.current == "settings" and app.assist.staff_number == ""


def test_the_login_closes_by_itself(kiosk, clock):
    app = kiosk
    start(app)
    hold_corner(app, clock, 3).touch_up()
    clock.advance(app.settings.assist.login_timeout_seconds)
    app.assist.tick()
    frames(1)
    assert app.nav.current == "home" and app.assist.phase == "visitor"


def test_on_behalf_refused_for_a_volunteer(kiosk, clock, gateway):
    app = kiosk
    start(app)
    login(app, clock, "13", "1357")
    assert app.nav.current == "assisted"
    assert find(app.root, "assisted_staff_only").text.startswith("Vain henkilökunta")
    hits = [w for w in walk(app.root) if getattr(w, "test_name", "") == "assisted_area_0"]
    assert hits and not any(shown(w) for w in hits)  # no way to start it
    app.assist.ask_consent("Kela")  # even asked directly
    frames(1)
    assert app.nav.current == "assisted" and app.assist.phase == "assisted"
    assert gateway.actions() == []


def test_consent_shown_and_read_aloud_then_the_banner_says_so(kiosk, clock, gateway):
    app = kiosk
    start(app)
    login(app, clock)
    speech = app.read_aloud.speech
    assert not app.session.read_aloud  # read aloud even so
    tap(find(app.root, "assisted_area_0"))
    assert app.nav.current == "consent"
    text = find(app.root, "consent_text").text
    assert text.startswith("Anna asioi puolestasi palvelussa Kela.")
    assert find(app.root, "consent_heading").text == "Saako Anna tehdä tämän puolestasi?"
    assert speech.spoken[-1].text == text and speech.spoken[-1].lang == "fi"
    tap(find(app.root, "consent_decline"))
    assert app.nav.current == "assisted" and gateway.actions() == []
    tap(find(app.root, "assisted_area_0"))
    tap(find(app.root, "consent_agree"))
    assert app.nav.current == "assisted"
    assert banner(app) == "Puolestasi, luvallasi — Anna (henkilökunta)"
    assert gateway.recorded[-1]["action"] == "on_behalf_start"
    assert gateway.recorded[-1]["service_area"] == "Kela"
    assert gateway.recorded[-1]["assist_id"] == 1
    tap(find(app.root, "assisted_end_on_behalf"))
    assert banner(app) == "Avustettu tila — Anna (henkilökunta)"
    assert gateway.actions() == ["on_behalf_start", "on_behalf_end"]


def test_idle_exit_after_the_configured_time(kiosk, clock, gateway):
    app = kiosk
    start(app)
    login(app, clock)
    idle = app.settings.assist.idle_exit_seconds
    assert idle > app.settings.session.idle_seconds
    clock.advance(idle - 1)
    app.session.tick()
    app.assist.tick()
    frames(1)
    assert app.assist.active and app.nav.current == "assisted"  # the visitor's idle held
    clock.advance(1)
    app.assist.tick()
    frames(2)
    assert not app.assist.active and app.nav.current == "home"
    assert [w for w in labels(app.root) if getattr(w, "test_name", "") == "assist_banner"] == []
    assert gateway.recorded[-1]["action"] == "assist_end"
    assert gateway.recorded[-1]["reason"] == "idle"


def test_leaving_keeps_nothing_the_helper_typed(kiosk, clock):
    app = kiosk
    start(app)
    login(app, clock)
    tap(find(app.root, "assisted_step_up"))
    tap(find(app.root, "assisted_step_up"))
    demo = app.catalogue.result.demos[0]
    tap(find(app.root, f"assisted_demo_{demo.id}"))
    assert app.nav.current == "demo" and app.player.step_number == 3
    app.player.typed["name"] = "Matti Meikäläinen"
    app.session.session.typed["name"] = "Matti Meikäläinen"
    app.nav.back()  # the demo's own Stop leads back; the demo is still open here
    assert app.nav.current == "assisted"
    tap(find(app.root, "assisted_end"))
    assert app.nav.current == "home" and not app.player.active
    assert app.player.typed == {} and app.session.session.typed == {}
    assert app.assist.staff_number == "" and app.assist.pin_length == 0


def test_end_session_ends_assisted_mode_too(kiosk, clock, gateway):
    app = kiosk
    start(app)
    login(app, clock)
    tap(find(app.root, "end_session"))
    tap(find(app.root, "end_confirm"))
    assert app.nav.current == "welcome" and not app.assist.active
    assert gateway.recorded[-1] == {
        "action": "assist_end",
        "at": gateway.recorded[-1]["at"],
        "assist_id": 1,
        "reason": "session_end",
    }


def test_hub_unreachable_only_the_emergency_code_works(kiosk, clock, hub, gateway):
    app = kiosk
    hub.up = False
    start(app)
    login(app, clock)
    assert app.nav.current == "assist_login" and app.assist.method == "emergency"
    assert find(app.root, "assist_login_message").text == (
        "Avustajapalveluun ei saada yhteyttä. Nyt toimii vain toimipisteen hätäkoodi."
    )
    keys(app, "11112222")
    ok(app)
    assert find(app.root, "assist_login_message").text == "Hätäkoodi on väärä."
    keys(app, "20242024")
    assert find(app.root, "assist_emergency").text == "Hätäkoodi: • • • • • • • •"
    ok(app)
    assert app.nav.current == "assisted"
    assert banner(app) == "Avustettu tila — toimipisteen hätäkoodi"
    # The wrong code first, then the way in: both audited, neither with a staff member.
    actions = [a["action"] for a in gateway.recorded]
    assert actions == ["emergency_unlock_failed", "emergency_unlock"]
    assert not [a for a in gateway.recorded if "assist_id" in a]
    assert not app.assist.may_act_on_behalf and not app.assist.may_exit


def test_the_emergency_code_locks_after_repeated_wrong_codes(kiosk, clock, hub, gateway):
    app = kiosk
    hub.up = False
    start(app)
    login(app, clock)
    for _ in range(app.settings.assist.emergency_max_attempts):
        keys(app, "11112222")
        ok(app)
    minutes = app.settings.assist.emergency_lock_minutes
    assert find(app.root, "assist_login_message").text == (
        f"Henkilökunnan kirjautuminen on lukittu {minutes} minuutiksi."
    )
    checks = gateway.emergency_checks
    keys(app, "20242024")
    ok(app)
    assert gateway.emergency_checks == checks and app.nav.current == "assist_login"
    # Each wrong code that was checked goes to the audit (through the outbox), never the code.
    failed = [a for a in gateway.recorded if a["action"] == "emergency_unlock_failed"]
    assert len(failed) == app.settings.assist.emergency_max_attempts
    assert all(set(a) == {"action", "at"} for a in failed)


def test_without_an_emergency_code_the_kiosk_says_so(make_app, hub):
    hub.up = False
    app = make_app(assist_gateway=FakeAssistGateway(hub))
    start(app)
    app.assist.open_login("code")
    frames(1)
    keys(app, "123456")
    ok(app)
    assert app.assist.method == "code"
    assert find(app.root, "assist_login_message").text.endswith(
        "eikä tällä laitteella ole hätäkoodia."
    )


def test_real_service_opens_in_the_browser_and_closes_at_the_end(kiosk, clock, gateway):
    app = kiosk
    start(app)
    login(app, clock)
    tap(find(app.root, "assisted_service_0"))
    [browser] = app.browsers
    assert browser.argv == ["chromium", f"--app={KELA}"]
    assert gateway.recorded[-1]["action"] == "real_service_opened"
    assert gateway.recorded[-1]["url"] == KELA
    tap(find(app.root, "assisted_end"))
    assert browser.terminated


def test_maintenance_exit_for_an_admin_only(kiosk, clock, gateway, monkeypatch):
    app = kiosk
    stopped = []
    monkeypatch.setattr(app, "stop", lambda *a: stopped.append(True))
    start(app)
    login(app, clock)  # Anna, staff
    hits = [w for w in walk(app.root) if getattr(w, "test_name", "") == "assisted_maintenance"]
    assert hits and not any(shown(w) for w in hits)
    tap(find(app.root, "assisted_end"))
    login(app, clock, "14", "8080")  # Aino, admin
    tap(find(app.root, "assisted_maintenance"))
    assert stopped == [True] and app.exit_status == MAINTENANCE_EXIT_STATUS
    assert gateway.actions()[-2:] == ["maintenance_exit", "assist_end"]
    assert gateway.recorded[-1]["reason"] == "maintenance"


def test_take_over_and_resolve_the_visitors_call(kiosk, clock, hub):
    app = kiosk
    start(app)
    app.help.connected = True
    app.help._key = "key-1"
    app.help.apply(HelpStatus(phase="waiting", key="key-1", request_id=5))
    login(app, clock)
    assert app.assist.request_open
    tap(find(app.root, "assisted_claim"))
    frames(2)
    assert hub.claims == [(5, 1)]
    assert find(app.root, "assisted_status").text.startswith("Otit asiakkaan avunpyynnön")
    tap(find(app.root, "assisted_resolve"))
    assert app.nav.current == "assist_resolve"
    tap(find(app.root, "resolve_done"))
    assert find(app.root, "resolve_status").text == "Valitse tarve, taso ja palvelualue."
    tap(find(app.root, "resolve_needs_try_safely"))
    tap(find(app.root, "resolve_levels_3"))
    tap(find(app.root, "resolve_areas_0"))
    tap(find(app.root, "resolve_on_behalf_no"))
    tap(find(app.root, "resolve_done"))
    frames(2)
    assert hub.resolves == [
        (
            5,
            {
                "assist_id": 1,
                "need_type": "try_safely",
                "level": 3,
                "service_area": "Kela",
                "on_behalf": False,
            },
        )
    ]
    assert app.nav.current == "assisted"
