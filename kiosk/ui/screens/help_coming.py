"""A helper took the call: "Anna is coming", staff messages in large type, Cancel."""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens import help_queue  # noqa: F401  (defines HelpMessage for this KV)
from kiosk.ui.screens.base import KioskScreen


class HelpComingScreen(KioskScreen):
    pass


load_kv(__file__)
