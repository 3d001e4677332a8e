"""Editing a site's quick messages from the dashboard (staff and admins of that site).

The API has no endpoint for this yet, so the form writes the site's ``quick_messages`` here,
in one transaction with an audit entry. Each message needs a key and a text in every language
the kiosks speak (fi, sv, en); the kiosk shows it in large type and reads it aloud.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from kiosk.hub.dashboard import auth, i18n
from kiosk.hub.models import Site
from kiosk.hub.services import audit
from kiosk.hub.services.accounts import Principal

KEY = re.compile(r"^[a-z0-9_-]{1,40}$")
MAX_MESSAGES = 8
MAX_TEXT = 200
MESSAGE_LANGUAGES = ("fi", "sv", "en")
BLANK_ROWS = 2


def may_edit(who: Principal, site_id: int) -> bool:
    return who.role in ("staff", "admin") and who.serves(site_id)


def parse(form: Any, lang: str) -> tuple[list[dict[str, Any]], str | None]:
    """Messages from the form's ``key_N``/``fi_N``/... rows; blank rows are skipped.

    Returns (messages, error text in ``lang``); the error is None when all is well.
    """
    _ = i18n.catalogue(lang).gettext
    out: list[dict[str, Any]] = []
    for n in range(MAX_MESSAGES + BLANK_ROWS):
        key = str(form.get(f"key_{n}", "")).strip()
        values = {code: str(form.get(f"{code}_{n}", "")).strip() for code in MESSAGE_LANGUAGES}
        if not key and not any(values.values()):
            continue
        if not KEY.match(key):
            return out, _(i18n.FILL_ALL) + " (key: a-z 0-9 _ -)"
        for code, value in values.items():
            if not value or len(value) > MAX_TEXT:
                return out, _("Message {key} has no text in {lang}.", key=key, lang=code)
        out.append({"key": key, "text": values})
    keys = [m["key"] for m in out]
    if not out or len(out) > MAX_MESSAGES or len(set(keys)) != len(keys):
        return out, _(i18n.FILL_ALL)
    return out, None


def add_routes(
    router: APIRouter,
    render: Callable[..., Response],
    to_login: Callable[..., RedirectResponse],
) -> None:
    @router.get("/sites/{site_id}/messages")
    def edit_page(request: Request, site_id: int) -> Response:
        who = auth.current(request)
        if who is None:
            return to_login("expired")
        hub = auth.hub_of(request)
        with hub.readers() as db:
            site = db.get(Site, site_id)
            if site is None or not may_edit(who, site_id):
                return render(request, "error.html", status=403, message=i18n.NO_ACCESS)
            rows = list(site.quick_messages)
            name = site.name
        return _form(request, render, who, site_id, name, rows, notice=None, error=None)

    @router.post("/sites/{site_id}/messages")
    async def save(request: Request, site_id: int) -> Response:
        who = auth.current(request)
        if who is None:
            return to_login("expired")
        form = await request.form()
        if not auth.same(str(form.get("csrf", "")), who.csrf_token):
            return render(request, "error.html", status=403, message=i18n.FORM_EXPIRED)
        hub = auth.hub_of(request)
        lang = i18n.request_language(request)
        parsed, error = parse(form, lang)

        def write() -> str | None:
            with hub.transaction() as db:
                site = db.get(Site, site_id)
                if site is None or not may_edit(who, site_id):
                    return None
                if error is None:
                    site.quick_messages = parsed
                    audit.record(
                        db,
                        now=hub.clock(),
                        staff_id=who.id,
                        action="site.quick_messages",
                        site_id=site_id,
                        keys=[m["key"] for m in parsed],
                    )
                return site.name

        if hub.write_gate is None:
            name = await run_in_threadpool(write)
        else:
            async with hub.write_gate:
                name = await run_in_threadpool(write)
        if name is None:
            return render(request, "error.html", status=403, message=i18n.NO_ACCESS)
        status = 200 if error is None else 400
        notice = None if error else i18n.catalogue(lang).gettext("Messages saved.")
        return _form(request, render, who, site_id, name, parsed, notice, error, status)


def _form(
    request: Request,
    render: Callable[..., Response],
    who: Principal,
    site_id: int,
    site_name: str,
    rows: list[dict[str, Any]],
    notice: str | None,
    error: str | None,
    status: int = 200,
) -> Response:
    blank: dict[str, Any] = {"key": "", "text": {}}
    shown = list(rows)[:MAX_MESSAGES] + [blank] * BLANK_ROWS
    return render(
        request,
        "messages.html",
        status=status,
        me={"display_name": who.display_name, "role": who.role},
        csrf=who.csrf_token,
        site_id=site_id,
        site_name=site_name,
        rows=shown,
        codes=MESSAGE_LANGUAGES,
        notice=notice,
        error=error,
    )
