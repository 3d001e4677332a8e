"""The dashboard's pages: login, the live queue, today's history and quick-message editing
(``messages.py``), kiosks to unlock and the audit log (``assist_pages.py``).

Pages are rendered on the server (Jinja2, autoescaped); actions on the queue go from the page's
small script to ``/api/v1/staff/...``. Every form carries a CSRF token; every page answer forbids
framing, caching and inline scripts.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool

from kiosk.hub.api.v1.deps import SESSION_COOKIE
from kiosk.hub.dashboard import assist_pages, auth, feed, i18n, messages
from kiosk.hub.dashboard.i18n import N_
from kiosk.hub.services import events, fleet, requests, views
from kiosk.hub.services.accounts import Principal
from kiosk.protocol.common import ON_BEHALF_ROLES

HERE = Path(__file__).parent
PREFIX = "/dashboard"
LANG_COOKIE = i18n.LANG_COOKIE
# Each need type of the resolve form, in the form's order, with its label.
NEED_TYPES = {
    "no_device": N_("No own device"),
    "buying_device": N_("Buying a device"),
    "own_device_guidance": N_("Own device or content guidance"),
    "try_safely": N_("Try safely"),
    "service_instructions": N_("Instructions for a specific service"),
    "other": N_("Other"),
}
# A request's state as the history page names it.
STATE_NAMES = {
    "waiting": N_("waiting"),
    "claimed": N_("taken"),
    "resolved": N_("resolved"),
    "cancelled": N_("cancelled"),
    "expired": N_("expired"),
}
WRONG_LOGIN = N_("Wrong name or password.")
LOCKED = N_(
    "Too many failed attempts. Try again in {minutes} minutes or ask an admin for a new password."
)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


language = i18n.request_language


def render(request: Request, template: str, /, status: int = 200, **values: Any) -> HTMLResponse:
    """``template`` in the request's language: its ``_("...")`` texts come from that language's
    catalogue (see i18n.py)."""
    lang = language(request)
    jinja = i18n.environment(lang).get_template(template)
    page = jinja.render(lang=lang, languages=i18n.LANGUAGE_NAMES, prefix=PREFIX, **values)
    response = HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", path="/")
    return response


def to_login(reason: str | None = None) -> RedirectResponse:
    target = f"{PREFIX}/login" + (f"?why={reason}" if reason else "")
    return RedirectResponse(target, status_code=303, headers={"Cache-Control": "no-store"})


def _staff_view(who: Principal) -> dict[str, Any]:
    return {"id": who.id, "name": who.name, "display_name": who.display_name, "role": who.role}


def _sites(db: Any, who: Principal) -> list[dict[str, Any]]:
    out = []
    for site in fleet.list_sites(db, who.site_ids):
        helpers = fleet.helpers_on_duty(db, site.id)
        out.append(
            {
                "id": site.id,
                "name": site.name,
                "guidance_hours": site.guidance_hours,
                "escalation_minutes": site.escalation_minutes,
                "quick_messages": site.quick_messages,
                "helpers_on_duty": helpers,
                "i_am_on_duty": who.display_name in helpers,
            }
        )
    return out


def queue_data(request: Request, who: Principal) -> dict[str, Any]:
    """Everything the queue page's script starts from, read in one reader session."""
    hub = auth.hub_of(request)
    now = hub.clock()
    with hub.readers() as db:
        # The cursor is read before the queue: an event between the two is replayed, not lost.
        last = events.last_seq(db)
        queue = [
            views.queue_item(db, r, now).model_dump(mode="json")
            for r in requests.queue(db, who.site_ids, escalated_only=who.escalated_only)
        ]
        sites = _sites(db, who)
        targets = [{"id": s.id, "name": s.name} for s in fleet.list_sites(db, None)]
    sec = hub.settings.security
    return {
        "me": _staff_view(who),
        "csrf": who.csrf_token,
        "sites": sites,
        "move_targets": targets,
        "queue": queue,
        "last_seq": last,
        "server_now": now.isoformat(),
        "idle_seconds": sec.session_idle_minutes * 60,
        "lang": language(request),
        "texts": i18n.script_texts(language(request)),
        "need_types": list(NEED_TYPES),
        "language_names": i18n.VISITOR_LANGUAGES,
        "stream_url": f"{PREFIX}/events",
        "api": "/api/v1/staff",
        "login_url": f"{PREFIX}/login?why=expired",
    }


