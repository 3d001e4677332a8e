"""The practice frame between steps: reused widgets show exactly what new ones would, and a step
change is complete in the first frame after the completing action (what bench_player times)."""

from __future__ import annotations

import functools

import pytest
from kivy.base import EventLoop

from kiosk.packs.actions import show_me_value
from tests.ui.harness import frames, right_action, walk
from tests.ui.test_player import demo_ids

pytestmark = pytest.mark.widget

#: What a component's widget shows or says about itself.
SHOWN = (
    "text",
    "label",
    "value",
    "title",
    "checked",
    "selected",
    "role",
    "kind",
    "component_id",
    "option_id",
    "test_name",
    "source",
    "alt",
)


def describe(column) -> list:
    """The column's widgets top to bottom: kind and every shown property (table cells too)."""
    from kiosk.ui.widgets.mock import MockTable

    out = []
    for w in reversed(column.children):
        props = {name: getattr(w, name) for name in SHOWN if hasattr(w, name)}
        if isinstance(w, MockTable):
            props["cells"] = [[c.text for c in reversed(r.children)] for r in reversed(w.children)]
        out.append((type(w).__name__, props))
    return out


def fresh_frame(app, step_number):
    """A brand-new frame drawing the player's step ``step_number``, as before widgets were
    reused."""
    from kiosk.ui.widgets.mock import MockFrame

    player = app.player
    step = player.demo.steps[step_number - 1]
    frame = MockFrame()
    root = app.catalogue.root_of(player.demo)
    frame.build(step.screen, player.language, app.tr._, root, player.typed)
    return frame


def start(app, demo_id, lang, text_size=100):
    app.show("home")
    app.session.set_pref("language", lang)
    app.session.set_pref("text_size", text_size)
    app.show("demo", demo=demo_id)
    frames(2)
    return app.shell.screen("demo")


