"""check_typed, show_me_value and the on-screen keyboard's character set."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.packs.actions import KEYBOARD, check_typed, show_me_value, untypeable
from kiosk.packs.models import Action

keyboard_text = st.text(alphabet=sorted(KEYBOARD), min_size=1, max_size=40).filter(
    lambda s: s.strip()
)


def test_value_ignores_case_and_surrounding_spaces():
    action = Action(kind="type", value="Maija Meikäläinen")
    assert check_typed(action, "  maija meikäläinen ")
    assert check_typed(action, "MAIJA MEIKÄLÄINEN")
    assert not check_typed(action, "Maija Meikalainen")
    assert not check_typed(action, "Maija  Meikäläinen")


def test_pattern_must_match_the_whole_text():
    action = Action(kind="type", pattern="[0-9]{4}", example="1234")
    assert check_typed(action, " 4321 ")
    assert not check_typed(action, "12345")
    assert not check_typed(action, "x1234")
    assert check_typed(Action(kind="type", pattern="^fi[0-9]{2}$", example="FI12"), "FI12")


def test_other_kinds_are_never_completed_by_typing():
    assert not check_typed(Action(kind="tap"), "")
    assert not check_typed(Action(kind="choose", option="now"), "now")


def test_show_me_types_the_value_or_the_example():
    assert show_me_value(Action(kind="type", value=" Maija ")) == "Maija"
    assert show_me_value(Action(kind="type", pattern="^[0-9]{4}$", example="1234")) == "1234"
    with pytest.raises(ValueError, match="a tap action has nothing to type"):
        show_me_value(Action(kind="tap"))


@settings(database=None)  # keep no example database in the checkout
@given(keyboard_text)
def test_show_me_value_always_completes_its_own_step(text):
    action = Action(kind="type", value=text)
    assert check_typed(action, show_me_value(action))
    assert check_typed(action, f" {text.swapcase()} ")
    assert untypeable(text) == []


@settings(database=None)
@given(keyboard_text, st.characters(blacklist_characters=sorted(KEYBOARD)))
def test_any_character_off_the_keyboard_is_named(text, odd):
    assert untypeable(text + odd + odd) == [odd]


def test_keyboard_has_the_agreed_characters():
    assert set("åäöÅÄÖ€%_@") <= KEYBOARD
    assert len(KEYBOARD) == 26 * 2 + 6 + 10 + 16
    assert "#" not in KEYBOARD and "\n" not in KEYBOARD
