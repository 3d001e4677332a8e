"""The help screens on the real offscreen window, with the link replaced by a recorder.

The link's statuses are handed in as the app's hand-off would (``vm.apply`` on the UI thread);
the same flow with the real link against a real hub is in tests/e2e/test_help_ui_e2e.py.
"""

from __future__ import annotations

import pytest

from kiosk.services.hublink.status import HelpStatus
from tests.ui.harness import find, frames, tap

pytestmark = pytest.mark.widget


class RecordingLink:
    """Stands in for HubLink: records what the screens ask for."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.cancels = 0

    def call(self, context, key=None):
        self.calls.append(context)
        return f"key-{len(self.calls)}"

    def cancel(self):
        self.cancels += 1

    def stop(self):
        pass


@pytest.fixture
def linked(app):
    link = RecordingLink()
    app.link = app.help.link = link
    app.help.connected = True
    app.said = []
    app.say = app.said.append
    tap(find(app.root, "welcome_title"))
    return app, link


def status(app, phase, n=1, **fields):
    app.help.apply(HelpStatus(phase=phase, key=f"key-{n}", **fields))
    frames(2)


def call_from(app, screen="settings"):
    tap(find(app.root, screen))
    tap(find(app.root, "call_helper"))
    tap(find(app.root, "help_call"))


def test_not_connected_says_so_plainly(app):
    tap(find(app.root, "welcome_title"))
    tap(find(app.root, "call_helper"))
    assert app.nav.current == "help"
    assert find(app.root, "help_not_connected").text.startswith("Tästä laitteesta")
    tap(find(app.root, "help_back"))
    assert app.nav.current == "home"


def test_topics_are_prefilled_from_what_the_visitor_does(linked):
    app, link = linked
    app.help_context = lambda: {"demo": "kela-housing", "step": 4, "stuck_seconds": 75}
    app.session.set_pref("text_size", 150)
    tap(find(app.root, "call_helper"))
    assert find(app.root, "help_heading").text == "Avustaja tulee luoksesi."
    assert find(app.root, "help_topic_current_task").role == "primary"  # chosen for them
    tap(find(app.root, "help_topic_own_device"))
    assert find(app.root, "help_topic_current_task").role == "secondary"
    tap(find(app.root, "help_call"))
    assert link.calls == [
        {
            "language": "fi",
            "text_size": 150,
            "read_aloud": False,
            "demo": "kela-housing",
            "step": "4",
            "stuck_seconds": 75,
            "topic": "own_device",
        }
    ]
    assert app.nav.current == "help_queue"
    assert find(app.root, "help_queue_heading").text == "Avustajaa kutsutaan…"


def test_no_demo_no_preselected_topic_and_unpicking_is_allowed(linked):
    app, link = linked
    tap(find(app.root, "call_helper"))
    assert [w.role for w in (find(app.root, "help_topic_kiosk"),)] == ["secondary"]
    tap(find(app.root, "help_topic_kiosk"))
    tap(find(app.root, "help_topic_kiosk"))
    tap(find(app.root, "help_call"))
    assert link.calls[0]["topic"] is None and link.calls[0]["demo"] is None


def test_queue_place_and_wait_update_live_then_helper_is_coming(linked):
    app, _ = linked
    call_from(app)
    status(app, "waiting", position=3, expected_wait_seconds=1200)
    assert find(app.root, "help_position").text == "Paikkasi jonossa: 3."
    assert find(app.root, "help_wait").text == "Odotusaika on noin 20 minuuttia."
    status(app, "waiting", position=1, expected_wait_seconds=400)
    assert find(app.root, "help_position").text == "Paikkasi jonossa: 1."
    assert find(app.root, "help_wait").text == "Odotusaika on noin 7 minuuttia."
    status(app, "claimed", helper_name="Anna")
    assert app.nav.current == "help_coming"
    assert find(app.root, "help_coming_heading").text == "Anna tulee auttamaan sinua."
    assert "Anna tulee auttamaan sinua." in app.said  # (the app also reads each screen)


def test_staff_message_in_large_type_in_the_visitors_language(linked):
    app, _ = linked
    app.session.set_pref("language", "sv")
    call_from(app)
    texts = {"fi": "Tulen, 2 minuuttia.", "sv": "Jag kommer, 2 minuter.", "en": "Coming"}
    status(app, "claimed", helper_name="Anna", message=texts)
    message = find(app.root, "help_message")
    assert message.text == "Jag kommer, 2 minuter."
    assert message.font_size > find(app.root, "call_helper").font_size
    assert "Jag kommer, 2 minuter." in app.said


def test_back_keeps_the_call_and_the_bar_button_returns_to_it(linked):
    app, link = linked
    call_from(app)
    status(app, "waiting", position=2, expected_wait_seconds=600)
    tap(find(app.root, "back"))
    assert app.nav.current == "settings"
    tap(find(app.root, "call_helper"))
    assert app.nav.current == "help_queue"
    tap(find(app.root, "call_helper"))  # pressed again on the queue screen itself
    assert app.nav.current == "help_queue"
    tap(find(app.root, "back"))
    assert app.nav.current == "settings"  # the redirects did not add steps to the way back
    assert len(link.calls) == 1


def test_cancel_returns_to_what_the_visitor_was_doing(linked):
    app, link = linked
    call_from(app)
    status(app, "waiting", position=1)
    tap(find(app.root, "help_cancel"))
    assert link.cancels == 1
    assert app.nav.current == "settings"
    status(app, "waiting", position=1)  # late news of the cancelled call is not shown
    assert app.nav.current == "settings" and app.help.phase == "cancelled"
    tap(find(app.root, "call_helper"))
    assert app.nav.current == "help"


def test_hub_unreachable_is_calm_and_then_the_call_goes_through(linked):
    app, _ = linked
    call_from(app)
    status(app, "unreachable")
    assert app.nav.current == "help_unreachable"
    assert find(app.root, "help_unreachable_heading").text == "Mene palvelupisteeseen."
    status(app, "waiting", position=1, expected_wait_seconds=600)
    assert app.nav.current == "help_queue"


def test_a_call_that_expires_says_so_and_can_be_made_again(linked):
    app, link = linked
    call_from(app)
    status(app, "expired")
    assert find(app.root, "help_ended_heading").text == "Avustaja ei päässyt tulemaan tällä kertaa."
    tap(find(app.root, "help_call_again"))
    assert app.nav.current == "help"
    tap(find(app.root, "help_call"))
    assert len(link.calls) == 2


def test_end_session_cancels_an_open_call(linked):
    app, link = linked
    call_from(app)
    status(app, "claimed", helper_name="Anna")
    tap(find(app.root, "end_session"))
    tap(find(app.root, "end_confirm"))
    assert link.cancels == 1
    assert app.nav.current == "welcome" and app.help.phase == "none"


def test_an_open_call_holds_the_session_and_ending_it_cancels_the_call(linked, clock):
    app, link = linked
    call_from(app)
    status(app, "waiting", position=1)
    s = app.settings.session
    clock.advance(s.idle_seconds + s.warning_seconds + 1)
    for _ in range(3):
        app.session.tick()
        frames(1)
    # Someone is coming: waiting quietly is not leaving, so no idle wipe.
    assert app.session.active and link.cancels == 0
    tap(find(app.root, "end_session"))
    tap(find(app.root, "end_confirm"))
    assert link.cancels == 1 and app.nav.current == "welcome"


def test_a_call_left_open_by_a_restart_is_shown(linked):
    app, _ = linked
    status(app, "waiting", n=9, position=4, expected_wait_seconds=900)
    tap(find(app.root, "call_helper"))
    assert app.nav.current == "help_queue"
    assert find(app.root, "help_position").text == "Paikkasi jonossa: 4."
