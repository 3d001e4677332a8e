"""The assisted-mode state machine (kiosk.core.assist): pure, time injected."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from kiosk.core.assist import Action, AssistMode, EmergencyGuard, Helper, NotAllowed


def helper(role="staff", assist_id=7, on_behalf=None, maintenance=None):
    out = SimpleNamespace(
        assist_id=assist_id,
        staff_id=3,
        display_name="Anna",
        role=role,
        on_behalf_allowed=role in ("staff", "admin") if on_behalf is None else on_behalf,
        maintenance_allowed=role == "admin" if maintenance is None else maintenance,
    )
    return Helper.from_unlock(out)


def assisted(role="staff", now=0.0, **kw):
    mode = AssistMode(idle_exit_seconds=300, login_timeout_seconds=60)
    mode.open_login("number", now)
    assert mode.unlocked(helper(role, **kw), now) == []
    return mode


def test_visitor_to_assisted_to_out():
    mode = AssistMode(300, 60)
    assert mode.phase == "visitor" and not mode.active
    mode.open_login("card", 0)
    assert mode.phase == "asking" and mode.method == "card" and not mode.active
    mode.open_login("code", 1)  # "I have a code" on the same screen
    assert mode.method == "code"
    mode.unlocked(helper(), 2)
    assert mode.active and mode.helper.display_name == "Anna" and mode.helper.assist_id == 7
    assert mode.end("button", 3) == [Action("assist_end", 7, reason="button")]
    assert mode.phase == "visitor" and mode.helper is None


def test_login_cancelled_or_timed_out_records_nothing():
    mode = AssistMode(300, 60)
    mode.open_login("number", 0)
    assert mode.due(59) is None
    assert mode.due(60) == "login_timeout"
    assert mode.end("idle", 60) == []
    assert mode.phase == "visitor"
    with pytest.raises(NotAllowed):
        mode.unlocked(helper(), 61)  # a late answer for a closed login is refused


def test_idle_exit_after_the_configured_time_touches_restart_it():
    mode = assisted(now=100)
    assert mode.due(399) is None
    mode.touch(350)
    assert mode.due(649) is None
    assert mode.due(650) == "idle"
    assert mode.end("idle", 650)[-1] == Action("assist_end", 7, reason="idle")


@pytest.mark.parametrize("role", ["staff", "admin", "regional"])
def test_on_behalf_with_consent_for_staff_roles(role):
    mode = assisted(role, on_behalf=True)
    mode.ask_consent(" Kela ", 5)
    assert mode.phase == "consent" and mode.service_area == "Kela"
    assert mode.consent(True, 6) == [Action("on_behalf_start", 7, service_area="Kela")]
    assert mode.phase == "on_behalf"
    assert mode.end("button", 7) == [
        Action("on_behalf_end", 7, service_area="Kela"),
        Action("assist_end", 7, reason="button"),
    ]


def test_the_visitor_may_say_no():
    mode = assisted()
    mode.ask_consent("Kela", 1)
    assert mode.consent(False, 2) == []
    assert mode.phase == "assisted" and mode.service_area is None


def test_on_behalf_refused_for_a_volunteer_even_if_the_flag_said_yes():
    mode = assisted("volunteer", on_behalf=True)
    assert not mode.helper.may_act_on_behalf
    with pytest.raises(NotAllowed):
        mode.ask_consent("Kela", 1)
    assert mode.phase == "assisted"


def test_on_behalf_refused_when_the_hub_says_no():
    mode = assisted("staff", on_behalf=False)
    with pytest.raises(NotAllowed):
        mode.ask_consent("Kela", 1)


def test_consent_needs_a_question_first():
    mode = assisted()
    with pytest.raises(NotAllowed):
        mode.consent(True, 1)


def test_maintenance_exit_for_admins_only():
    for role in ("volunteer", "staff"):
        mode = assisted(role, maintenance=True)
        with pytest.raises(NotAllowed):
            mode.maintenance_exit(1)
        assert mode.active
    mode = assisted("admin")
    assert mode.maintenance_exit(1) == [
        Action("maintenance_exit", 7),
        Action("assist_end", 7, reason="maintenance"),
    ]
    assert not mode.active


def test_emergency_code_is_audited_and_allows_little():
    mode = AssistMode(300, 60)
    mode.open_login("emergency", 0)
    assert mode.unlocked(Helper.by_emergency_code(), 0) == [Action("emergency_unlock", None)]
    h = mode.helper
    assert h.emergency and not h.may_act_on_behalf and not h.may_exit_to_desktop
    assert not h.may_handle_requests
    assert mode.real_service("https://kela.fi", ["https://kela.fi"], 1) == [
        Action("real_service_opened", None, url="https://kela.fi")
    ]
    assert mode.end("session_end", 2) == [Action("assist_end", None, reason="session_end")]


def test_only_configured_real_services_and_only_in_assisted_mode():
    mode = assisted()
    with pytest.raises(NotAllowed):
        mode.real_service("https://evil.example", ["https://kela.fi"], 1)
    mode.end("button", 2)
    with pytest.raises(NotAllowed):
        mode.real_service("https://kela.fi", ["https://kela.fi"], 3)


def test_no_second_login_while_assisted():
    mode = assisted()
    with pytest.raises(NotAllowed):
        mode.open_login("card", 1)


def test_action_body_is_the_wire_shape():
    from kiosk.protocol.assist import AssistActionIn

    body = Action("on_behalf_start", 7, service_area="Kela").body("2026-01-02T10:00:00+00:00")
    assert body == {
        "action": "on_behalf_start",
        "at": "2026-01-02T10:00:00+00:00",
        "assist_id": 7,
        "service_area": "Kela",
    }
    AssistActionIn.model_validate_json(json.dumps(body))  # as the hub reads it
    emergency = Action("emergency_unlock", None).body("2026-01-02T10:00:00+00:00")
    AssistActionIn.model_validate_json(json.dumps(emergency))


def test_emergency_guard_locks_after_repeated_wrong_codes():
    guard = EmergencyGuard(max_attempts=3, lock_seconds=900)
    assert guard.failed(0) == 0 and guard.failed(1) == 0
    assert guard.failed(2) == 900
    assert guard.locked_for(3) == 899
    assert guard.locked_for(902) == 0
    guard.failed(903)
    guard.succeeded()
    assert guard.failures == 0
