"""The look for an 80-year-old: big type, big targets, strong contrast, nothing cut at 200 %."""

from __future__ import annotations

import itertools
import re

import pytest
from kivy.uix.scrollview import ScrollView

from kiosk.ui.screen_names import SCREEN_NAMES
from kiosk.ui.theme import PALETTES, TEXT_PAIRS, contrast_ratio
from kiosk.ui.widgets.common import KButton, KHeading, KLabel
from tests.ui.harness import frames, labels, shown, walk

pytestmark = pytest.mark.widget
LANGS = ["fi", "sv", "en"]


def show(app, screen, lang, size, contrast=False):
    app.show("home")
    app.session.set_pref("language", lang)
    app.session.set_pref("text_size", size)
    app.session.set_pref("high_contrast", contrast)
    app.show(screen)
    frames(4)


def scrollview_of(widget):
    p = widget.parent
    while p is not None and p is not p.parent:
        if isinstance(p, ScrollView):
            return p
        p = p.parent
    return None


def in_scrollview(widget):
    return scrollview_of(widget) is not None


def visible_rect(widget):
    """The part of ``widget`` a visitor sees, in window coordinates (a page clips its content)."""
    x, y = widget.to_window(*widget.pos)
    x2, y2 = x + widget.width, y + widget.height
    view = scrollview_of(widget)
    if view is not None:
        vx, vy = view.to_window(*view.pos)
        x, y = max(x, vx), max(y, vy)
        x2, y2 = min(x2, vx + view.width), min(y2, vy + view.height)
    return (x, y, x2, y2) if x2 > x and y2 > y else None


MARKUP = re.compile(r"\[/?(?:b|i|u|s|color|size|font|ref|anchor|sub|sup)(?:=[^\]]*)?\]")


def broken_words(label):
    """Words the layout split across two lines (Kivy breaks a word wider than the label).

    A label that shortens on purpose (``shorten``, with an ellipsis: the address bar) is not
    asked; markup tags are not words.
    """
    if label.shorten:
        return []
    text = MARKUP.sub("", label.text) if label.markup else label.text
    lines = [" ".join(w.text for w in line.words).strip() for line in label._label._cached_lines]
    line_words = {w for line in lines for w in line.split()}
    return [w for w in text.split() if w not in line_words]


def fit_problems(root, window):
    problems = []
    for label in labels(root):
        name = f"{label.__class__.__name__}({label.text[:40]!r})"
        tw, th = label.texture_size
        if tw > label.width + 1 or th > label.height + 1:
            problems.append(
                f"{name}: text {tw}x{th} does not fit {label.width:.0f}x{label.height:.0f}"
            )
        if broken := broken_words(label):
            problems.append(f"{name}: words broken across lines: {broken}")
        x, y = label.to_window(label.x, label.y)
        if x < -1 or x + label.width > window.width + 1:
            problems.append(f"{name}: outside the window horizontally")
        if not in_scrollview(label) and (y < -1 or y + label.height > window.height + 1):
            problems.append(f"{name}: outside the window vertically and cannot scroll")
    return problems


def beyond_the_bars(app):
    """Widgets of the current screen that reach over the top or bottom bar (a page's content
    scrolls instead): they would be cut off, or cover Back or Call a helper."""
    screens = app.shell.ids.screens
    _, bottom = screens.to_window(*screens.pos)
    top = bottom + screens.height
    found = []
    for widget in walk(screens.current_screen):
        if not shown(widget) or in_scrollview(widget) or widget.height <= 0:
            continue
        _, y = widget.to_window(widget.x, widget.y)
        y2 = y + widget.height
        if y < bottom - 1 or y2 > top + 1:
            name = getattr(widget, "test_name", "") or type(widget).__name__
            found.append(f"{name}: {y:.0f}..{y2:.0f} outside {bottom:.0f}..{top:.0f}")
    return found


@pytest.mark.parametrize("screen", SCREEN_NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_every_screen_fits_at_200_percent(app, window, screen, lang):
    show(app, screen, lang, 200)
    assert fit_problems(app.root, window) == []
    assert beyond_the_bars(app) == []


@pytest.mark.parametrize("screen", SCREEN_NAMES)
def test_every_screen_fits_at_100_percent_high_contrast(app, window, screen):
    show(app, screen, "sv", 100, contrast=True)
    assert fit_problems(app.root, window) == []
    assert beyond_the_bars(app) == []


@pytest.mark.parametrize("screen", SCREEN_NAMES)
def test_type_and_targets_are_big_enough(app, screen):
    show(app, screen, "fi", 100)
    for w in labels(app.root):
        if isinstance(w, KHeading):
            assert w.font_size >= 48, w.text
        elif isinstance(w, KLabel | KButton):
            assert w.font_size >= 32, w.text
    buttons = [w for w in walk(app.root) if isinstance(w, KButton) and shown(w) and not w.disabled]
    for b in buttons:
        assert b.width >= 96 and b.height >= 96, f"{b.text}: {b.size}"
    seen = [(b, r) for b in buttons if (r := visible_rect(b)) is not None]
    for (a, ra), (b, rb) in itertools.combinations(seen, 2):
        gap_x = max(rb[0] - ra[2], ra[0] - rb[2])
        gap_y = max(rb[1] - ra[3], ra[1] - rb[3])
        gap = max(gap_x, gap_y)
        assert gap >= 16 - 0.5, f"{a.text!r} and {b.text!r} are {gap} px apart"


@pytest.mark.parametrize("palette", sorted(PALETTES))
def test_all_text_colours_have_7_to_1_contrast(palette):
    colours = PALETTES[palette]
    for fg, bg in TEXT_PAIRS:
        assert contrast_ratio(colours[fg], colours[bg]) >= 7.0, (palette, fg, bg)


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
