"""The kiosk's link against a real hub over real HTTP: request, claim, message, outage, restart,
and one kiosk unable to touch another's request."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from kiosk.services.hublink import make_link
from kiosk.services.hublink.client import HubClient, HubRefused
from kiosk.services.hublink.outbox import Outbox
from tests.e2e.support import enrol_kiosk, kiosk_settings, wait_until

pytestmark = pytest.mark.e2e
CTX = {
    "language": "fi",
    "text_size": 200,
    "read_aloud": True,
    "demo": "kela-housing",
    "step": "income",
    "stuck_seconds": 95,
    "topic": "current_task",
}


class Seen:
    """The statuses a link hands over, recorded from its threads."""

    def __init__(self) -> None:
        self.items = []
        self.lock = threading.Lock()

    def __call__(self, status) -> None:
        with self.lock:
            self.items.append((time.monotonic(), status))

    @property
    def last(self):
        with self.lock:
            return self.items[-1][1] if self.items else None

    def phases(self):
        with self.lock:
            return [s.phase for _, s in self.items]


@pytest.fixture
def kiosk(site, tmp_path):
    """An enrolled kiosk's settings and a factory for its link (stopped afterwards)."""
    data = tmp_path / "kiosk"
    enrol_kiosk(site.hub, site.site_id, data)
    settings = kiosk_settings(data, site.hub.url)
    links = []

    def start():
        seen = Seen()
        link = make_link(settings, on_status=seen, on_main=lambda fn: fn())
        link.start()
        links.append(link)
        return link, seen

    yield settings, start
    for link in links:
        link.stop()


def test_button_to_staff_queue_to_claim_to_kiosk(site, kiosk):
    _, start = kiosk
    link, seen = start()
    link.call(CTX)
    wait_until(lambda: seen.last is not None and seen.last.phase == "waiting")
    assert seen.last.position == 1 and seen.last.expected_wait_seconds is not None
    [item] = site.hub.queue(site.helper_token)
    # Context, never identity: exactly the fields the visitor's situation gives.
    assert (item["demo"], item["step"], item["topic"], item["text_size"]) == (
        "kela-housing",
        "income",
        "current_task",
        200,
    )
    assert item["place"] == "by the window" and item["read_aloud"] is True
    claimed_at = time.monotonic()
    site.hub.claim(site.helper_token, item["id"])
    took = wait_until(lambda: seen.last.phase == "claimed", timeout=3)
    assert seen.last.helper_name == "Anna"
    assert took < 1.0, f"the kiosk learnt of the claim after {took:.2f} s"
    site.hub.message(site.helper_token, item["id"], "coming")
    wait_until(lambda: seen.last.message is not None, timeout=3)
    assert seen.last.message["fi"] == "Tulen, 2 minuuttia."
    assert time.monotonic() - claimed_at < 5


def test_cancel_reaches_the_hub(site, kiosk):
    _, start = kiosk
    link, seen = start()
    link.call(CTX)
    wait_until(lambda: seen.last is not None and seen.last.phase == "waiting")
    link.cancel()
    wait_until(lambda: site.hub.queue(site.helper_token) == [], timeout=5)
    [done] = site.hub.history(site.helper_token)
    assert done["cancelled_at"] is not None


def test_hub_down_calm_then_back_arrives_exactly_once(site, kiosk):
    _, start = kiosk
    link, seen = start()
    wait_until(lambda: seen.last is not None and seen.last.helper_on_duty is not None)
    site.hub.stop()
    link.call(CTX)
    wait_until(lambda: seen.last.phase == "unreachable", timeout=5)
    time.sleep(1.0)  # several retries while down
    outbox = Outbox.open(link.outbox_path)
    assert outbox.all()[0].attempts >= 2
    site.hub.start()
    wait_until(lambda: seen.last.phase == "waiting", timeout=10)
    assert len(site.hub.queue(site.helper_token)) == 1
    time.sleep(0.5)  # give any duplicate a chance to show up
    assert len(site.hub.queue(site.helper_token)) == 1
    assert link.delivered == 1


KILLED_KIOSK = textwrap.dedent(
    """
    import os, sys, time
    from kiosk.config import load_settings
    from kiosk.services.hublink import make_link
    settings = load_settings(extra={"paths": {"data_dir": sys.argv[1]},
                                    "hub": {"url": sys.argv[2], "retry_first_seconds": 0.1,
                                            "retry_max_seconds": 0.2}})
    phases = []
    link = make_link(settings, on_status=lambda s: phases.append(s.phase), on_main=lambda f: f())
    link.start()
    link.call({"language": "sv", "text_size": 100, "read_aloud": False,
               "stuck_seconds": 3, "topic": None})
    deadline = time.monotonic() + 20
    while "unreachable" not in phases and time.monotonic() < deadline:
        time.sleep(0.01)
    print(phases[-1], flush=True)
    os.kill(os.getpid(), 9)
    """
)


def test_killed_kiosk_delivers_after_restart_exactly_once(site, kiosk, tmp_path):
    settings, start = kiosk
    site.hub.stop()
    out = subprocess.run(
        [sys.executable, "-c", KILLED_KIOSK, str(settings.paths.data_dir), site.hub.url],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "KIVY_NO_CONSOLELOG": "1"},
    )
    assert out.returncode == -9, out.stderr
    assert out.stdout.strip() == "unreachable"
    site.hub.start()
    time.sleep(1.0)
    link, seen = start()
    wait_until(lambda: seen.last is not None and seen.last.phase == "waiting", timeout=10)
    [item] = site.hub.queue(site.helper_token)
    assert item["language"] == "sv"
    # The hub dates it from when the visitor pressed the button, not from the restart.
    assert item["waited_seconds"] >= 1
    link.stop()
    link2, seen2 = start()  # a second restart sends nothing again
    wait_until(lambda: seen2.last is not None and seen2.last.phase == "waiting", timeout=10)
    assert len(site.hub.queue(site.helper_token)) == 1 and link2.delivered == 0


def test_a_kiosk_cannot_read_or_cancel_another_kiosks_request(site, kiosk, tmp_path):
    _, start = kiosk
    link, seen = start()
    link.call(CTX)
    wait_until(lambda: seen.last is not None and seen.last.request_id is not None)
    mine = seen.last.request_id
    other = enrol_kiosk(site.hub, site.site_id, tmp_path / "other", place="stairs")
    with HubClient(site.hub.url, other, timeout=5) as client:
        for call in (client.get_request, client.cancel_request):
            with pytest.raises(HubRefused) as refused:
                call(mine)
            assert refused.value.status == 404
    [item] = site.hub.queue(site.helper_token)
    assert item["state"] == "waiting"
