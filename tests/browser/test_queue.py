"""The live queue in a real Chromium against a real hub: a kiosk's request appears without a
reload, alerts, is taken (the kiosk learns the helper's name), gets a quick message, and is
resolved with an outcome that shows in today's history."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveHub, log_in

pytestmark = pytest.mark.browser


def kiosk_events(hub: LiveHub) -> list[dict[str, Any]]:
    r = hub.api.client.get(
        "/api/v1/kiosk/events", params={"after": 0, "wait": 0}, headers=hub.api.auth(hub.kiosk)
    )
    assert r.status_code == 200, r.text
    return r.json()["events"]  # type: ignore[no-any-return]


def test_request_appears_live_is_taken_messaged_and_resolved(live_hub: LiveHub, browser) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    log_in(page, live_hub, "anna")
    page.wait_for_selector("#live.on", timeout=5000)
    assert page.locator(".item").count() == 0
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads

    started = time.monotonic()
    made = live_hub.ask(
        topic="Kela: housing allowance",
        demo="kela-asumistuki",
        step="application",
        text_size=150,
        read_aloud=True,
        language="sv",
    )
    page.wait_for_selector(f'.item[data-id="{made["id"]}"]', timeout=1000)
    assert time.monotonic() - started < 1.0
    assert page.evaluate("window.loadedOnce") is True
    item = page.locator(f'.item[data-id="{made["id"]}"]')
    assert item.locator(".place").inner_text() == "2nd floor, by the newspapers"
    context = item.locator(".context").inner_text()
    for part in (
        "kela-asumistuki › application",
        "Language: Svenska",
        "Large text 150 %",
        "Read aloud",
    ):
        assert part in context
    # The alert: a banner naming the place, and the sound played.
    assert page.locator("#alert").is_visible()
    assert "2nd floor, by the newspapers" in page.locator("#alert").inner_text()
    assert page.evaluate("window.dashboardBeeps") == 1
    # The wait ticks without a reload.
    first = item.locator(".waited").inner_text()
    expect(item.locator(".waited")).not_to_have_text(first, timeout=3000)

    page.screenshot(path="/tmp/dashboard-desk.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path="/tmp/dashboard-phone.png", full_page=True)

    item.locator("button.take").click()
    expect(item.locator(".state")).to_have_text("Taken by Anna", timeout=2000)
    assert live_hub.kiosk_request(made["id"])["helper_name"] == "Anna"
    claimed = [e for e in kiosk_events(live_hub) if e["type"] == "claimed"]
    assert claimed and claimed[-1]["helper_name"] == "Anna"

    item.locator("summary").click()
    item.locator('button.message[data-key="desk"]').click()
    expect(item.locator(".notice")).to_contain_text("Message sent", timeout=2000)
    assert live_hub.kiosk_request(made["id"])["last_message"]["key"] == "desk"
    message = [e for e in kiosk_events(live_hub) if e["type"] == "message"][-1]
    assert message["message"]["text"]["sv"] == "Kom till informationsdisken, tack."

    item.locator("button.resolve").click()
    page.check('input[name=need_type][value="service_instructions"]')
    page.check("input[name=level][value='2']")
    page.fill("#service_area", "Kela")
    page.check("#on_behalf")
    page.click("#resolve-save")
    page.wait_for_selector(".item", state="detached", timeout=2000)
    assert live_hub.kiosk_request(made["id"])["state"] == "resolved"

    page.goto(f"{live_hub.url}/dashboard/history")
    row = page.locator("table.history tbody tr").first.inner_text()
    for part in ("Instructions for a specific service", "2", "Kela", "on the visitor's behalf"):
        assert part in row
    page.close()


def test_release_move_and_duty(live_hub: LiveHub, browser) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    log_in(page, live_hub, "anna")
    page.wait_for_selector("#live.on", timeout=5000)
    page.uncheck("#sound")  # sound off: the banner still shows, no tone plays
    made = live_hub.ask(topic="OmaKanta")
    item = page.locator(f'.item[data-id="{made["id"]}"]')
    item.wait_for(timeout=2000)
    assert page.locator("#alert").is_visible()
    assert page.evaluate("window.dashboardBeeps") == 0
    item.locator("button.take").click()
    page.wait_for_selector(".item[data-state=claimed]", timeout=2000)
    item.locator("button.release").click()
    page.wait_for_selector(".item[data-state=waiting]", timeout=2000)
    assert live_hub.kiosk_request(made["id"])["state"] == "waiting"

    # On duty: the kiosk learns that a helper is there (a duty event on its stream).
    page.click(f'button.duty[data-site="{live_hub.site}"]')
    expect(page.locator(f"#duty-{live_hub.site}")).to_contain_text("Anna", timeout=2000)
    duty = [e for e in kiosk_events(live_hub) if e["type"] == "duty"]
    assert duty and duty[-1]["helper_on_duty"] is True

    # Anna serves only Pasila: moved to Kallio, it leaves her queue and Kallio's staff see it.
    other = browser.new_page()
    log_in(other, live_hub, "kaisa")
    other.wait_for_selector("#live.on", timeout=5000)
    item.locator("summary").click()
    item.locator("select.move-target").select_option(str(live_hub.other_site))
    item.locator("button.move").click()
    page.wait_for_selector(f'.item[data-id="{made["id"]}"]', state="detached", timeout=2000)
    other.wait_for_selector(f'.item[data-id="{made["id"]}"]', timeout=2000)
    assert other.locator("#alert").is_visible()
    page.close()
    other.close()


def test_tabs_share_one_stream_and_hand_it_over(live_hub: LiveHub, browser) -> None:
    """Several tabs of one browser hold one event stream (the HTTP/1.1 limit of ~6 connections
    per host), all stay live, and when the leading tab closes another takes over."""
    context = browser.new_context()
    first = context.new_page()
    log_in(first, live_hub, "anna")
    tabs = [first] + [context.new_page() for _ in range(3)]
    for tab in tabs[1:]:
        tab.goto(f"{live_hub.url}/dashboard/")
    for tab in tabs:
        expect(tab.locator("#live")).to_have_class("live on", timeout=5000)
    leaders = [t for t in tabs if t.evaluate("window.dashboardLeader === true")]
    assert len(leaders) == 1
    made = live_hub.ask(topic="one")
    for tab in tabs:
        tab.locator(f'.item[data-id="{made["id"]}"]').wait_for(timeout=1000)
    leaders[0].close()
    rest = [t for t in tabs if t is not leaders[0]]
    expect(rest[0].locator("#live")).to_have_class("live on", timeout=5000)
    again = live_hub.ask(topic="two")
    for tab in rest:
        tab.locator(f'.item[data-id="{again["id"]}"]').wait_for(timeout=2000)
    assert sum(t.evaluate("window.dashboardLeader === true") for t in rest) == 1
    context.close()
