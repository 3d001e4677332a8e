"""AssistVM: assisted mode as Kivy properties: the staff login, who is helping, and their tools.

Holds no widgets. The pure rules are :class:`kiosk.core.assist.AssistMode`; the login form is
the base class (staff_login.py). This VM hands hub calls to the gateway
(kiosk.services.hublink.assist: a worker thread, answers back through the Clock), queues every
audited action with its time, and moves between the assisted screens. Time is injected
(``now``: monotonic seconds; ``wall``: the audit's clock).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty

from kiosk.core.assist import AssistMode, EmergencyGuard, Helper, NotAllowed
from kiosk.ui.i18n import N_
from kiosk.ui.screen_names import ASSIST_SCREENS  # noqa: F401  (re-exported)
from kiosk.ui.viewmodels.staff_login import StaffLoginForm

log = logging.getLogger("kiosk.assist")

ROLE_NAMES = {
    "volunteer": N_("volunteer"),
    "staff": N_("staff"),
    "regional": N_("regional staff"),
    "admin": N_("admin"),
}
NEED_TYPES = (
    "no_device",
    "buying_device",
    "own_device_guidance",
    "try_safely",
    "service_instructions",
    "other",
)
#: Messages of the assisted home (the visitor's help request).
CLAIMED = N_("You have taken over the visitor's call for help.")
RESOLVED = N_("The visitor's call for help is resolved.")
HUB_AWAY = N_("The helper hub cannot be reached. Try again later.")
NOT_ALLOWED = N_("This is not allowed for your role.")
STAFF_ONLY = N_("Only staff can act on the visitor's behalf.")
FILL_ALL = N_("Choose the need, the level and the service area.")


class AssistVM(StaffLoginForm):
    """Events: ``on_entered`` (a helper switched in), ``on_left(reason)`` (assisted mode
    ended; the app wipes what the helper typed), ``on_exit_app(status)`` (maintenance exit)."""

    __events__ = ("on_entered", "on_left", "on_exit_app")

    # who is helping
    phase = StringProperty("visitor")
    active = BooleanProperty(False)
    acting_for_visitor = BooleanProperty(False)  # (a property may not be called on_...)
    helper_name = StringProperty("")
    role = StringProperty("")
    emergency = BooleanProperty(False)
    may_act_on_behalf = BooleanProperty(False)
    may_exit = BooleanProperty(False)
    may_handle_requests = BooleanProperty(False)
    service_area = StringProperty("")
    # the assisted home
    step = NumericProperty(1)
    status = StringProperty("")  # a message of the assisted home (request taken, resolved...)
    status_detail = StringProperty("")
    services = ListProperty()  # [{"name", "url"}]
    request_open = BooleanProperty(False)  # the visitor has a call for help open
    areas = ListProperty()
    # resolving the visitor's request
    need_type = StringProperty("")
    level = NumericProperty(0)
    resolve_area = StringProperty("")
    resolve_on_behalf = BooleanProperty(False)

    banner = staticmethod(lambda *args: banner_text(*args))

    def __init__(
        self,
        settings: Any,
        gateway: Any,
        nav: Any,
        session: Any,
        *,
        now: Callable[[], float],
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        **kwargs: Any,
    ) -> None:
        """``settings`` is the [assist] section; ``gateway`` an AssistGateway (or its fake)."""
        super().__init__(**kwargs)
        self.settings, self.gateway, self.nav, self.session = settings, gateway, nav, session
        self.now, self.wall = now, wall
        self.mode = AssistMode(settings.idle_exit_seconds, settings.login_timeout_seconds)
        self.guard = EmergencyGuard(
            settings.emergency_max_attempts, settings.emergency_lock_minutes * 60
        )
        self.long_press_seconds = settings.long_press_seconds
        self.corner_px = settings.corner_px
        self.services = [{"name": s.name, "url": s.url} for s in settings.real_services]
        self.areas = list(settings.service_areas)
        self.emergency_possible = bool(gateway.has_emergency_code)
        # Set by the app: the visitor's request (HelpVM), demos, the browser, spoken consent.
        self.help: Any = None
        self.open_demo: Callable[[str, int], None] = lambda _demo, _step: None
        self.launch: Callable[[list[str]], Any] = _popen
        self.say_always: Callable[[str], None] = lambda _text: None
        self.translate: Callable[[str], str] = lambda text: text
        self._browsers: list[Any] = []
        self._on_behalf_seen = False

    def _enter(self, helper: Helper) -> None:
        self._record(self.mode.unlocked(helper, self.now()))
        self._reset_form()
        self._card_uid = None
        self._mirror()
        self._on_behalf_seen = False
        self.status = ""
        if not self.session.active:
            self.session.start()
        self.nav.reset("assisted")
        self.dispatch("on_entered")

    # -- while assisted --------------------------------------------------------------------------
    def activity(self) -> None:
        """Any touch on the screen."""
        if self.mode.phase != "visitor":
            self.mode.touch(self.now())

    def tick(self, *_: object) -> None:
        """From a Clock interval: the idle exit and the login's timeout."""
        due = self.mode.due(self.now())
        if due == "idle":
            self.end("idle")
        elif due == "login_timeout":
            self.cancel_login()

    def change_step(self, delta: int) -> None:
        self.step = max(1, min(99, int(self.step) + delta))

    def choose_demo(self, demo_id: str) -> None:
        """Open a demo at the chosen step (clamped to the demo's steps by the player)."""
        if self.mode.active:
            self.mode.touch(self.now())
            self.open_demo(demo_id, int(self.step))

    def open_service(self, index: int) -> None:
        """Open one of the site's real e-services in the configured browser, without waiting."""
        service = self.services[index]
        urls = [s["url"] for s in self.services]
        self._record(self.mode.real_service(service["url"], urls, self.now()))
        argv = [arg.replace("{url}", service["url"]) for arg in self.settings.browser_command]
        try:
            self._browsers.append(self.launch(argv))
        except OSError as exc:
            log.error("browser did not start (%s): %s", argv[0], exc)
            self.status = N_("The browser could not be started.")

    def ask_consent(self, area: str) -> None:
        """ "On the visitor's behalf" in ``area``: the visitor is asked on the consent screen."""
        try:
            self.mode.ask_consent(area, self.now())
        except NotAllowed:
            self.status = STAFF_ONLY
            return
        self._mirror()
        self.nav.go("consent")
        self.say_always(consent_text(self.translate, self.helper_name, self.service_area))

    def consent(self, agreed: bool) -> None:
        """The visitor touched "I agree" or "No"."""
        if self.mode.phase != "consent":
            return
        self._record(self.mode.consent(agreed, self.now()))
        self._on_behalf_seen = self._on_behalf_seen or agreed
        self._mirror()
        self.nav.back()

    def end_on_behalf(self) -> None:
        self._record(self.mode.end_on_behalf(self.now()))
        self._mirror()

    # -- the visitor's help request --------------------------------------------------------------
    def watch_help(self, help_vm: Any) -> None:
        """Follow the visitor's call for help (HelpVM: ``phase``, ``request_id``)."""
        self.help = help_vm

        def changed(*_: object) -> None:
            self.request_open = bool(self.request_id)

        help_vm.bind(phase=changed, request_id=changed)
        changed()

    @property
    def request_id(self) -> int:
        """The hub's id of the visitor's open call for help (0: none, or not delivered yet)."""
        help_vm = self.help
        if help_vm is None or not help_vm.is_open:
            return 0
        return int(help_vm.request_id)

    def claim_request(self) -> None:
        rid, helper = self.request_id, self.mode.helper
        if not rid or helper is None or helper.assist_id is None:
            return
        self.gateway.claim(rid, helper.assist_id, lambda r: self._request_done(r, CLAIMED))

    def start_resolve(self) -> None:
        if self.request_id and self.may_handle_requests:
            self.need_type, self.level, self.resolve_area = "", 0, ""
            self.resolve_on_behalf = self._on_behalf_seen and self.may_act_on_behalf
            self.nav.go("assist_resolve")

    def resolve_request(self) -> None:
        rid, helper = self.request_id, self.mode.helper
        if not (rid and helper and helper.assist_id):
            return
        if not (self.need_type and self.level and self.resolve_area):
            self.status, self.status_detail = FILL_ALL, ""
            return
        body = {
            "assist_id": helper.assist_id,
            "need_type": self.need_type,
            "level": int(self.level),
            "service_area": self.resolve_area,
            "on_behalf": bool(self.resolve_on_behalf and self.may_act_on_behalf),
        }
        self.gateway.resolve(rid, body, lambda r: self._request_done(r, RESOLVED, back=True))

    def _request_done(self, result: Any, ok_message: str, back: bool = False) -> None:
        if not self.mode.active:
            return
        self.status = {
            "ok": ok_message,
            "unreachable": HUB_AWAY,
            "forbidden": NOT_ALLOWED,
        }.get(result.outcome, N_("The hub did not accept this: {detail}"))
        self.status_detail = result.detail
        if back and result.outcome == "ok" and self.nav.current == "assist_resolve":
            self.nav.back()

    # -- the ways out ----------------------------------------------------------------------------
    def end(self, reason: str = "button") -> None:
        """End assisted mode: record it, close the browser, forget the helper."""
        if not self.mode.active:
            self.cancel_login()
            return
        self._record(self.mode.end(reason, self.now()))  # type: ignore[arg-type]
        self._left(reason)
        if reason in ("button", "idle"):
            self.nav.reset("home")

    def session_ended(self) -> None:
        """The visitor's session ended (End session, idle wipe, card out): assisted mode too."""
        if self.mode.phase == "asking":
            self.mode.cancel_login()
            self._reset_form()
        self.end("session_end")

    def maintenance_exit(self) -> None:
        """Admins only: leave the kiosk app for the desktop (the app stops)."""
        try:
            actions = self.mode.maintenance_exit(self.now())
        except NotAllowed:
            self.status = NOT_ALLOWED
            return
        self._record(actions)
        self._left("maintenance")
        self.dispatch("on_exit_app", "maintenance")

    def _left(self, reason: str) -> None:
        for browser in self._browsers:
            try:
                browser.terminate()  # a real service's login must not outlive the helper
            except OSError:
                pass
        self._browsers = []
        self._reset_form()
        self.status = ""
        self._on_behalf_seen = False
        self._mirror()
        self.dispatch("on_left", reason)

    # -- inside ----------------------------------------------------------------------------------
    def _record(self, actions: list[Any]) -> None:
        at = self.wall().isoformat()
        for action in actions:
            self.gateway.record(action.body(at))

    def _mirror(self) -> None:
        m, h = self.mode, self.mode.helper
        self.phase = m.phase
        self.active = m.active
        self.acting_for_visitor = m.phase == "on_behalf"
        self.service_area = m.service_area or ""
        self.helper_name = h.display_name if h else ""
        self.role = h.role if h else ""
        self.emergency = bool(h and h.emergency)
        self.may_act_on_behalf = bool(h and h.may_act_on_behalf)
        self.may_exit = bool(h and h.may_exit_to_desktop)
        self.may_handle_requests = bool(h and h.may_handle_requests)

    def preview(self, screen: str) -> None:
        """Fake a helper (Anna, staff) so that ``screen`` shows as in use (screenshots)."""
        if not self.mode.active:
            self.mode.open_login("number", self.now())
            out = Helper("Anna", "staff", 1, 1, on_behalf_allowed=True, maintenance_allowed=False)
            self.mode.unlocked(out, self.now())
        if screen == "assist_login":
            self.mode.end("button", self.now())
            self.mode.open_login("number", self.now())
            self._reset_form()
            self.staff_number, self.field = "12", "pin"
            self._pin, self.pin_length = "", 4
            return
        if screen == "consent" and self.mode.phase == "assisted":
            self.mode.ask_consent(self.areas[0], self.now())
        if screen == "assist_resolve":
            self.need_type, self.level, self.resolve_area = "try_safely", 2, self.areas[0]
        self._mirror()

    def on_entered(self) -> None:
        pass

    def on_left(self, reason: str) -> None:
        pass

    def on_exit_app(self, reason: str) -> None:
        pass


def banner_text(
    _: Callable[[str], str], active: bool, on_behalf: bool, emergency: bool, name: str, role: str
) -> str:
    """The banner on every screen, in the visitor's language ("" when not assisted)."""
    if not active:
        return ""
    if emergency:
        return _("Assisted mode — site emergency code")
    who = _("{name} ({role})").format(name=name, role=_(ROLE_NAMES.get(role, role)))
    if on_behalf:
        return _("On your behalf, with your consent — {who}").format(who=who)
    return _("Assisted mode — {who}").format(who=who)


def consent_text(_: Callable[[str], str], name: str, service: str) -> str:
    """What the visitor is asked before the helper acts for them (shown and read aloud)."""
    name = name or _("The helper")
    return " ".join(
        [
            _("{name} will use {service} for you, on your behalf.").format(
                name=name, service=service
            ),
            _(
                "{name} sees what is on the screen. The kiosk does not save anything about you."
            ).format(name=name),
            _("You can say stop at any time."),
        ]
    )


def _popen(argv: list[str]) -> Any:
    """Start the browser and return at once (never waits for it)."""
    import subprocess

    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, start_new_session=True)
