"""A visitor's way through the kiosk, by touches on the real window."""

from __future__ import annotations

import pytest
from kivy.base import EventLoop, ExceptionManager

from tests.ui.harness import find, frames, tap

pytestmark = pytest.mark.widget


def start(app):
    tap(find(app.root, "welcome_title"))
    assert app.nav.current == "home"


def test_welcome_greets_in_each_language_in_turn(app):
    welcome = app.shell.screen("welcome")
    welcome.on_leave()  # stop the real-time cycle; the test turns the pages itself
    welcome.index = 0
    seen = []
    for _ in range(3):
        seen.append(find(app.root, "welcome_title").text)
        welcome.next_language()
        frames(1)
    assert seen == [
        "Aloita koskettamalla näyttöä",
        "Rör skärmen för att börja",
        "Touch the screen to start",
    ]
    assert find(app.root, "welcome_title").text == seen[0]


def test_tap_through_settings_idle_warning_and_wipe(app, clock):
    start(app)
    tap(find(app.root, "settings"))
    assert app.nav.current == "settings"
    assert find(app.root, "title").text == "Asetukset"

    tap(find(app.root, "lang_sv"))
    # The current screen re-renders in place, in Swedish.
    assert app.nav.current == "settings"
    assert find(app.root, "title").text == "Inställningar"
    assert find(app.root, "call_helper").text == "Be om hjälp"

    tap(find(app.root, "size_200"))
    assert app.theme.body == 64
    assert find(app.root, "lang_sv").font_size == 64
    tap(find(app.root, "contrast_high"))
    assert app.theme.high_contrast
    tap(find(app.root, "back"))
    assert app.nav.current == "home"

    clock.advance(89)
    app.session.tick()
    assert app.nav.current == "home"
    clock.advance(1)
    app.session.tick()
    frames()
    assert app.nav.current == "idle"
    assert find(app.root, "idle_question").text == "Vill du fortsätta?"
    assert "30" in find(app.root, "idle_countdown").text
    clock.advance(10)
    app.session.tick()
    frames()
    assert "20" in find(app.root, "idle_countdown").text

    # One touch extends the session: back where the visitor was, settings kept.
    tap(find(app.root, "idle_question"))
    assert app.nav.current == "home"
    assert app.session.language == "sv" and app.theme.body == 64

    # Quiet again, through the whole countdown: wiped.
    app.session.session.typed["reference"] = "1232"
    clock.advance(90)
    app.session.tick()
    assert app.nav.current == "idle"
    clock.advance(30)
    app.session.tick()
    frames()
    assert app.nav.current == "welcome"
    assert app.session.language == "fi" and app.tr.language == "fi"
    assert app.theme.body == 32 and not app.theme.high_contrast
    assert app.session.session.typed == {}
    assert app.nav.history == []
    assert not app.session.active


def test_end_session_asks_once_then_wipes(app):
    start(app)
    tap(find(app.root, "home_settings"))
    tap(find(app.root, "lang_en"))
    tap(find(app.root, "end_session"))
    assert find(app.root, "end_question").text == "Do you want to finish?"
    tap(find(app.root, "end_cancel"))
    assert app.nav.current == "settings"
    tap(find(app.root, "end_session"))
    tap(find(app.root, "end_confirm"))
    assert app.nav.current == "welcome"
    assert app.session.language == "fi"


def test_back_walks_the_way_back(app):
    start(app)
    tap(find(app.root, "home_practise"))
    assert app.nav.current == "catalogue"
    tap(find(app.root, "call_helper"))
    assert app.nav.current == "help"
    tap(find(app.root, "back"))
    assert app.nav.current == "catalogue"
    tap(find(app.root, "back"))
    assert app.nav.current == "home"


def test_help_says_plainly_that_it_is_not_connected(app):
    start(app)
    tap(find(app.root, "call_helper"))
    assert find(app.root, "help_not_connected").text == (
        "Tästä laitteesta ei voi vielä kutsua avustajaa."
    )


def test_unexpected_error_shows_calm_screen_then_restarts(app, clock):
    start(app)
    app.session.session.typed["name"] = "Maija"

    def boom(*_):
        raise RuntimeError("a bug")

    from kivy.clock import Clock

    Clock.schedule_once(boom)
    # What Kivy's main loop does with an exception: hand it to the ExceptionManager.
    try:
        frames(2)
    except RuntimeError as exc:
        assert ExceptionManager.handle_exception(exc) == ExceptionManager.PASS
    frames(2)
    assert app.nav.current == "error"
    assert find(app.root, "error_title").text == "Jokin meni vikaan."
    assert "Traceback" not in find(app.root, "error_text").text
    assert app.session.session.typed == {}
    clock.advance(app.settings.session.out_of_order_seconds - 1)
    app.count_down_restart()
    assert app.nav.current == "error"
    clock.advance(1)
    app.count_down_restart()
    assert app.nav.current == "welcome"


def test_errors_that_keep_coming_let_the_process_restart(app):
    start(app)
    results = [app.out_of_order() for _ in range(6)]
    assert results == [True] * 5 + [False]


@pytest.mark.parametrize("key", [27, 282, 285, 292])
def test_keys_that_would_leave_kiosk_mode_do_nothing(app, window, key):
    start(app)
    before = app.nav.current
    window.dispatch("on_keyboard", key, 0, "", ["alt"] if key == 285 else [])
    window.dispatch("on_request_close")
    frames(2)
    assert EventLoop.status == "started" or EventLoop.status == "idle"
    assert app.root.get_root_window() is window
    assert app.nav.current == before
    assert app.open_settings() is False
    assert app._app_settings is None


def test_every_named_screen_exists():
    from kiosk.ui.app import SCREENS
    from kiosk.ui.screen_names import SCREEN_NAMES

    assert tuple(SCREENS) == SCREEN_NAMES


def test_waiting_for_a_helper_holds_the_session(app, clock):
    start(app)
    app.session.hold = lambda: True
    clock.advance(600)
    app.session.tick()
    assert app.session.active and app.nav.current == "home"
    app.session.hold = lambda: False
    clock.advance(90)
    app.session.tick()
    assert app.nav.current == "idle"
