"""Every step of every bundled demo, in every language, at 200 % text: nothing clipped."""

from __future__ import annotations

import pytest

from tests.ui.harness import frames
from tests.ui.test_look import fit_problems
from tests.ui.test_player import demo_ids

pytestmark = pytest.mark.widget


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("demo_id", demo_ids())
def test_every_step_fits_at_200_percent(app, window, demo_id, lang):
    app.show("home")
    app.session.set_pref("language", lang)
    app.session.set_pref("text_size", 200)
    app.show("demo", demo=demo_id)
    problems = []
    for number in range(1, app.player.step_count + 1):
        app.player.goto(number)
        frames(3)
        problems += [f"step {number}: {p}" for p in fit_problems(app.root, window)]
    assert problems == []
