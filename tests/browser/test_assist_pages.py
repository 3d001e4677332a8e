"""Assisted mode in the dashboard (issue #8), in a real Chromium against a real hub: a staff
member unlocks a kiosk from the Kiosks page and the code switches that kiosk in through the
kiosk API; admins read and download the audit log, nobody else can."""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveHub, log_in

pytestmark = pytest.mark.browser

DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def unlock(hub: LiveHub, code: str, kiosk: str | None = None) -> Any:
    return hub.api.client.post(
        "/api/v1/kiosk/assist/unlock",
        json={"method": "code", "code": code},
        headers=hub.api.auth(kiosk or hub.kiosk),
    )


def shoot(page: Any, name: str, height: int | None = None) -> None:
    """A screenshot in /tmp; with ``KIOSK_DOCS_SCREENSHOTS=1`` also into docs/images (the docs'
    pictures of these pages are made by this test, so they show the real page)."""
    path = Path("/tmp") / name
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": height}
    page.screenshot(path=str(path), full_page=True, clip=clip if height else None)
    if os.environ.get("KIOSK_DOCS_SCREENSHOTS") == "1":
        shutil.copyfile(path, IMAGES / name)


def test_unlock_code_from_the_dashboard_opens_the_kiosk(live_hub: LiveHub, browser) -> None:
    page = browser.new_page(viewport=DESK)
    log_in(page, live_hub, "anna")
    page.click("nav.main-nav >> text=Kiosks")
    expect(page.locator("h1")).to_have_text("Kiosks at my sites")
    kiosks = page.locator("li.kiosk")
    expect(kiosks).to_have_count(1)  # only the kiosks of Anna's site
    mine = kiosks.first
    expect(mine.locator(".place")).to_have_text("2nd floor, by the newspapers")
    expect(mine.locator(".badge")).to_have_text("Online")
    mine.locator("button.unlock").click()

    code = page.locator("#code").inner_text()
    assert re.fullmatch(r"[0-9]{6}", code), code
    box = page.locator("#unlock-code")
    expect(box.locator("h2")).to_have_text("Unlock code for 2nd floor, by the newspapers")
    expect(box.locator(".code-valid")).to_contain_text("Valid until")
    expect(page.locator("#code-left")).to_contain_text("left")
    size = page.evaluate("parseFloat(getComputedStyle(document.getElementById('code')).fontSize)")
    assert size >= 56  # very large type, read across a desk
    shoot(page, "dashboard-kiosks-code-desk.png")
    page.set_viewport_size(PHONE)
    shoot(page, "dashboard-kiosks-code-phone.png")

    # Only the person who asked sees it: not another staff member, not a later visit.
    other = browser.new_context().new_page()
    log_in(other, live_hub, "ville")
    other.goto(f"{live_hub.url}/dashboard/kiosks")
    expect(other.locator("li.kiosk")).to_have_count(1)
    assert other.locator("#code").count() == 0 and code not in other.content()
    page.goto(f"{live_hub.url}/dashboard/kiosks")
    assert page.locator("#code").count() == 0

    # The code switches the kiosk in, once, as Anna; it opens no other kiosk.
    assert unlock(live_hub, code, live_hub.other_kiosk).status_code == 401
    r = unlock(live_hub, code)
    assert r.status_code == 200, r.text
    assert r.json()["display_name"] == "Anna" and r.json()["on_behalf_allowed"] is True
    assert unlock(live_hub, code).status_code == 401
    other.context.close()
    page.close()


def test_a_new_code_replaces_the_old_and_a_volunteer_may_ask(live_hub: LiveHub, browser) -> None:
    page = browser.new_page(viewport=PHONE)
    log_in(page, live_hub, "ville")
    page.goto(f"{live_hub.url}/dashboard/kiosks?lang=fi")
    page.click("button.unlock")
    first = page.locator("#code").inner_text()
    expect(page.locator("#unlock-code h2")).to_contain_text("Avauskoodi")
    page.click("button.unlock")
    second = page.locator("#code").inner_text()
    if first != second:  # one in a million they are equal
        assert unlock(live_hub, first).status_code == 401
    r = unlock(live_hub, second)
    assert r.status_code == 200 and r.json()["on_behalf_allowed"] is False
    page.close()


def test_audit_log_page_and_csv_for_admins_only(live_hub: LiveHub, browser) -> None:
    staff = browser.new_page(viewport=DESK)
    log_in(staff, live_hub, "anna")
    assert staff.locator("nav.main-nav >> text=Audit log").count() == 0
    staff.goto(f"{live_hub.url}/dashboard/audit")
    expect(staff.locator(".error")).to_be_visible()
    csv_url = f"{live_hub.url}/api/v1/admin/audit.csv"
    assert staff.request.get(csv_url).status == 403
    staff.goto(f"{live_hub.url}/dashboard/kiosks")
    staff.click("button.unlock")
    code = staff.locator("#code").inner_text()
    assert unlock(live_hub, "000000" if code != "000000" else "111111").status_code == 401
    assert unlock(live_hub, code).status_code == 200
    staff.close()

    page = browser.new_page(viewport=DESK, accept_downloads=True)
    log_in(page, live_hub, "admin")
    page.click("nav.main-nav >> text=Audit log")
    expect(page.locator("h1")).to_have_text("Staff actions")
    rows = page.locator("table.audit tbody tr")
    expect(rows.first).to_be_visible()
    actions = [r.get_attribute("data-action") for r in rows.all()]
    assert actions[:4] == [
        "staff.login",  # the admin, just now
        "assist_unlock",
        "assist_unlock_failed",
        "assist_code_created",
    ]
    unlocked = page.locator('tr[data-action="assist_unlock"]').first
    expect(unlocked).to_contain_text("anna")
    expect(unlocked).to_contain_text("Switched into assisted mode")
    expect(unlocked).to_contain_text("2nd floor, by the newspapers")
    expect(unlocked.locator(".detail")).to_contain_text("method: code")
    page.select_option("select[name=action]", "assist_unlock_failed")
    page.click(".audit-filter button[type=submit]")
    expect(page.locator("table.audit tbody tr")).to_have_count(1)
    expect(page.locator("table.audit")).to_contain_text("reason: wrong")
    page.select_option("select[name=action]", "")
    page.click(".audit-filter button[type=submit]")
    shoot(page, "dashboard-audit-desk.png")
    page.set_viewport_size(PHONE)
    shoot(page, "dashboard-audit-phone.png", height=1500)

    page.select_option("select[name=action]", "assist_unlock")
    page.click(".audit-filter button[type=submit]")
    with page.expect_download() as info:
        page.click("#download-csv")
    download = info.value
    assert re.fullmatch(r"audit-\d{8}-\d{4}\.csv", download.suggested_filename)
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert [(r["action"], r["staff_name"]) for r in table] == [("assist_unlock", "anna")]
    page.goto(f"{live_hub.url}/dashboard/audit?action=audit.export")
    expect(page.locator("table.audit tbody tr")).to_have_count(1)
    page.close()
