"""The walkthrough player on the real window: every bundled demo, every language, by touches."""

from __future__ import annotations

import time

import pytest

from kiosk.packs.actions import KEYBOARD, show_me_value
from kiosk.ui.widgets.keyboard import LETTERS, NUMBERS, SIGNS
from tests.ui.harness import find, frames, tap

pytestmark = pytest.mark.widget


def demo_ids():
    from kiosk.config import PROJECT_ROOT
    from kiosk.packs.loader import load_packs

    return sorted(d.id for d in load_packs([PROJECT_ROOT / "assets" / "packs"]).demos)


def open_demo(app, demo_id, lang):
    app.show("home")
    app.session.set_pref("language", lang)
    app.catalogue.load_now()
    frames(2)
    app.nav.go("catalogue")
    frames(2)
    tap(find(app.root, f"demo_{demo_id}"))
    assert app.nav.current == "demo"


def press_key(app, char):
    keyboard = find(app.root, "keyboard")
    if keyboard.mode == "number":
        tap(find(app.root, "key_space" if char == " " else f"key_{char}"))
        return
    base = char.lower()
    in_letters = any(base in row for row in LETTERS)
    if char == " ":
        tap(find(app.root, "key_space"))
        return
    if in_letters and keyboard.signs and base.isalpha():
        tap(find(app.root, "key_signs"))
    elif not in_letters and not keyboard.signs:
        tap(find(app.root, "key_signs"))
    if char.isalpha() and char != base:
        tap(find(app.root, "key_shift"))
    tap(find(app.root, f"key_{base}"))


def type_text(app, text, by_touch=True):
    """Type ``text`` key by key; ``by_touch=False`` sends each key's character straight to the
    keyboard widget (the same path a key's touch takes, minus finding and touching the key)."""
    keyboard = find(app.root, "keyboard")
    for char in text:
        if by_touch:
            press_key(app, char)
        else:
            keyboard.dispatch("on_char", char)
    frames(1)
    tap(find(app.root, "key_done"))


def do_step(app, by_touch=True):
    """Perform the current step the way its instruction asks, by touches."""
    step = app.player.walk.step
    action = step.action
    if action.kind == "tap":
        tap(find(app.root, f"mock_{step.target}"))
    elif action.kind == "choose":
        tap(find(app.root, f"mock_{step.target}_{action.option}"))
    elif action.kind == "type":
        tap(find(app.root, f"mock_{step.target}"))
        assert app.nav.current == "keyboard"
        type_text(app, show_me_value(action), by_touch)
    else:
        app.player.card_event(
            "removed"
            if action.kind == "card_remove"
            else f"inserted:{action.card if action.card not in (None, 'any') else 'unknown'}"
        )
        frames(2)


def test_keyboard_layouts_type_every_character_packs_may_ask_for():
    on_keys = set("".join(LETTERS + SIGNS + NUMBERS)) | {" "}
    on_keys |= {c.upper() for c in on_keys if c.isalpha()}
    assert KEYBOARD <= on_keys, sorted(KEYBOARD - on_keys)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("demo_id", demo_ids())
def test_every_bundled_demo_completes_by_touch(app, demo_id, lang):
    # Every key is touched in Finnish; in Swedish and English the keys' characters go straight
    # to the keyboard widget (the same texts), which keeps the suite within CI's time.
    open_demo(app, demo_id, lang)
    count = app.player.step_count
    for number in range(1, count + 1):
        assert find(app.root, "step_counter").text.count(str(number)) >= 1
        assert app.player.step_number == number
        do_step(app, by_touch=lang == "fi")
    frames(2)
    assert app.nav.current == "completion"
    assert find(app.root, "completion_next").text == app.player.demo.completion.next.get(lang)


def test_wrong_taps_give_hint_then_strong_highlight_then_show_me(app, clock):
    open_demo(app, "bank-pay-bill", "fi")
    screen = app.shell.screen("demo")
    target = screen.target_widgets()[0]
    assert target.highlight == 1
    wrong = next(w for ws in screen.targets.values() for w in ws if w is not target)
    tap(wrong)
    assert find(app.root, "hint").text == app.player.walk.step.hint.get("fi")
    assert target.highlight == 1
    tap(wrong)
    assert target.highlight == 2
    with pytest.raises(AssertionError):
        find(app.root, "show_me")
    tap(wrong)
    tap(find(app.root, "show_me"))
    assert app.player.showing
    # "Show me" performs the step slowly by itself (Kivy's clock, real time): let it pass.
    deadline = time.monotonic() + 10
    while app.player.showing and time.monotonic() < deadline:
        frames(1)
    frames(2)
    assert app.player.step_number == 2
    assert find(app.root, "feedback").text == app.player.demo.steps[0].done.get("fi")


def test_wrong_typed_value_says_which_field_and_why_then_try_again(app):
    open_demo(app, "bank-pay-bill", "en")
    while app.player.walk.step.action.kind != "type":
        do_step(app)
    step = app.player.walk.step
    tap(find(app.root, f"mock_{step.target}"))
    type_text(app, "xyz")
    error = find(app.root, "typing_error").text
    expected = step.action.error.get("en") if step.action.error else None
    assert error == expected if expected else error.startswith(app.player.field_label + ":")
    tap(find(app.root, "try_again"))
    assert find(app.root, "keyboard")
    for _ in range(3):
        tap(find(app.root, "key_delete"))
    type_text(app, show_me_value(step.action))
    assert app.nav.current == "demo"


def test_back_and_stop(app):
    open_demo(app, "library-renew-reserve", "fi")
    do_step(app)
    assert app.player.step_number == 2
    tap(find(app.root, "step_back"))
    assert app.player.step_number == 1
    tap(find(app.root, "stop"))
    assert app.nav.current == "catalogue"
    assert not app.player.active
    kinds = []
    app.events.subscribe(lambda e: kinds.append(e.kind))
    tap(find(app.root, "demo_library-renew-reserve"))
    tap(find(app.root, "end_session"))
    tap(find(app.root, "end_confirm"))
    assert kinds[-1] == "stopped"
    assert app.player.typed == {}


def test_language_switch_redraws_the_step_in_place(app):
    open_demo(app, "omavero-tax-card", "fi")
    do_step(app)
    fi_text = find(app.root, "instruction").text
    tap(find(app.root, "settings"))
    tap(find(app.root, "lang_sv"))
    tap(find(app.root, "back"))
    assert app.nav.current == "demo" and app.player.step_number == 2
    assert find(app.root, "instruction").text == app.player.demo.steps[1].instruction.get("sv")
    assert find(app.root, "instruction").text != fi_text
    assert find(app.root, "practice_banner").text == "ÖVNING – inget skickas"
