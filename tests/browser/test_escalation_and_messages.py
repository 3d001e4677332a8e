"""A request nobody takes in time is flagged and put first; staff edit their site's quick
messages, and the kiosk receives the edited text."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from kiosk.hub.app import sweep_once
from kiosk.hub.models import HelpRequest
from tests.browser.conftest import LiveHub, log_in

pytestmark = pytest.mark.browser


def age(live_hub: LiveHub, request_id: int, minutes: int) -> None:
    """Date a request back, as if it had waited ``minutes`` already."""
    hub = live_hub.hub
    with hub.transaction() as db:
        db.execute(
            update(HelpRequest)
            .where(HelpRequest.id == request_id)
            .values(created_at=hub.clock() - timedelta(minutes=minutes))
        )


def test_an_escalated_request_is_flagged_and_served_first(live_hub: LiveHub, browser) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    log_in(page, live_hub, "anna")
    page.locator("#live.on").wait_for(timeout=5000)
    first = live_hub.ask(topic="first")
    late = live_hub.ask(topic="late")
    page.locator(f'.item[data-id="{late["id"]}"]').wait_for(timeout=2000)
    assert page.locator(".item").first.get_attribute("data-id") == str(first["id"])
    age(live_hub, late["id"], 6)  # the site's limit is 5 minutes (hub.toml default)
    age(live_hub, first["id"], 1)
    assert sweep_once(live_hub.hub) == 1
    late_item = page.locator(f'.item[data-id="{late["id"]}"]')
    expect(late_item.locator(".flag")).to_be_visible(timeout=2000)
    expect(late_item).to_have_class(re.compile(r"\bescalated\b"))
    assert page.locator(".item").first.get_attribute("data-id") == str(late["id"])
    assert live_hub.kiosk_request(late["id"])["escalated"] is True
    expect(page.locator("#alert")).to_have_text(
        "Waited too long: 2nd floor, by the newspapers (Pasila)"
    )
    page.screenshot(path="/tmp/dashboard-escalated-desk.png", full_page=True)
    page.close()


def test_staff_edit_quick_messages_and_the_kiosk_gets_them(live_hub: LiveHub, browser) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    log_in(page, live_hub, "anna")
    page.click("a.edit-messages")
    page.fill("input[name=key_3]", "screen")
    page.fill("input[name=fi_3]", "Katsotaan yhdessä näyttöä.")
    page.fill("input[name=sv_3]", "Vi tittar på skärmen tillsammans.")
    page.fill("input[name=en_3]", "Let's look at the screen together.")
    page.screenshot(path="/tmp/dashboard-messages-phone.png", full_page=True)
    page.click(".messages-form button[type=submit]")
    expect(page.locator(".notice")).to_have_text("Messages saved.")
    # A row with a missing language is refused with a message naming it.
    page.fill("input[name=sv_3]", "")
    page.click(".messages-form button[type=submit]")
    expect(page.locator(".error")).to_contain_text("screen")
    expect(page.locator(".error")).to_contain_text("sv")

    made = live_hub.ask(topic="needs the new message")
    page.goto(f"{live_hub.url}/dashboard/")
    item = page.locator(f'.item[data-id="{made["id"]}"]')
    item.locator("summary").click()
    item.locator('button.message[data-key="screen"]').click()
    expect(item.locator(".notice")).to_contain_text("Message sent")
    sent = live_hub.kiosk_request(made["id"])["last_message"]
    assert sent["text"]["sv"] == "Vi tittar på skärmen tillsammans."

    # A volunteer may not edit, even by posting the form by hand.
    volunteer = browser.new_context().new_page()
    log_in(volunteer, live_hub, "ville")
    assert volunteer.locator("a.edit-messages").count() == 0
    url = f"{live_hub.url}/dashboard/sites/{live_hub.site}/messages"
    assert volunteer.request.get(url).status == 403
    page.close()
    volunteer.context.close()
