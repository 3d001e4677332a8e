"""``kiosk check``'s hub line: not configured / not enrolled / reachable / token refused /
unreachable. Optional (required=False): a kiosk works without a hub, and says so on screen."""

from __future__ import annotations

from typing import Any

from kiosk.core.checks import CheckResult
from kiosk.core.errors import KioskError

NAME = "hub link"


def check_hub(settings: Any) -> list[CheckResult]:
    """One line about the link to the helper hub, after one heartbeat when enrolled."""
    from kiosk import __version__
    from kiosk.services.hublink.client import HubClient, HubRefused, HubUnreachable, TokenRefused
    from kiosk.services.hublink.credentials import load_enrolment, token_path

    def result(ok: bool, message: str) -> list[CheckResult]:
        return [CheckResult(NAME, ok, message, required=False)]

    url = settings.hub.url.rstrip("/")
    if not url:
        return result(False, "not configured ([hub] url is empty): 'Call a helper' says so")
    data_dir = settings.paths.resolved_data_dir()
    try:
        enrolment = load_enrolment(data_dir)
    except KioskError as exc:
        return result(False, exc.user_message)
    if enrolment is None:
        return result(
            False, f"not enrolled (no {token_path(data_dir)}): run kiosk enroll CODE --hub {url}"
        )
    if enrolment.hub_url.rstrip("/") != url:
        return result(
            False,
            f"enrolled with {enrolment.hub_url} but [hub] url is {url}: "
            f"enrol again with kiosk enroll CODE --hub {url}",
        )
    try:
        with HubClient(url, enrolment.token, timeout=settings.hub.request_timeout_seconds) as c:
            beat = c.heartbeat(__version__, False)
    except TokenRefused:
        return result(False, f"{url} refused this kiosk's token (revoked?): enrol it again")
    except (HubUnreachable, HubRefused) as exc:
        return result(False, f"{url} unreachable: {exc.user_message} {exc.detail}".strip())
    duty = "a helper is on duty" if beat.helper_on_duty else "no helper on duty now"
    return result(
        True,
        f"enrolled as kiosk {enrolment.kiosk_id} at {beat.site_name}, {beat.place}; "
        f"{url} reachable; {duty}",
    )
