"""The dashboard's assisted-mode pages (issue #8): *Kiosks* (every staff member: the kiosks of
their sites, each with an "Unlock kiosk" button) and *Audit log* (admins only).

The unlock code is made by a form POST and shown only in that answer, to the person who asked:
it is not in any event stream, not in the page on a later visit, and every page answer says
``Cache-Control: no-store``. A new code for the same kiosk replaces the old one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from kiosk.hub.api.v1.deps import SESSION_COOKIE, in_write_turn
from kiosk.hub.dashboard import auth, i18n
from kiosk.hub.dashboard.i18n import N_
from kiosk.hub.errors import HubError
from kiosk.hub.models import Kiosk, Staff
from kiosk.hub.services import assist, audit, views
from kiosk.hub.services.accounts import Principal

AUDIT_PAGE_ROWS = 200


def _me(who: Principal) -> dict[str, Any]:
    return {"id": who.id, "name": who.name, "display_name": who.display_name, "role": who.role}


def add_routes(
    router: APIRouter,
    render: Callable[..., Response],
    to_login: Callable[..., RedirectResponse],
) -> None:
    def login_again(request: Request) -> RedirectResponse:
        return to_login("expired" if request.cookies.get(SESSION_COOKIE) else None)

    def kiosks_page(
        request: Request, who: Principal, code: dict[str, Any] | None = None
    ) -> Response:
        hub = auth.hub_of(request)
        with hub.readers() as db:
            kiosks = views.staff_kiosks(
                db, who.site_ids, hub.presence, hub.clock(), hub.settings.assist
            )
        return render(
            request,
            "kiosks.html",
            me=_me(who),
            csrf=who.csrf_token,
            kiosks=kiosks,
            code=code,
            minutes=hub.settings.assist.unlock_code_minutes,
            fmt=_when,
        )

    @router.get("/kiosks")
    def kiosks(request: Request) -> Response:
        who = auth.current(request)
        if who is None:
            return login_again(request)
        return kiosks_page(request, who)

    @router.post("/kiosks")
    async def unlock(request: Request) -> Response:
        """ "Unlock kiosk": a fresh code for the form's ``kiosk_id``, shown in this answer only.
        (Posted to the page's own address, so its language links still work afterwards.)"""
        who = auth.current(request)
        if who is None:
            return login_again(request)
        form = await request.form()
        if not auth.same(str(form.get("csrf", "")), who.csrf_token):
            return render(request, "error.html", status=403, message=i18n.FORM_EXPIRED)
        kiosk_id = _int(str(form.get("kiosk_id", "")))
        if kiosk_id is None:
            return render(request, "error.html", status=403, message=i18n.NO_ACCESS)
        hub = auth.hub_of(request)
        minutes = hub.settings.assist.unlock_code_minutes

        def make() -> dict[str, Any]:
            with hub.transaction() as db:
                code, kiosk, expires = assist.create_code(
                    db, hub.hasher, who, kiosk_id, now=hub.clock(), minutes=minutes
                )
                return {
                    "code": code,
                    "kiosk_id": kiosk.id,
                    "place": kiosk.place,
                    "expires": expires,
                }

        try:
            made = await in_write_turn(hub, make)
        except HubError:
            return render(request, "error.html", status=403, message=i18n.NO_ACCESS)
        made["seconds"] = int((made["expires"] - hub.clock()).total_seconds())
        return kiosks_page(request, who, made)

    @router.get("/audit")
    def audit_page(request: Request) -> Response:
        who = auth.current(request)
        if who is None:
            return login_again(request)
        if who.role != "admin":
            return render(request, "error.html", status=403, message=i18n.NO_ACCESS)
        hub = auth.hub_of(request)
        form, filters = _audit_filters(request)
        with hub.readers() as db:
            rows = audit.entries(db, filters, AUDIT_PAGE_ROWS)
            places = dict(db.execute(select(Kiosk.id, Kiosk.place).order_by(Kiosk.place)).all())
            staff = dict(db.execute(select(Staff.id, Staff.name).order_by(Staff.name)).all())
        query = {k: v for k, v in filters.as_detail().items()}
        lang = i18n.request_language(request)
        return render(
            request,
            "audit.html",
            me=_me(who),
            csrf=who.csrf_token,
            rows=[(e, name) for e, name in rows],
            form=form,
            places=places,
            staff=staff,
            actions=_ACTIONS,
            label=lambda action: _action_label(action, lang),
            describe=_describe,
            fmt=_when,
            limit=AUDIT_PAGE_ROWS,
            csv_url="/api/v1/admin/audit.csv" + ("?" + urlencode(query) if query else ""),
        )


# Actions offered in the audit page's filter (any other can still be typed in the URL), each
# with its label on the page.
_ACTIONS = {
    "assist_unlock": N_("Switched into assisted mode"),
    "assist_unlock_failed": N_("Failed unlock attempt"),
    "assist_code_created": N_("Unlock code made"),
    "assist_end": N_("Left assisted mode"),
    "emergency_unlock": N_("Unlocked with the emergency code"),
    "emergency_unlock_failed": N_("Wrong emergency code"),
    "on_behalf_start": N_("On the visitor's behalf, with consent"),
    "on_behalf_start_refused": N_("On-behalf refused"),
    "on_behalf_end": N_("On-behalf ended"),
    "real_service_opened": N_("Real service opened"),
    "maintenance_exit": N_("Left for the desktop (maintenance)"),
    "maintenance_exit_refused": N_("Maintenance exit refused"),
    "request.claim": N_("Request taken"),
    "request.release": N_("Request given back"),
    "request.move": N_("Request moved"),
    "request.message": N_("Quick message sent"),
    "request.resolve": N_("Request resolved"),
    "duty.on": N_("Went on duty"),
    "duty.off": N_("Went off duty"),
    "staff.login": N_("Logged in"),
    "staff.logout": N_("Logged out"),
    "staff.add": N_("Account added"),
    "staff.disable": N_("Account disabled"),
    "staff.set_password": N_("New password"),
    "staff.set_pin": N_("New kiosk PIN"),
    "staff.set_card": N_("Staff card registered"),
    "staff.clear_card": N_("Staff card removed"),
    "site.add": N_("Site added"),
    "site.quick_messages": N_("Quick messages changed"),
    "kiosk.enrolment_code": N_("Kiosk enrolment code"),
    "kiosk.revoke": N_("Kiosk revoked"),
    "audit.export": N_("Audit log exported"),
}


def _action_label(action: str, lang: str) -> str:
    """An action's label in ``lang`` (an action without a label: as it is stored)."""
    label = _ACTIONS.get(action)
    return i18n.catalogue(lang).gettext(label) if label else action


def _describe(detail: dict[str, Any]) -> str:
    """An entry's detail for people: ``key: value`` pairs (the filter of an export nested)."""
    parts = []
    for key, value in sorted(detail.items()):
        if isinstance(value, dict):
            value = ", ".join(f"{k}={v}" for k, v in sorted(value.items())) or "-"
        parts.append(f"{key}: {value}")
    return "; ".join(parts)


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _int(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 10 else None


def _audit_filters(request: Request) -> tuple[dict[str, str], audit.AuditFilter]:
    """The page's filter form (days in the hub's local time; "until" includes its day)."""
    q = request.query_params
    form = {k: q.get(k, "")[:40] for k in ("since", "until", "kiosk_id", "staff_id", "action")}
    since, until = _day(form["since"]), _day(form["until"])
    action = form["action"] if form["action"] in _ACTIONS or form["action"].isidentifier() else ""
    return form, audit.AuditFilter(
        since=_local_midnight(since) if since else None,
        until=_local_midnight(until + timedelta(days=1)) if until else None,
        kiosk_id=_int(form["kiosk_id"]),
        staff_id=_int(form["staff_id"]),
        action=action or None,
    )


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone().astimezone(UTC)


def _when(moment: datetime | None, seconds: bool = False) -> str:
    """Day and time in the hub's local zone, e.g. ``24.11.2026 14:05`` (``14:05:09``)."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%d.%m.%Y %H:%M" + (":%S" if seconds else ""))
