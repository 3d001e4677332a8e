"""The kiosk's link to the helper hub: durable outbox, HTTP client, worker threads, enrolment.

Start here: :class:`~kiosk.services.hublink.link.HubLink` (made by :func:`make_link` from the
settings), :class:`~kiosk.services.hublink.status.HelpStatus` (what the screen shows), and
docs/helper-link.md. Importing this package imports neither Kivy nor httpx nor pydantic.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.services.hublink.status import HelpStatus

OUTBOX_FILE = "outbox.sqlite"

__all__ = ["OUTBOX_FILE", "HelpStatus", "make_link"]


def make_link(
    settings: Any,
    *,
    on_status: Callable[[HelpStatus], None],
    on_main: Callable[[Callable[[], None]], None],
    in_session: Callable[[], bool] = lambda: False,
) -> Any:
    """The link for these kiosk settings, or None when the hub is not configured or the kiosk
    is not enrolled (the help screen then says plainly that it cannot call a helper).

    Raises :class:`~kiosk.core.errors.KioskError` when the enrolment file is unreadable.
    """
    from kiosk import __version__
    from kiosk.services.hublink.credentials import load_enrolment
    from kiosk.services.hublink.link import HubLink, LinkTimings

    if not settings.hub.url:
        return None
    data_dir = settings.paths.resolved_data_dir()
    enrolment = load_enrolment(data_dir)
    if enrolment is None:
        return None
    return HubLink(
        url=settings.hub.url,
        token=enrolment.token,
        outbox_path=data_dir / OUTBOX_FILE,
        timings=LinkTimings.from_settings(settings.hub),
        on_status=on_status,
        on_main=on_main,
        in_session=in_session,
        app_version=__version__,
    )
