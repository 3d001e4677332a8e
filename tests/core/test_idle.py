import pytest

from kiosk.core.idle import IdlePolicy


def test_active_then_warning_then_expired():
    p = IdlePolicy(idle_seconds=90, warning_seconds=30)
    p.touch(1000.0)
    assert p.state(1089.9).phase == "active"
    warn = p.state(1090.0)
    assert (warn.phase, warn.remaining) == ("warning", 30)
    assert p.state(1105.2).remaining == 15
    assert p.state(1119.5).remaining == 1
    assert p.state(1120.0).phase == "expired"


def test_a_touch_during_the_warning_extends_as_often_as_needed():
    p = IdlePolicy(idle_seconds=90, warning_seconds=30)
    p.touch(0.0)
    for round_start in (0.0, 110.0, 220.0):
        assert p.state(round_start + 110).phase == "warning"
        p.touch(round_start + 110)
        assert p.state(round_start + 111).phase == "active"


def test_countdown_shorter_than_twenty_seconds_is_refused():
    with pytest.raises(ValueError, match="at least 20"):
        IdlePolicy(idle_seconds=90, warning_seconds=10)
