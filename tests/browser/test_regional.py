"""The regional role on the dashboard (issue #6): only escalated requests show, live, with the
flag and the alert; the regional helper messages the visitor and takes the request; no duty."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kiosk.hub.app import sweep_once
from tests.browser.conftest import LiveHub, log_in
from tests.browser.test_escalation_and_messages import age

pytestmark = pytest.mark.browser


def test_regional_sees_only_escalated_requests_and_answers(live_hub: LiveHub, browser) -> None:
    live_hub.api.staff("rea", "regional", [live_hub.site, live_hub.other_site])
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    log_in(page, live_hub, "rea")
    page.locator("#live.on").wait_for(timeout=5000)
    expect(page.locator(".regional-hint")).to_be_visible()
    assert page.locator("button.duty").count() == 0
    assert page.locator("a.edit-messages").count() == 0

    fresh = live_hub.ask(topic="just came")
    late = live_hub.ask(topic="nobody came", kiosk=live_hub.other_kiosk)
    staff = browser.new_page()
    log_in(staff, live_hub, "anna")  # the site's own staff see the fresh one at once
    staff.locator(f'.item[data-id="{fresh["id"]}"]').wait_for(timeout=2000)
    page.wait_for_timeout(500)
    assert page.locator(".item").count() == 0
    assert page.evaluate("window.dashboardBeeps") == 0

    age(live_hub, late["id"], 6)
    assert sweep_once(live_hub.hub) == 1
    item = page.locator(f'.item[data-id="{late["id"]}"]')
    expect(item.locator(".flag")).to_be_visible(timeout=2000)
    expect(page.locator("#alert")).to_have_text("Waited too long: Entrance hall (Kallio)")
    assert page.locator(".item").count() == 1

    item.locator("summary").click()
    item.locator('button.message[data-key="callback"]').click()
    expect(item.locator(".notice")).to_contain_text("Message sent")
    sent = live_hub.kiosk_request(late["id"], live_hub.other_kiosk)["last_message"]
    assert sent["key"] == "callback"
    item.locator("button.take").click()
    expect(item.locator(".state")).to_have_text("Taken by Rea", timeout=2000)
    page.screenshot(path="/tmp/dashboard-regional-desk.png", full_page=True)
    staff.close()
    page.close()
