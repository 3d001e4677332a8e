"""Every dashboard text exists in Finnish, Swedish and English, with the same placeholders, and
every text the templates and the script ask for exists."""

from __future__ import annotations

import re
import string
from typing import get_args

from kiosk.hub.dashboard import texts
from kiosk.hub.dashboard.routes import HERE, NEED_TYPES
from kiosk.protocol.common import NeedType, RequestState


def placeholders(value: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(value) if name}


def test_every_text_has_every_language_and_the_same_placeholders() -> None:
    problems = []
    for key, entry in texts.TEXTS.items():
        missing = [code for code in texts.LANGUAGES if not entry.get(code, "").strip()]
        if missing:
            problems.append(f"{key}: no {', '.join(missing)}")
        elif len({frozenset(placeholders(entry[c])) for c in texts.LANGUAGES}) != 1:
            problems.append(f"{key}: placeholders differ between languages")
    assert not problems, problems


def test_a_text_missing_a_language_is_caught(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(texts.TEXTS, "broken", {"fi": "Vain suomeksi", "en": "Only English"})
    try:
        test_every_text_has_every_language_and_the_same_placeholders()
    except AssertionError as exc:
        assert "broken: no sv" in str(exc)
    else:
        raise AssertionError("a text without Swedish went unnoticed")


def test_templates_and_script_use_only_known_texts() -> None:
    used: set[str] = set()
    for template in (HERE / "templates").glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']""", template.read_text()))
    script = (HERE / "static" / "dashboard.js").read_text()
    used |= set(re.findall(r"\bT\.([a-z_]+)", script))
    assert len(used) > 30  # the scan itself found the texts
    # Texts named from data in the templates: t("need_" ~ need), t("state_" ~ state).
    dynamic = {"need_", "state_"}
    assert dynamic <= used
    used -= dynamic
    used |= {f"need_{need}" for need in NEED_TYPES}
    used |= {f"state_{state}" for state in get_args(RequestState)}
    assert sorted(used - set(texts.TEXTS)) == []


def test_need_types_match_the_protocol() -> None:
    assert set(NEED_TYPES) == set(get_args(NeedType))


def test_unknown_language_falls_back_to_finnish() -> None:
    assert texts.pick_language("de") == "fi"
    assert texts.text("log_in", "sv") == "Logga in"
    assert texts.text("taken_by", "en", name="Anna") == "Taken by Anna"
