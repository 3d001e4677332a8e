"""Read aloud and the card reader, wired into the app (fake speech and card ports)."""

from __future__ import annotations

import msgspec
import pytest

from kiosk.config import load_settings
from kiosk.services.card.fake import FakeCardReader
from kiosk.services.speech_fake import FakeSpeech
from tests.ui.harness import find, frames, tap
from tests.ui.test_player import do_step, open_demo

pytestmark = pytest.mark.widget


def settle():
    # Screens are read 50 ms after they appear (once laid out): let that pass.
    import time

    deadline = time.monotonic() + 0.3
    while time.monotonic() < deadline:
        frames(1)


@pytest.fixture
def speech():
    return FakeSpeech()


@pytest.fixture
def reader():
    return FakeCardReader()


@pytest.fixture
def app(make_app, speech, reader):
    app = make_app(speech=speech, card_reader=reader)
    app.card.start()
    return app


def start_with_read_aloud(app):
    app.show("home")
    tap(find(app.root, "settings"))
    tap(find(app.root, "read_aloud_on"))
    tap(find(app.root, "settings_done"))
    settle()


def test_each_screen_is_read_when_it_appears(app, speech):
    start_with_read_aloud(app)
    said = speech.spoken[-1]
    assert said.lang == "fi"
    assert said.text.startswith("Mitä haluat tehdä?")
    assert "Harjoittele asiointia" in said.text and "Kutsu avustaja" in said.text
    tap(find(app.root, "settings"))
    tap(find(app.root, "lang_sv"))
    tap(find(app.root, "back"))
    settle()
    assert speech.spoken[-1].lang == "sv"
    assert speech.spoken[-1].text.startswith("Vad vill du göra?")


def test_nothing_is_spoken_while_read_aloud_is_off(app, speech):
    app.show("home")
    tap(find(app.root, "home_practise"))
    settle()
    assert speech.spoken == []


def test_steps_hints_and_repeat_are_spoken_and_a_touch_silences(app, speech):
    start_with_read_aloud(app)
    open_demo(app, "bank-pay-bill", "en")
    settle()
    first = app.player.demo.steps[0]
    assert speech.spoken[-1].text == (first.speech or first.instruction).get("en")
    tap(find(app.root, "repeat"))
    assert speech.spoken[-1].text == (first.speech or first.instruction).get("en")
    calls_before = len(speech.calls)
    screen = app.shell.screen("demo")
    wrong = next(w for ws in screen.targets.values() for w in ws if w.highlight == 0)
    tap(wrong)
    # The touch stopped the speech at once, then the hint was said.
    assert ("stop",) in speech.calls[calls_before:]
    assert speech.spoken[-1].text == first.hint.get("en")
    do_step(app)
    second = app.player.demo.steps[1]
    expected = f"{first.done.get('en')} {(second.speech or second.instruction).get('en')}"
    assert speech.spoken[-1].text == expected


def test_masked_fields_are_never_spoken(app, speech):
    start_with_read_aloud(app)
    open_demo(app, "library-renew-reserve", "fi")
    while True:
        step = app.player.walk.step
        component = step.target_component()
        if step.action.kind == "type" and getattr(component, "masked", False):
            break
        do_step(app)
    do_step(app)
    secret = app.player.typed.get(step.target, "")
    assert secret
    assert all(secret not in u.text for u in speech.spoken)


def test_rate_and_volume_reset_at_session_end(app, speech):
    start_with_read_aloud(app)
    tap(find(app.root, "settings"))
    tap(find(app.root, "rate_slower"))
    tap(find(app.root, "volume_50"))
    tap(find(app.root, "settings_done"))
    settle()
    assert (speech.spoken[-1].rate, speech.spoken[-1].volume) == ("slower", 50)
    tap(find(app.root, "end_session"))
    tap(find(app.root, "end_confirm"))
    assert (app.session.speech_rate, app.session.volume, app.session.read_aloud) == (
        "normal",
        80,
        False,
    )


def test_a_language_without_a_voice_is_not_spoken_and_says_so(make_app, reader):
    settings = load_settings()
    visitor = msgspec.structs.replace(settings.visitor, languages=["fi", "sv", "en", "se"])
    settings = msgspec.structs.replace(settings, visitor=visitor)
    speech = FakeSpeech(voices={"fi": "fi", "sv": "sv", "en": "en"})
    app = make_app(settings=settings, speech=speech, card_reader=reader)
    start_with_read_aloud(app)
    app.session.set_pref("language", "se")
    tap(find(app.root, "settings"))
    settle()
    assert find(app.root, "read_aloud_unavailable").text
    assert not app.read_aloud.available
    assert "se" not in {u.lang for u in speech.spoken}


def test_card_step_waits_for_the_card(app, reader):
    open_demo(app, "suomifi-id-card", "fi")
    while app.player.walk.step.action.kind != "card_insert":
        do_step(app)
    at = app.player.step_number
    assert find(app.root, "no_card")
    reader.insert(kind="id_card")
    frames(3)
    assert app.player.step_number == at + 1
    while app.player.walk.step.action.kind != "card_remove":
        do_step(app)
    at = app.player.step_number
    reader.remove()
    frames(3)
    # Taking the card out when the step asks for it completes the step; the session goes on.
    assert app.session.active
    assert app.player.step_number == at + 1 or app.nav.current == "completion"


def test_taking_out_a_card_used_in_the_session_ends_and_wipes_it(app, reader):
    open_demo(app, "suomifi-id-card", "fi")
    while app.player.walk.step.action.kind != "card_insert":
        do_step(app)
    reader.insert(kind="id_card")
    frames(3)
    app.session.session.typed["x"] = "typed"
    reader.remove()
    frames(3)
    assert app.nav.current == "welcome"
    assert not app.session.active and app.session.session.typed == {}


def test_the_way_out_passes_a_card_step_without_a_card(app):
    open_demo(app, "suomifi-id-card", "sv")
    while app.player.walk.step.action.kind != "card_insert":
        do_step(app)
    at = app.player.step_number
    tap(find(app.root, "no_card"))
    assert app.player.step_number == at + 1