@pytest.mark.parametrize("lang", ["fi", "sv"])
def test_reused_widgets_show_what_new_ones_would(app, lang):
    screen = None
    for demo_id in demo_ids():
        screen = start(app, demo_id, lang)
        count = app.player.step_count
        # Forwards, backwards and jumps: every pairing of screens the pool may meet.
        for number in [*range(1, count + 1), *range(count, 0, -3), count // 2, 1]:
            app.player.goto(number)
            frames(1)
            shown = describe(screen.ids.frame.ids.column)
            assert shown == describe(fresh_frame(app, number).ids.column), (demo_id, number)
            assert [w for w in screen.target_widgets() if w.highlight != 1] == []
            marked = [w for ws in screen.targets.values() for w in ws if w.highlight]
            assert marked == screen.target_widgets()


def test_steps_reuse_the_widgets_of_earlier_steps(app):
    from kiosk.ui.widgets.mock import MockFrame

    screen = start(app, "kela-housing-allowance", "fi")
    frame: MockFrame = screen.ids.frame

    def pooled() -> set[int]:
        spare = [w for kind in frame._pool.values() for w in kind]
        return {id(w) for w in [*frame.ids.column.children, *spare]}

    def widgets() -> set[int]:
        spare = [w for kind in frame._pool.values() for w in kind]
        return {id(w) for root in [frame.ids.column, *spare] for w in walk(root)}

    for _ in range(200):  # the pool fills a few widgets a frame while the first step shows
        if not frame._to_make:
            break
        frames(1)
    prepared = pooled()
    for number in range(1, app.player.step_count + 1):
        app.player.goto(number)
        frames(1)
    assert pooled() == prepared, "a step made a widget the pool should have held"
    made = widgets()
    for number in range(app.player.step_count, 0, -1):
        app.player.goto(number)
        frames(1)
        assert widgets() <= made, f"step {number} made new widgets"


def test_the_pool_prepares_the_kinds_the_steps_draw():
    from kiosk.config import PROJECT_ROOT
    from kiosk.packs.loader import load_packs
    from kiosk.ui.widgets.mock import _kinds_for, _specs_for

    demos = load_packs([PROJECT_ROOT / "assets" / "packs"]).demos
    components = [c for d in demos for step in d.steps for c in step.screen.components]
    assert {type(c).__name__ for c in components} >= {"Table", "IdPicker", "Radio", "Card"}
    for c in components:
        specs = _specs_for(c, "fi", str, PROJECT_ROOT, {})
        assert [spec.cls for spec in specs] == _kinds_for(c), c


def snapshot(screen) -> list:
    """Where everything on the demo screen is and what it shows."""
    out = []
    for w in walk(screen):
        out.append(
            (
                type(w).__name__,
                tuple(map(round, w.to_window(*w.pos))),
                tuple(map(round, w.size)),
                getattr(w, "text", None),
                tuple(getattr(w, "texture_size", ())),
                round(getattr(w, "scroll_y", 0), 4),
            )
        )
    return out


def target_in_view(screen) -> bool:
    """The step's target is inside the practice page as drawn (all of it if it fits)."""
    page = screen.ids.frame.ids.page
    for target in screen.target_widgets()[:1]:
        _, py = page.to_window(*page.pos)
        _, ty = target.to_window(*target.pos)
        seen = min(ty + target.height, py + page.height) - max(ty, py)
        return seen >= min(target.height, page.height - 40) - 1  # 40: the scroll's padding
    return True


CHANGES = [("fi", 200, demo_id) for demo_id in demo_ids()]
CHANGES += [("en", 100, "kela-housing-allowance"), ("sv", 150, "omakanta-lab-result")]


@pytest.mark.parametrize(("lang", "text_size", "demo_id"), CHANGES)
def test_a_step_change_is_complete_in_its_first_frame(app, lang, text_size, demo_id):
    screen = start(app, demo_id, lang, text_size)
    while app.player.active:
        step = app.player.walk.step
        if step.action.kind == "type":
            app.player.touched(step.target, None)
            frames(2)
            app.player.typed_text = show_me_value(step.action)
            frames(1)
        right_action(app)
        if not app.player.active:
            break
        EventLoop.idle()  # the one frame that shows the next step
        where = f"{demo_id} step {app.player.step_number}"
        first = snapshot(screen)
        assert target_in_view(screen), where
        frames(3)
        assert snapshot(screen) == first, where


@pytest.mark.parametrize(
    ("demo_id", "number", "lang"),
    [
        ("kela-housing-allowance", 3, "fi"),
        ("omakanta-lab-result", 9, "en"),
        ("bank-pay-bill", 7, "sv"),
    ],
)
def test_a_step_on_a_new_demo_screen_has_its_target_in_view(app, window, demo_id, number, lang):
    # As `kiosk screenshot --demo ID --step N` does before the first frame: the demo screen is
    # made for this step in a window not laid out yet; the scroll must wait for that layout.
    window.remove_widget(app.root)
    app.root.size = (100, 100)
    app.show("home")
    app.session.set_pref("language", lang)
    app.session.set_pref("text_size", 200)
    app.show("demo", demo=demo_id, step=number)
    window.add_widget(app.root)
    frames(4)
    screen = app.shell.screen("demo")
    assert screen.target_widgets()
    assert target_in_view(screen)


def screen_of(*components):
    from kiosk.packs import models as m

    data = {"service": "Palvelu", "address": "palvelu.example.fi", "components": list(components)}
    return m.Screen.model_validate(data, context={"languages": ["fi"]})


def test_tables_and_images_are_reused_too(app):
    # No bundled demo has an image yet; tables grow and shrink between steps.
    from pathlib import Path

    import kivy

    from kiosk.ui.widgets.mock import MockFrame

    logos = Path(kivy.__file__).parent / "data" / "logo"
    big = screen_of(
        {
            "type": "table",
            "header": ["Nimi", "Summa"],
            "rows": [["Vuokra", "650"], ["Sähkö", "40"]],
        },
        {"type": "image", "file": "kivy-icon-64.png", "alt": {"fi": "Logo"}},
        {"type": "table", "header": ["A"], "rows": [["1"], ["2"], ["3"]]},
    )
    small = screen_of(
        {
            "type": "table",
            "header": ["Päivä", "Tila", "Summa"],
            "rows": [["1.2.", "Maksettu", "9"]],
        },
        {"type": "image", "file": "kivy-icon-32.png", "decorative": True},
        {"type": "paragraph", "text": "Valmis"},
    )
    frame = MockFrame()
    for screen in (big, small, big, small):
        frame.build(screen, "fi", str, logos, {})
        fresh = MockFrame()
        fresh.build(screen, "fi", str, logos, {})
        assert describe(frame.ids.column) == describe(fresh.ids.column)
    frames(2)
    image = next(w for w in frame.ids.column.children if type(w).__name__ == "MockImage")
    assert image.texture is not None and image.alt == ""


def _texts_drawn_in_changes(app, monkeypatch, demo_id) -> tuple[int, int]:
    """(texts drawn in the practice frame during the step changes, texts in the steps), going
    through ``demo_id`` forwards with a few frames of reading before each change."""
    from kiosk.ui.widgets.common import EagerText

    screen = start(app, demo_id, "fi")
    frame = screen.ids.frame
    for _ in range(200):  # the pool fills while the first step shows
        if not frame._to_make:
            break
        frames(1)
    drawn = []
    original = EagerText.texture_update

    @functools.wraps(original)  # Kivy finds a bound method again by its name
    def counting(widget, *args):
        if frame.ids.column in set(_ancestors(widget)):
            drawn.append(widget)
        return original(widget, *args)

    monkeypatch.setattr(EagerText, "texture_update", counting)
    changes = texts = 0
    for number in range(2, app.player.step_count + 1):
        frames(4)  # the visitor reads
        before = len(drawn)
        app.player.goto(number)
        frames(1)
        changes += len(drawn) - before
        texts += sum(1 for w in walk(frame.ids.column) if getattr(w, "text", ""))
    monkeypatch.setattr(EagerText, "texture_update", original)
    return changes, texts


def _ancestors(widget):
    while widget is not None and widget.parent is not widget:
        yield widget
        widget = widget.parent


def test_the_next_steps_texts_are_drawn_while_the_visitor_reads(app, monkeypatch):
    from kiosk.ui.widgets.mock import MockFrame

    ahead, texts = _texts_drawn_in_changes(app, monkeypatch, "kela-housing-allowance")
    monkeypatch.setattr(MockFrame, "prepare_next", lambda *_args: 0)
    without, _ = _texts_drawn_in_changes(app, monkeypatch, "kela-housing-allowance")
    assert without > 10, "the demo's steps change their texts"
    assert ahead <= without / 4, f"{ahead} texts drawn in step changes, {without} without"
