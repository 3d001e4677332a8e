"""The corpus of broken packs (tests/packs/broken/): each case has one problem, one has many.

Every case asserts the exact ``FILE:LINE: field: message`` lines lint prints, run from inside
the corpus folder so the file names are short.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.packs.lint import lint_paths
from kiosk.packs.loader import load_packs

from .conftest import BROKEN

TODAY = date(2026, 11, 28)
D = "demos/demo.yaml"
KEYS = "letters a-z, å, ä, ö, digits, space and . , - @ / : ' ? ! ( ) + € % _"
TYPES = (
    "heading, paragraph, text_field, number_field, checkbox, radio, choice_list, button, link, "
    "info, warning, card, table, image, id_picker"
)
UNKNOWN = "unknown field; remove it or check its spelling against docs/packs.md"

EXPECTED = {
    "unknown-field": [f"{D}:37: steps[2].colour: {UNKNOWN}"],
    "missing-language": [
        f"{D}:22: steps[1].instruction: missing the sv text; every text needs fi, sv, en "
        "(the pack's languages)"
    ],
    "bad-target": [
        f"{D}:36: steps[2].target: no component 'contnue' on this step's screen "
        "(ids: name, when, next)"
    ],
    "wrong-target-kind": [
        f"{D}:36: steps[2].target: a tap step needs a button, link, card or checkbox; "
        "'name' is a text_field"
    ],
    "untypeable-value": [
        f"{D}:24: steps[1].action.value: cannot be typed on the kiosk keyboard: '#'; it has {KEYS}"
    ],
    "missing-image": [
        f"{D}:19: steps[1].screen.components[2].file: image not found: images/missing.png "
        "(looked in missing-image)"
    ],
    "oversized-file": [f"{D}: the file is 266 KiB; at most 256 KiB is allowed: split it up"],
    "binary-file": [f"{D}: is a binary file, not YAML text"],
    "invalid-yaml": [
        f"{D}:24: not valid YAML: while parsing a block collection did not find expected '-' "
        "indicator"
    ],
    "invalid-utf8": [f"{D}:33: not valid UTF-8 text (byte 0xf6); save the file as UTF-8"],
    "duplicate-ids": [
        f"{D}:19: steps[1].screen.components[2].id: duplicate id 'title' on this screen"
    ],
    "duplicate-key": [f"{D}:37: steps[2].target: duplicate key (first at line 36); keep only one"],
    "bad-pattern": [
        f"{D}:24: steps[1].action.pattern: not a valid regular expression: missing ), "
        "unterminated subpattern at position 7"
    ],
    "pattern-example-mismatch": [
        f"{D}:24: steps[1].action.example: '12345' does not match the pattern"
    ],
    "image-without-alt": [
        f"{D}:19: steps[1].screen.components[2].alt: an image needs alt text in each language, "
        "or decorative: true"
    ],
    "image-too-large": [
        f"{D}:19: steps[1].screen.components[2].file: the image is 3000x2 px; "
        "at most 2048x2048 is allowed"
    ],
    "image-damaged": [
        f"{D}:19: steps[1].screen.components[2].file: images/pic.png is a damaged PNG file "
        "(bad chunk)"
    ],
    "unknown-component": [
        f"{D}:18: steps[1].screen.components[1]: unknown component type 'headline'; "
        f"use one of: {TYPES}"
    ],
    "choose-unknown-option": [
        f"{D}:37: steps[2].action.option: 'when' has no option 'tomorrow' (options: now, later)"
    ],
    "text-too-long": [
        f"{D}:25: steps[1].hint: the fi text is 340 characters long; at most 300 are allowed"
    ],
    "plain-instruction": [
        f"{D}:35: steps[2].instruction: must be given in each language, like {{fi: ..., sv: ..., "
        "en: ...}; a plain string is only for language-neutral screen data such as amounts, codes "
        "and names (got 'Tap Continue')"
    ],
    "missing-demo-file": [
        f"{D}: not listed under demos in pack.yaml; add it there or remove the file",
        "pack.yaml:8: demos[1].file: demo file not found: demos/other.yaml",
    ],
    "unquoted-number": [
        f"{D}:24: steps[1].action.value: must be text; put the value in quotes (got 83)"
    ],
    "missing-field": [f"{D}:13: steps[1].hint: missing; this field is required"],
    "card-step-with-target": [
        f"{D}:36: steps[2].target: a card_insert step has no target; remove it"
    ],
    "real-domain": [
        f"{D}:16: steps[1].screen.address: 'www.kela.fi' may be a real site; use a made-up address "
        "with an 'example' part, like kela.example.fi/asiointi"
    ],
    "bad-iban": [
        f"{D}:24: steps[1].action.value: IBAN FI35 5000 1234 5600 17 has wrong check digits "
        "(mod 97)"
    ],
    "real-hetu": [
        f"{D}:18: steps[1].screen.components[1].text: identity code 010151-123N: use an individual "
        "number 900-999 (never given to a person) so it is clearly fake"
    ],
    "many-problems": [
        f"{D}:5: level: must be at most 4 (got 7)",
        f"{D}:19: steps[1].screen.components[2].alt: an image needs alt text in each language, "
        "or decorative: true",
        f"{D}:22: steps[1].instruction: missing the sv text; every text needs fi, sv, en "
        "(the pack's languages)",
        f"{D}:24: steps[1].action.value: cannot be typed on the kiosk keyboard: '#'; it has {KEYS}",
        f"{D}:36: steps[2].target: no component 'contnue' on this step's screen "
        "(ids: name, when, next)",
        f"pack.yaml:4: licence: {UNKNOWN}",
    ],
}
#: Authoring rules only lint enforces: the kiosk itself still loads these packs.
LINT_ONLY = {"real-domain", "bad-iban", "real-hetu"}


def lint_lines(case: str) -> list[str]:
    _, problems = lint_paths([Path(case)], TODAY)
    return [str(p).removeprefix(f"{case}/") for p in problems]


def test_corpus_and_expectations_match():
    on_disk = {p.name for p in BROKEN.iterdir() if p.is_dir()}
    assert on_disk - {"alias-bomb"} == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_lint_reports_exactly_the_problem(case, monkeypatch):
    monkeypatch.chdir(BROKEN)
    assert lint_lines(case) == EXPECTED[case]


@pytest.fixture(scope="module")
def corpus_load():
    return load_packs([BROKEN])


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_kiosk_skips_each_broken_pack_without_raising(case, corpus_load):
    loaded = {pack.id for pack in corpus_load.packs}
    assert (f"broken.{case}" in loaded) == (case in LINT_ONLY)
    reported = {p.file.split("/")[-3] for p in corpus_load.problems if "/demos/" in p.file}
    reported |= {
        p.file.split("/")[-2] for p in corpus_load.problems if p.file.endswith("pack.yaml")
    }
    assert (case in reported) == (case not in LINT_ONLY)


def test_alias_bomb_is_stopped_with_its_line(monkeypatch):
    monkeypatch.chdir(BROKEN)
    lines = lint_lines("alias-bomb")
    bomb = [line for line in lines if "aliases (*) repeat too much" in line]
    assert len(bomb) == 1 and bomb[0].startswith(f"{D}:40: x")
    assert f"{D}:48: x8: {UNKNOWN}" in lines
