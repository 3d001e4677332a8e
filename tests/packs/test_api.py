"""The Python API the kiosk's player uses: load_packs, Pack, Demo, Step, LocalText."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from pydantic import ValidationError

from kiosk.packs.loader import load_packs
from kiosk.packs.models import Button, Card, Heading, Screen, Table, TextField
from kiosk.packs.text import LocalText

from .conftest import EXAMPLE


def test_example_loads_with_its_fields(example_copy):
    result = load_packs([example_copy.parent])
    assert result.problems == []
    (pack,) = result.packs
    assert (pack.id, pack.version, pack.languages) == ("example.library", 1, ["fi", "sv", "en"])
    assert pack.root == example_copy
    assert pack.title.get("sv") == "Exempelpaket"
    (demo,) = pack.demos
    assert demo.id == "example-renew-loan" and demo.service == "library"
    assert (demo.level, demo.minutes, demo.checked) == (2, 3, date(2026, 11, 20))
    assert demo.languages == ["fi", "sv", "en"]
    assert [s.id for s in demo.steps] == ["card-number", "open-loan", "renew"]
    assert len(demo.completion.practised) == 2
    assert demo.completion.next.get("en").startswith("At the library's real online service")


def test_steps_give_target_component_and_actions(example_copy):
    demo = load_packs([example_copy.parent]).demos[0]
    first, second, third = demo.steps
    assert isinstance(first.target_component(), TextField)
    assert first.action.kind == "type" and first.action.pattern == "^[0-9]{4}$"
    assert first.action.error is not None and first.speech is None
    assert isinstance(second.target_component(), Card)
    assert second.speech is not None and "Harjoituskirja" in second.speech.get("fi")
    assert isinstance(third.target_component(), Button)
    assert isinstance(third.screen.components[0], Heading)
    table = third.screen.components[1]
    assert isinstance(table, Table)
    assert [cell.get("sv") for cell in table.rows[0]] == ["Förfallodag", "15.12.2026"]


def test_local_text_plain_and_per_language():
    plain = LocalText("12,50 €")
    assert plain.get("fi") == plain.get("sv") == "12,50 €" and plain.is_plain
    text = LocalText({"fi": "Jatka", "sv": "Fortsätt"})
    assert text.get("sv") == "Fortsätt" and text.has("fi") and not text.has("en")
    assert text.get("en") == "Jatka"  # a language the pack does not declare: never blank


def test_languages_are_checked_only_with_a_context():
    data = {"type": "heading", "text": {"fi": "Otsikko"}}
    assert Heading.model_validate(data).text.get("fi") == "Otsikko"
    with pytest.raises(ValidationError, match="missing the sv text"):
        Heading.model_validate(data, context={"languages": ["fi", "sv"]})


def test_screen_rejects_unknown_fields_and_too_many_components():
    component = {"type": "paragraph", "text": "x"}
    with pytest.raises(ValidationError, match="Extra inputs"):
        Screen.model_validate(
            {"service": "S", "address": "a.example", "components": [component], "logo": "x"}
        )
    with pytest.raises(ValidationError, match="at most 60"):
        Screen.model_validate(
            {"service": "S", "address": "a.example", "components": [component] * 61}
        )


def test_broken_pack_is_skipped_and_others_load(example_copy):
    broken = example_copy.parent / "broken"
    shutil.copytree(EXAMPLE, broken)
    demo = broken / "demos" / "renew-loan.yaml"
    demo.write_text(
        demo.read_text(encoding="utf-8").replace("target: loan1", "target: loan9"), encoding="utf-8"
    )
    manifest = broken / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("example.library", "example.other"),
        encoding="utf-8",
    )
    result = load_packs([example_copy.parent])
    assert [p.id for p in result.packs] == ["example.library"]
    assert [str(p) for p in result.problems] == [
        f"{broken}/demos/renew-loan.yaml:85: steps[2].target: no component 'loan9' on this "
        "step's screen (ids: title, loan1, loan2)"
    ]


def test_duplicate_pack_and_demo_ids_skip_the_later_one(example_copy, tmp_path):
    second = tmp_path / "more" / "copy"
    shutil.copytree(EXAMPLE, second)
    result = load_packs([example_copy.parent, second.parent])
    assert [p.root for p in result.packs] == [example_copy]
    assert [str(p) for p in result.problems] == [
        f"{second}/pack.yaml:2: id: pack id 'example.library' is already used by "
        f"{example_copy}; skipped"
    ]
    manifest = second / "pack.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace("id: example.library", "id: example.copy"),
        encoding="utf-8",
    )
    result = load_packs([example_copy.parent, second.parent])
    assert [(p.id, len(p.demos)) for p in result.packs] == [
        ("example.library", 1),
        ("example.copy", 0),
    ]
    assert [str(p) for p in result.problems] == [
        f"{second}/demos/renew-loan.yaml:1: id: demo id 'example-renew-loan' is already used in "
        f"{example_copy}/demos/renew-loan.yaml; demo skipped"
    ]


def test_missing_and_empty_folders_are_problems(tmp_path):
    (tmp_path / "empty").mkdir()
    result = load_packs([tmp_path / "none", tmp_path / "empty"])
    assert result.packs == []
    assert [str(p) for p in result.problems] == [
        f"{tmp_path / 'empty'}: holds no packs (no subfolder with a pack.yaml)",
        f"{tmp_path / 'none'}: folder not found; check the path",
    ]


def test_service_list_and_literal_agree():
    from typing import get_args

    from kiosk.packs.models import SERVICES, Service

    assert get_args(Service) == SERVICES


def test_files_linking_out_of_the_pack_are_refused(example_copy, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text((example_copy / "demos" / "renew-loan.yaml").read_text(encoding="utf-8"))
    (example_copy / "demos" / "renew-loan.yaml").unlink()
    (example_copy / "demos" / "renew-loan.yaml").symlink_to(outside)
    result = load_packs([example_copy.parent])
    assert result.packs == []
    assert [str(p) for p in result.problems] == [
        f"{example_copy}/pack.yaml:15: demos[1].file: must stay inside the pack folder "
        "(this one links to somewhere else)"
    ]


def test_table_rows_and_number_fields_are_checked(example_copy):
    demo = example_copy / "demos" / "renew-loan.yaml"
    text = demo.read_text(encoding="utf-8")
    text = text.replace('"15.12.2026"]', '"15.12.2026", "extra"]')
    text = text.replace(
        "        - type: text_field\n          id: card",
        "        - type: number_field\n          id: card",
    )
    text = text.replace('example: "1234"', 'example: "12a4"')
    demo.write_text(text, encoding="utf-8")
    result = load_packs([example_copy.parent])
    assert [str(p).removeprefix(f"{demo}:") for p in result.problems] == [
        "48: steps[1].action.example: '12a4' does not match the pattern",
        "48: steps[1].action.example: a number_field is typed on the number pad (digits, space "
        "and , . - + € %); use a text_field for other text",
        "108: steps[3].screen.components[2].rows[1]: this row has 3 cells; the header has 2",
    ]


def test_find_demo_and_lint_of_a_manifest_path(example_copy):
    from datetime import date

    from kiosk.packs.lint import lint_paths

    result = load_packs([example_copy.parent])
    assert result.find_demo("example-renew-loan") is result.demos[0]
    assert result.find_demo("nope") is None
    reports, problems = lint_paths([example_copy / "pack.yaml"], date(2026, 11, 28))
    assert problems == [] and [r.pack.id for r in reports if r.pack] == ["example.library"]
    reports, problems = lint_paths([example_copy], date(2026, 11, 19))
    assert [str(p) for p in problems] == [
        f"{example_copy}/pack.yaml:16: demos[1].checked: 2026-11-20 is in the future"
    ]
