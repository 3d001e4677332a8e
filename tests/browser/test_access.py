"""Who may do what from the dashboard: two people taking one request, volunteers and on-behalf,
logged-out and wrong-site access, CSRF, logging out, and locking out repeated failed logins."""

from __future__ import annotations

import time

import httpx
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LOCK_AFTER, LiveHub, log_in

pytestmark = pytest.mark.browser


def test_two_people_take_at_once_exactly_one_wins(live_hub: LiveHub, browser) -> None:
    contexts = [browser.new_context(), browser.new_context()]
    pages = [c.new_page() for c in contexts]
    for page, name in zip(pages, ("anna", "ville"), strict=True):
        log_in(page, live_hub, name)
        page.locator("#live.on").wait_for(timeout=5000)
    made = live_hub.ask(topic="OmaVero")
    for page in pages:
        page.locator(f'.item[data-id="{made["id"]}"]').wait_for(timeout=2000)
    # Both press at the same moment of the shared wall clock, 300 ms from now.
    at = pages[0].evaluate("Date.now() + 300")
    for page in pages:
        page.evaluate(
            "at => setTimeout(() => document.querySelector('.item .take').click(),"
            " at - Date.now())",
            at,
        )
    for page in pages:
        expect(page.locator(".item .state")).to_contain_text("Taken by", timeout=3000)
    winner = live_hub.kiosk_request(made["id"])["helper_name"]
    assert winner in ("Anna", "Ville")
    notices = [p.locator(".item .notice").inner_text() for p in pages]
    losers = [n for n in notices if "Already taken by" in n]
    assert len(losers) == 1 and winner in losers[0], notices
    for page in pages:
        expect(page.locator(".item .state")).to_have_text(f"Taken by {winner}")
    for context in contexts:
        context.close()


def test_a_volunteer_cannot_record_on_behalf(live_hub: LiveHub, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_hub, "ville")
    made = live_hub.ask(topic="bank")
    item = page.locator(f'.item[data-id="{made["id"]}"]')
    item.locator("button.take").click()
    expect(item.locator(".state")).to_have_text("Taken by Ville", timeout=2000)
    item.locator("button.resolve").click()
    assert page.locator("#on_behalf").count() == 0
    expect(page.locator("#resolve-dialog")).to_contain_text("Volunteers never act")
    # Even a hand-made request from the volunteer's page is refused by the hub.
    status = page.evaluate(
        """async ([id, csrf]) => (await fetch('/api/v1/staff/requests/' + id + '/resolve', {
            method: 'POST', headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf},
            body: JSON.stringify({need_type: 'other', level: 1, service_area: 'bank',
                                  on_behalf: true})})).status""",
        [made["id"], page.evaluate("JSON.parse(document.getElementById('page-data').text).csrf")],
    )
    assert status == 403
    assert live_hub.kiosk_request(made["id"])["state"] == "claimed"
    page.check('input[name=need_type][value="try_safely"]')
    page.check("input[name=level][value='1']")
    page.fill("#service_area", "bank")
    page.click("#resolve-save")
    item.wait_for(state="detached", timeout=2000)
    assert live_hub.kiosk_request(made["id"])["state"] == "resolved"
    context.close()


def test_logged_out_and_wrong_site_access_is_refused(live_hub: LiveHub, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{live_hub.url}/dashboard/")
    assert page.url.endswith("/dashboard/login")
    assert page.request.get(f"{live_hub.url}/api/v1/staff/queue").status == 401
    assert page.request.get(f"{live_hub.url}/dashboard/history").url.endswith("/login")

    pasila = live_hub.ask(topic="Kela")
    kallio = live_hub.ask(live_hub.other_kiosk, topic="OmaKanta")
    log_in(page, live_hub, "kaisa")  # serves Kallio only
    page.locator("#live.on").wait_for(timeout=5000)
    expect(page.locator(".item")).to_have_count(1)
    assert page.locator(".item").get_attribute("data-id") == str(kallio["id"])
    csrf = page.evaluate("JSON.parse(document.getElementById('page-data').text).csrf")
    claim = page.request.post(
        f"{live_hub.url}/api/v1/staff/requests/{pasila['id']}/claim",
        headers={"X-CSRF-Token": csrf},
    )
    assert claim.status == 403
    assert (
        page.request.get(f"{live_hub.url}/dashboard/sites/{live_hub.site}/messages").status == 403
    )
    # A Pasila request made now never reaches Kallio's page.
    live_hub.ask(topic="later")
    page.wait_for_timeout(600)
    expect(page.locator(".item")).to_have_count(1)
    # A cookie alone is not enough to act: the CSRF token must come with it.
    no_csrf = page.request.post(f"{live_hub.url}/api/v1/staff/requests/{kallio['id']}/claim")
    assert no_csrf.status == 403
    context.close()


def test_an_admin_sees_every_site(live_hub: LiveHub, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_hub, "admin")
    pasila = live_hub.ask(topic="Kela")
    kallio = live_hub.ask(live_hub.other_kiosk, topic="OmaKanta")
    for made in (pasila, kallio):
        page.locator(f'.item[data-id="{made["id"]}"]').wait_for(timeout=2000)
    expect(page.locator(".site h2")).to_have_text(["Kallio", "Pasila"])
    context.close()


def test_log_out_ends_the_session_on_the_server(live_hub: LiveHub, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    log_in(page, live_hub, "anna")
    cookie = next(c for c in context.cookies() if c["name"] == "kiosk_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert len(cookie["value"]) >= 22  # >= 128 bits in URL-safe base64
    page.click(".logout button")
    expect(page.locator(".notice")).to_have_text("You have logged out.")
    # The old cookie, replayed from elsewhere, no longer works.
    with httpx.Client(base_url=live_hub.url) as client:
        client.cookies.set("kiosk_session", cookie["value"])
        assert client.get("/api/v1/staff/me").status_code == 401
        assert client.get("/dashboard/", follow_redirects=False).status_code == 303
    context.close()


def test_the_login_form_needs_its_csrf_token(live_hub: LiveHub) -> None:
    with httpx.Client(base_url=live_hub.url) as client:
        r = client.post("/dashboard/login", data={"name": "anna", "password": "x", "csrf": "x"})
        assert r.status_code == 403
        assert "kiosk_session" not in r.cookies


def test_repeated_failures_are_slowed_then_locked(live_hub: LiveHub, browser) -> None:
    context = browser.new_context()
    page = context.new_page()
    messages, seconds = [], []
    for name in ["nobody"] + ["anna"] * LOCK_AFTER:
        page.goto(f"{live_hub.url}/dashboard/login?lang=en")
        page.fill("#name", name)
        page.fill("#password", "not the password")
        started = time.monotonic()
        page.click("button[type=submit]")
        messages.append(page.locator("#login-error").inner_text())
        seconds.append(time.monotonic() - started)
    # Each failure slows the next answer for that name (0.25 s more each time): the last one
    # waits at least 0.25 s x the failures before it. A lower bound only, because a busy
    # machine makes every answer slower but never faster.
    assert seconds[-1] >= 0.25 * (LOCK_AFTER - 1), seconds
    # A wrong name and a wrong password get the same words.
    assert messages[0] == messages[1] == "Wrong name or password."
    assert messages[-1] == "Wrong name or password."
    # Now even the right password is refused for a while.
    page.fill("#name", "anna")
    page.fill("#password", live_hub.passwords["anna"])
    page.click("button[type=submit]")
    expect(page.locator("#login-error")).to_contain_text("Too many failed attempts")
    assert not [c for c in context.cookies() if c["name"] == "kiosk_session"]
    context.close()
