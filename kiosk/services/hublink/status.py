"""HelpStatus: what the screen needs to know about the visitor's help request, as one value.

The link makes a new one on every change and hands it to the UI thread; the UI never asks the
link anything. Phases:

- ``none``: no request open.
- ``sending``: stored in the outbox, first delivery under way.
- ``unreachable``: stored, but the hub cannot be reached; the link keeps trying.
- ``waiting``: on the hub, in the queue (``position``, ``expected_wait_seconds``).
- ``claimed``: a helper is coming (``helper_name``).
- ``resolved``, ``cancelled``, ``expired``: ended (expired on the hub, or too old to send).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Phase = Literal[
    "none", "sending", "unreachable", "waiting", "claimed", "resolved", "cancelled", "expired"
]
OPEN_PHASES = frozenset({"sending", "unreachable", "waiting", "claimed"})


@dataclass(frozen=True)
class HelpStatus:
    phase: Phase = "none"
    key: str | None = None
    request_id: int | None = None
    position: int | None = None
    expected_wait_seconds: int | None = None
    helper_name: str | None = None
    #: The last staff quick message, one text per language code.
    message: dict[str, str] | None = None
    escalated: bool = False
    #: Whether a helper is on duty at the site (None until the hub has said).
    helper_on_duty: bool | None = None

    @property
    def open(self) -> bool:
        return self.phase in OPEN_PHASES
