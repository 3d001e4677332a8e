"""The staff login form of assisted mode, as Kivy properties (the base of AssistVM).

A digit keypad types into one field at a time: the staff number, then the PIN (or the PIN alone
after a staff card), the dashboard's six-digit one-time code, or, when the hub cannot be
reached, the site emergency code. The hub checks everything but the emergency code (through the
gateway's worker thread; answers come back through the Clock); the emergency code is checked
against its hash, and the kiosk itself limits guesses (:class:`kiosk.core.assist.EmergencyGuard`).

The PIN and the codes live only in private attributes until sent (the screen shows dots from
``pin_length`` and ``secret_length``) and are cleared after every try; nothing here logs them.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.core.assist import Action, Helper
from kiosk.ui.i18n import N_

log = logging.getLogger("kiosk.assist")

#: Messages of the login screen (translated where shown).
WRONG = N_("The staff number, PIN or code is wrong. Try again.")
LOCKED = N_("Staff login is locked for {minutes} minutes.")
UNREACHABLE = N_("The helper hub cannot be reached. Only the site emergency code works now.")
NO_EMERGENCY = N_("The helper hub cannot be reached, and this kiosk has no emergency code.")
FORBIDDEN = N_("You cannot log in at this kiosk. Ask an administrator.")
CARD_UNREAD = N_("The card could not be read. Log in with your staff number.")
EMERGENCY_WRONG = N_("The emergency code is wrong.")
CHECKING = N_("Checking…")
PIN_LENGTH = (4, 12)


class StaffLoginForm(EventDispatcher):
    """Needs from the subclass: ``mode`` (AssistMode), ``guard``, ``gateway``, ``nav``,
    ``session``, ``now``, ``_enter(helper)`` and ``_record(actions)``."""

    # the login form
    method = StringProperty("number")
    field = StringProperty("number")
    staff_number = StringProperty("")
    pin_length = NumericProperty(0)
    code = StringProperty("")
    secret_length = NumericProperty(0)  # the emergency code, shown only as dots
    message = StringProperty("")
    minutes = NumericProperty(0)
    busy = BooleanProperty(False)
    emergency_possible = BooleanProperty(True)

    _card_uid: str | None = None
    _pin = ""
    _secret = ""
    _attempt = 0  # answers to an older attempt (a closed login) are ignored

    # -- the ways in ---------------------------------------------------------------------------
    def open_login(self, method: str = "number", card_uid: str | None = None) -> bool:
        """Show the staff login (the corner gesture, a staff card, the dashboard's code)."""
        if self.mode.active or self.nav.current == "assist_login":
            return False
        unread = method == "card" and not card_uid
        self.mode.open_login("number" if unread else method, self.now())  # type: ignore[arg-type]
        self._card_uid = None if unread else card_uid
        self._reset_form()
        self.message = CARD_UNREAD if unread else ""
        self.nav.go("assist_login")
        return True

    def use_method(self, method: str) -> None:
        """ "I have a code" / "Use my staff number" on the login screen."""
        if self.mode.phase != "asking":
            return
        if method == "emergency" and not self.gateway.has_emergency_code:
            return
        self.mode.open_login(method, self.now())  # type: ignore[arg-type]
        self._reset_form(keep_message=method == "emergency")

    def _reset_form(self, keep_message: bool = False) -> None:
        self.method = self.mode.method or "number"
        self.field = {"card": "pin", "number": "number"}.get(self.method, self.method)
        self.staff_number, self.code = "", ""
        self._pin, self._secret = "", ""
        self.pin_length = self.secret_length = 0
        self.busy = False
        if not keep_message:
            self.message = ""

    def press(self, digit: str) -> None:
        """A digit on the keypad, into the field being typed."""
        if self.busy or not digit.isdigit() or len(digit) != 1:
            return
        self.mode.touch(self.now())
        if self.field == "number" and len(self.staff_number) < 10:
            self.staff_number += digit
        elif self.field == "pin" and len(self._pin) < PIN_LENGTH[1]:
            self._pin += digit
            self.pin_length = len(self._pin)
        elif self.field == "code" and len(self.code) < 6:
            self.code += digit
        elif self.field == "emergency" and len(self._secret) < 32:
            self._secret += digit
            self.secret_length = len(self._secret)

    def delete(self) -> None:
        if self.busy:
            return
        if self.field == "number":
            self.staff_number = self.staff_number[:-1]
        elif self.field == "pin":
            if not self._pin and self.method == "number":
                self.field = "number"  # back to the staff number
            self._pin = self._pin[:-1]
            self.pin_length = len(self._pin)
        elif self.field == "code":
            self.code = self.code[:-1]
        else:
            self._secret = self._secret[:-1]
            self.secret_length = len(self._secret)

    def submit(self) -> None:
        """OK on the keypad: the next field, or the try."""
        if self.busy or self.mode.phase != "asking":
            return
        if self.field == "number":
            if self.staff_number:
                self.field = "pin"
            return
        if self.field == "emergency":
            self._try_emergency()
            return
        fields = self._unlock_fields()
        if fields is None:
            return
        self._attempt += 1
        attempt = self._attempt
        self.busy, self.message = True, CHECKING
        self.gateway.unlock(fields, lambda result: self._unlocked(attempt, result))
        self._pin = ""
        self.pin_length = 0

    def _unlock_fields(self) -> dict[str, Any] | None:
        if self.method == "code":
            return {"method": "code", "code": self.code} if len(self.code) == 6 else None
        if not PIN_LENGTH[0] <= len(self._pin) <= PIN_LENGTH[1]:
            return None
        if self.method == "card":
            return {"method": "card", "card_uid": self._card_uid, "pin": self._pin}
        return {"method": "number", "staff_number": int(self.staff_number), "pin": self._pin}

    def _unlocked(self, attempt: int, result: Any) -> None:
        if attempt != self._attempt or self.mode.phase != "asking":
            return  # the login was closed meanwhile
        self.busy = False
        self.code = ""
        log.info("staff login by %s: %s", self.method, result.outcome)
        if result.outcome == "ok":
            self._enter(Helper.from_unlock(result.helper))
        elif result.outcome == "locked":
            self.minutes = max(1, math.ceil((result.retry_after or 60) / 60))
            self.message = LOCKED
        elif result.outcome == "unreachable":
            self.message = UNREACHABLE if self.gateway.has_emergency_code else NO_EMERGENCY
            if self.gateway.has_emergency_code:
                self.use_method("emergency")
        elif result.outcome == "forbidden":
            self.message = FORBIDDEN
        else:
            self.message = WRONG
            if self.method == "number":
                self.field = "pin"

    def _try_emergency(self) -> None:
        locked = self.guard.locked_for(self.now())
        if locked:
            self.minutes = max(1, math.ceil(locked / 60))
            self.message = LOCKED
            return
        if not self._secret:
            return
        self._attempt += 1
        attempt = self._attempt
        self.busy, self.message = True, CHECKING
        self.gateway.check_emergency(self._secret, lambda ok: self._emergency_checked(attempt, ok))
        self._secret = ""
        self.secret_length = 0

    def _emergency_checked(self, attempt: int, ok: bool) -> None:
        if attempt != self._attempt or self.mode.phase != "asking":
            return
        self.busy = False
        log.info("staff login by the emergency code: %s", "ok" if ok else "wrong")
        if ok:
            self.guard.succeeded()
            self._enter(Helper.by_emergency_code())
            return
        # Every attempt is audited, also while the hub is away: the outbox delivers it later.
        self._record([Action("emergency_unlock_failed", None)])
        lock = self.guard.failed(self.now())
        if lock:
            self.minutes = max(1, math.ceil(lock / 60))
            self.message = LOCKED
        else:
            self.message = EMERGENCY_WRONG

    def cancel_login(self) -> None:
        """Cancel on the login screen (or its timeout): back to where the visitor was."""
        if self.mode.phase != "asking":
            return
        self.mode.cancel_login()
        self._attempt += 1
        self._reset_form()
        self._card_uid = None
        if self.session.active:
            self.nav.back()
        else:
            self.nav.reset("welcome")

    def _enter(self, helper: Helper) -> None:
        raise NotImplementedError
