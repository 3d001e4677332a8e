"""The audit page names every action it offers in the filter, in Finnish, Swedish and English;
the assisted-mode pages' texts are checked with all others by test_texts.py."""

from __future__ import annotations

from kiosk.hub.dashboard import assist_pages, i18n


def test_every_offered_action_has_a_label_in_every_language() -> None:
    for action in assist_pages._ACTIONS:
        for lang in i18n.LANGUAGES:
            label = assist_pages._action_label(action, lang)
            assert label != action, (action, lang)
    assert assist_pages._action_label("kiosk.revoke", "sv") == "Kiosk spärrad"
    assert assist_pages._action_label("something.new", "sv") == "something.new"


def test_details_read_as_key_value_pairs() -> None:
    detail = {"method": "code", "filter": {"action": "assist_unlock", "kiosk_id": 3}}
    assert assist_pages._describe(detail) == (
        "filter: action=assist_unlock, kiosk_id=3; method: code"
    )