def build_router() -> APIRouter:
    router = APIRouter(prefix=PREFIX, include_in_schema=False)

    @router.get("")
    def root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    @router.get("/login")
    def login_page(request: Request) -> Response:
        if auth.current(request) is not None and request.query_params.get("why") is None:
            return RedirectResponse(f"{PREFIX}/", status_code=303)
        why = request.query_params.get("why")
        notice = {
            "expired": N_("Your session ended. Please log in again."),
            "out": N_("You have logged out."),
        }.get(why or "")
        return _login_form(request, notice=notice)

    @router.post("/login")
    async def login_submit(request: Request) -> Response:
        form = await request.form()
        name = str(form.get("name", "")).strip()[:64]
        password = str(form.get("password", ""))[:256]
        if not auth.same(str(form.get("csrf", "")), request.cookies.get(auth.LOGIN_CSRF_COOKIE)):
            return _login_form(request, error=i18n.FORM_EXPIRED, status=403, name=name)
        if not name or not password:
            return _login_form(request, error=WRONG_LOGIN, status=401, name=name)
        hub = auth.hub_of(request)
        result = await auth.log_in(hub, name, password)
        if result.token is None:
            if result.error == "locked":
                minutes = hub.settings.security.login_lock_minutes
                return _login_form(request, error=LOCKED, status=429, name=name, minutes=minutes)
            return _login_form(request, error=WRONG_LOGIN, status=401, name=name)
        response = RedirectResponse(f"{PREFIX}/", status_code=303)
        auth.set_session_cookie(response, hub, result.token)
        return response

    @router.post("/logout")
    async def logout(request: Request) -> Response:
        who = auth.current(request)
        if who is None:
            return to_login("expired")
        form = await request.form()
        if not auth.same(str(form.get("csrf", "")), who.csrf_token):
            return render(request, "error.html", status=403, message=i18n.FORM_EXPIRED)
        await auth.log_out(auth.hub_of(request), who)
        response = to_login("out")
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @router.get("/")
    def queue_page(request: Request) -> Response:
        who = auth.current(request)
        if who is None:
            return to_login("expired" if request.cookies.get(SESSION_COOKIE) else None)
        data = queue_data(request, who)
        return render(
            request,
            "queue.html",
            me=data["me"],
            csrf=who.csrf_token,
            sites=data["sites"],
            page_data=json.dumps(data).replace("<", "\\u003c"),
            need_types=NEED_TYPES,
            can_on_behalf=who.role in ON_BEHALF_ROLES,
            can_edit_messages=who.role in ("staff", "admin"),
        )

    @router.get("/events")
    async def event_stream(request: Request) -> Response:
        """The queue's live events (server-sent events), for the page's leader tab."""
        who = await run_in_threadpool(auth.current, request)
        if who is None:
            return Response("Not logged in.", status_code=401, media_type="text/plain")
        after: int | None = None
        raw = request.query_params.get("after") or request.headers.get("last-event-id") or ""
        if raw.isdigit() and len(raw) < 19:
            after = int(raw)
        token = request.cookies.get(SESSION_COOKIE, "")
        body = feed.stream(
            auth.hub_of(request), who.site_ids, token, after, escalated_only=who.escalated_only
        )
        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(body, media_type="text/event-stream", headers=headers)

    @router.get("/history")
    def history_page(request: Request) -> Response:
        who = auth.current(request)
        if who is None:
            return to_login("expired" if request.cookies.get(SESSION_COOKIE) else None)
        hub = auth.hub_of(request)
        now = hub.clock()
        with hub.readers() as db:
            found = requests.history(db, who.site_ids, now=now, escalated_only=who.escalated_only)
            rows = [views.history_item(db, r, now) for r in found]
        return render(
            request,
            "history.html",
            me=_staff_view(who),
            csrf=who.csrf_token,
            rows=rows,
            fmt=_hhmm,
            states=STATE_NAMES,
            need_types=NEED_TYPES,
        )

    messages.add_routes(router, render, to_login)
    assist_pages.add_routes(router, render, to_login)
    return router


def _hhmm(moment: datetime | None) -> str:
    """A time of day in the hub's local zone, e.g. ``14:05`` (empty when there is none)."""
    return moment.astimezone().strftime("%H:%M") if moment else ""


def _login_form(
    request: Request,
    *,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
    name: str = "",
    minutes: int = 0,
) -> HTMLResponse:
    token = auth.new_login_csrf()
    response = render(
        request,
        "login.html",
        status=status,
        error=error,
        notice=notice,
        name=name,
        minutes=minutes,
        csrf=token,
    )
    secure = auth.hub_of(request).settings.security.cookie_secure
    auth.set_login_csrf(response, token, secure)
    return response
