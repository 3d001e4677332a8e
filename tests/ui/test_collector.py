"""Full garbage collections wait for a quiet screen (kiosk/ui/collector.py), with Python's
real collector and the kiosk's started app."""

from __future__ import annotations

import gc

import pytest

from kiosk.ui.collector import NEVER, QuietCollector
from tests.ui.harness import find, frames, tap


def _young_collections() -> None:
    """Make Python run young collections until a full one would be due."""
    kept = []
    while gc.get_count()[2] == 0:
        kept.append([[] for _ in range(1000)])


@pytest.fixture
def collector(window, clock):
    made = QuietCollector(clock, quiet_seconds=3.0, overdue=1000)
    thresholds = gc.get_threshold()
    yield made
    made.stop()
    assert gc.get_threshold() == thresholds
    assert gc.get_freeze_count() == 0


def test_start_freezes_what_lives_and_turns_automatic_full_collections_off(collector):
    collector.start()
    assert collector.started
    assert gc.get_freeze_count() > 0
    assert gc.get_threshold()[2] == NEVER
    collector.stop()
    assert not collector.started
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold()[2] != NEVER


def test_a_due_collection_waits_until_the_screen_is_quiet(collector, clock):
    collector.start()
    _young_collections()
    clock.advance(2.9)
    assert collector.check() is False
    assert gc.get_count()[2] > 0, "nothing may be collected before the screen is quiet"
    clock.advance(0.2)
    assert collector.check() is True
    assert collector.collections == 1
    assert gc.get_count()[2] == 0
    # Nothing due: a quiet screen alone does not start another one.
    clock.advance(10)
    assert collector.check() is False


def test_a_touch_starts_the_quiet_time_again(app, clock):
    collector = QuietCollector(clock, quiet_seconds=3.0, overdue=1000)
    try:
        collector.start()
        app.session.start()
        frames(3)
        clock.advance(2.5)
        tap(find(app.shell, "settings"))
        _young_collections()
        clock.advance(2.5)  # 5 s since the start, 2.5 s since the touch
        assert collector.check() is False
        clock.advance(1)
        assert collector.check() is True
    finally:
        collector.stop()


def test_an_overdue_collection_runs_even_while_the_visitor_is_touching(window, clock):
    collector = QuietCollector(clock, quiet_seconds=3.0, overdue=1)
    try:
        collector.start()
        _young_collections()
        assert collector.check() is True
        assert gc.get_count()[2] == 0
    finally:
        collector.stop()


def test_the_app_hands_collections_over_once_its_screens_are_built(app, window):
    app.dispatch("on_start")
    for _ in range(400):
        if app.collector.started:
            break
        window.canvas.ask_update()  # start-up waits for frames to be drawn
        frames(1)
    assert app.collector.started, "the collector starts when the last screen is pre-built"
    assert gc.get_threshold()[2] == NEVER
    app.dispatch("on_stop")
    assert not app.collector.started
    assert gc.get_threshold()[2] != NEVER
    # Stopped here, so the fixture must not stop it again.
    window.remove_widget(app.root)
    app.root = None
