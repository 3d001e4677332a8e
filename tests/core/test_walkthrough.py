"""The walkthrough logic against the real bundled demos."""

from __future__ import annotations

import pytest

from kiosk.config import PROJECT_ROOT
from kiosk.core.events import EventChannel
from kiosk.core.walkthrough import Attempt, Walkthrough
from kiosk.packs.actions import show_me_value
from kiosk.packs.loader import load_packs


@pytest.fixture(scope="module")
def demos():
    result = load_packs([PROJECT_ROOT / "assets" / "packs"])
    assert result.problems == []
    return {d.id: d for d in result.demos}


def right_attempt(step):
    action = step.action
    if action.kind == "tap":
        return Attempt(component=step.target)
    if action.kind == "choose":
        return Attempt(component=step.target, option=action.option)
    if action.kind == "type":
        return Attempt(component=step.target, text=show_me_value(action))
    if action.kind == "card_insert":
        return Attempt(card=f"inserted:{action.card or 'any'}".replace(":any", ":unknown"))
    return Attempt(card="removed")


def record(channel):
    seen = []
    channel.subscribe(seen.append)
    return seen


def test_every_bundled_demo_completes_with_the_right_actions(demos):
    for demo in demos.values():
        for lang in ("fi", "sv", "en"):
            channel = EventChannel()
            events = record(channel)
            w = Walkthrough(demo, lang, channel, now=0.0)
            for n, step in enumerate(demo.steps, start=1):
                assert w.index == n - 1
                assert w.text("instruction")
                assert w.attempt(right_attempt(step), now=float(n)).verdict == "right", (
                    demo.id,
                    step.id,
                )
            assert w.finished
            kinds = [e.kind for e in events]
            assert kinds[0] == "demo_started" and kinds[-1] == "completed"
            assert kinds.count("step_reached") == len(demo.steps)


def test_help_grows_with_wrong_taps_and_resets_on_the_next_step(demos):
    demo = demos["bank-pay-bill"]
    channel = EventChannel()
    events = record(channel)
    w = Walkthrough(demo, "fi", channel, now=0.0)
    levels = []
    for _ in range(4):
        assert w.attempt(Attempt(component="not-the-target"), now=1.0).verdict == "wrong"
        levels.append(w.help_level)
    assert levels == [1, 2, 3, 3]
    assert [e.data["level"] for e in events if e.kind == "hint_shown"] == [1, 2, 3]
    w.attempt(right_attempt(w.step), now=2.0)
    assert w.help_level == 0 and w.index == 1


def test_a_wrong_typed_value_says_why_and_is_never_recorded(demos):
    demo = demos["bank-pay-bill"]
    typed_step = next(i for i, s in enumerate(demo.steps) if s.action.kind == "type")
    channel = EventChannel()
    events = record(channel)
    w = Walkthrough(demo, "sv", channel, now=0.0)
    for step in demo.steps[:typed_step]:
        w.attempt(right_attempt(step), now=1.0)
    outcome = w.attempt(Attempt(component=w.step.target, text="wrong text 999"), now=2.0)
    assert outcome.verdict == "wrong"
    if w.step.action.error is not None:
        assert outcome.error == w.step.action.error.get("sv")
    for event in events:
        assert "wrong text 999" not in repr(event.data)


def test_touching_the_list_or_field_itself_is_not_a_mistake(demos):
    demo = demos["suomifi-identification"]
    w = Walkthrough(demo, "en", EventChannel(), now=0.0)
    step = w.step
    if step.action.kind in ("choose", "type"):
        assert w.attempt(Attempt(component=step.target), now=1.0).verdict == "ignored"
        assert w.wrong == 0


def test_card_steps_wait_for_the_card_or_the_way_out(demos):
    demo = demos["suomifi-id-card"]
    w = Walkthrough(demo, "fi", EventChannel(), now=0.0)
    while w.step.action.kind != "card_insert":
        w.attempt(right_attempt(w.step), now=1.0)
    at = w.index
    assert w.attempt(Attempt(component="anything"), now=2.0).verdict == "ignored"
    if w.step.action.card == "id_card":
        assert w.attempt(Attempt(card="inserted:bank_card"), now=2.0).verdict == "wrong"
    w.skip_card(now=3.0)
    assert w.index == at + 1


def test_back_and_stop(demos):
    channel = EventChannel()
    events = record(channel)
    w = Walkthrough(demos["library-renew-reserve"], "fi", channel, now=0.0)
    w.back(now=1.0)
    assert w.index == 0
    w.attempt(right_attempt(w.step), now=1.0)
    w.back(now=2.0)
    assert w.index == 0
    w.stop(now=3.0)
    assert events[-1].kind == "stopped" and events[-1].data["step"] == 1
    assert w.attempt(right_attempt(w.step), now=4.0).verdict == "ignored"


def test_a_failing_listener_does_not_stop_the_demo(demos):
    channel = EventChannel()

    def broken(_event):
        raise RuntimeError("listener bug")

    channel.subscribe(broken)
    w = Walkthrough(demos["omavero-tax-card"], "fi", channel, now=0.0)
    assert w.attempt(right_attempt(w.step), now=1.0).verdict == "right"
