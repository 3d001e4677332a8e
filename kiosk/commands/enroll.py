"""``kiosk enroll CODE [--hub URL]``: join this kiosk to a hub with a one-time code.

The code comes from an admin (``kiosk-admin kiosks enroll --site S --place P``). The hub answers
with this kiosk's own token, which is saved in the data folder readable only by the kiosk's
user (mode 0600). Every failure is one plain line: a bad or expired code, a hub that cannot be
reached, a URL that is not a hub.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from kiosk.core.errors import KioskError


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "enroll",
        help="join this kiosk to a helper hub with a one-time enrolment code",
        description="Exchange a one-time enrolment code (from kiosk-admin) for this kiosk's own "
        "token and save it in the kiosk's data folder, readable only by this user.",
    )
    parser.add_argument("code", help="the one-time code, e.g. ABCD-EFGH-JKLM")
    parser.add_argument(
        "--hub",
        metavar="URL",
        help="the hub's address, e.g. https://hub.example.org (default: [hub] url of the settings)",
    )
    return parser


def run(args: argparse.Namespace, settings: Any) -> int:
    from kiosk import __version__
    from kiosk.services.hublink.client import HubClient, HubRefused, HubUnreachable, TokenRefused
    from kiosk.services.hublink.credentials import Enrolment, save_enrolment

    url = (args.hub or settings.hub.url).rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise KioskError(
            "give the hub's address with --hub https://... (or set [hub] url in the settings)"
        )
    code = args.code.strip().upper()
    try:
        with HubClient(url, None, timeout=settings.hub.request_timeout_seconds) as client:
            out = client.enrol(code, __version__)
    except HubRefused as exc:
        raise KioskError(f"the hub refused the code: {exc.user_message}") from None
    except TokenRefused as exc:
        raise KioskError(f"the hub refused the code: {exc.detail}") from None
    except HubUnreachable as exc:
        raise KioskError(
            f"cannot reach the hub at {url} ({exc.user_message} {exc.detail}); "
            "check the address and the network"
        ) from None
    data_dir = settings.paths.resolved_data_dir()
    path = save_enrolment(
        data_dir,
        Enrolment(
            hub_url=url,
            token=out.token,
            kiosk_id=out.kiosk_id,
            site_name=out.site_name,
            place=out.place,
        ),
    )
    print(f"Enrolled as kiosk {out.kiosk_id} at {out.site_name}, {out.place}.")
    print(f"The token is saved in {path} (readable only by this user).")
    if settings.hub.url.rstrip("/") != url:
        print(
            f'Set [hub] url = "{url}" in this kiosk\'s site settings file so that it uses the hub.',
            file=sys.stdout,
        )
    return 0
