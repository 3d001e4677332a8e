"""Staff login: a staff card's PIN, a staff number and PIN, a one-time code, or (hub away) the
site emergency code, typed on a large digit keypad. The PIN and the emergency code show only
as dots; the screen is never read aloud. ``vm`` is the AssistVM."""

from __future__ import annotations

from kiosk.ui.i18n import N_
from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.widgets import keypad  # noqa: F401  (registers PinPad for KV)

#: What to type, by the field the keypad types into.
INSTRUCTIONS = {
    "number": N_("Type your staff number, then OK."),
    "pin": N_("Type your PIN, then OK."),
    "code": N_("Type the six-digit code from the dashboard, then OK."),
    "emergency": N_("Type the site emergency code, then OK."),
}


def dots(n: int) -> str:
    """A masked PIN: one dot per digit, never the digits."""
    return " ".join("•" * int(n))


class AssistLoginScreen(KioskScreen):
    instructions = INSTRUCTIONS
    dots = staticmethod(dots)


load_kv(__file__)
