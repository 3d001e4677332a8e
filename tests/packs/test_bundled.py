"""The demos bundled in assets/packs/ lint clean and meet the bundled-demo rules."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.packs.lint import lint_paths
from kiosk.packs.loader import BUNDLED_PACKS, load_packs

HAS_PACKS = BUNDLED_PACKS.is_dir() and any(
    (p / "pack.yaml").is_file() for p in BUNDLED_PACKS.iterdir()
)
pytestmark = pytest.mark.skipif(
    not HAS_PACKS, reason="assets/packs/ holds no packs yet (the demo authors are filling it)"
)


@pytest.fixture(scope="module")
def bundled():
    return load_packs([BUNDLED_PACKS])


def test_bundled_packs_lint_clean():
    _, problems = lint_paths([BUNDLED_PACKS], date.today())
    assert [str(p) for p in problems] == []


def test_each_bundled_demo_has_8_to_20_steps_in_fi_sv_en(bundled):
    assert bundled.demos
    for demo in bundled.demos:
        assert 8 <= len(demo.steps) <= 20, f"{demo.id} has {len(demo.steps)} steps"
        assert {"fi", "sv", "en"} <= set(demo.languages), f"{demo.id}: {demo.languages}"
