"""docs/packs.md shows the example pack exactly, and that pack lints clean."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from kiosk.packs.lint import lint_paths

from .conftest import EXAMPLE

DOC = Path(__file__).resolve().parents[2] / "docs" / "packs.md"
BLOCK = re.compile(r"<!-- example: (?P<name>[^ ]+) -->\n```yaml\n(?P<body>.*?)```\n", re.DOTALL)


def test_docs_example_equals_the_example_pack():
    shown = {m["name"]: m["body"] for m in BLOCK.finditer(DOC.read_text(encoding="utf-8"))}
    on_disk = {
        str(p.relative_to(EXAMPLE)): p.read_text(encoding="utf-8")
        for p in sorted(EXAMPLE.rglob("*.yaml"))
    }
    assert set(shown) == {"pack.yaml", "demos/renew-loan.yaml"}
    assert shown == on_disk


def test_example_pack_lints_clean():
    reports, problems = lint_paths([EXAMPLE], date(2026, 11, 28))
    assert [str(p) for p in problems] == []
    assert [len(d.steps) for r in reports if r.pack for d in r.pack.demos] == [3]


def test_docs_name_every_component_type_and_service():
    from kiosk.packs.models import COMPONENT_TYPES, SERVICES

    text = DOC.read_text(encoding="utf-8")
    for name in [*COMPONENT_TYPES.split(", "), *SERVICES]:
        assert f"`{name}`" in text, name
