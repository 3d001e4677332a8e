"""The ``kiosk-admin`` program: sites, kiosks and staff on a hub, plus ``packs`` (pack tools).

Log in once with ``kiosk-admin login --hub URL`` (the session is kept mode 0600 in the user's
config folder), or pass ``--hub URL --user NAME`` to any command. The password comes from
$KIOSK_ADMIN_PASSWORD or a prompt, never from the command line. This is the error boundary:
every failure is one line on stderr and an exit code (1 refused, 2 usage or settings, 3 hub
unreachable, 4 not logged in or not allowed), never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import importlib
import json
import os
import re
import sys
from typing import Any, get_args

from kiosk.admin import session as saved
from kiosk.admin.client import HubCallError, HubClient
from kiosk.core.errors import KioskError
from kiosk.protocol.common import Role


def _packs_module() -> Any:
    """kiosk/admin/packs.py (the pack tools), if present in this checkout."""
    try:
        return importlib.import_module("kiosk.admin.packs")
    except ImportError:
        return None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk-admin", description="Manage a digituki hub: sites, kiosks, staff; and packs."
    )
    parser.add_argument("--hub", help="hub address, e.g. https://hub.example.org")
    parser.add_argument(
        "--user", help="admin name (password from $KIOSK_ADMIN_PASSWORD or a prompt)"
    )
    parser.add_argument("--json", action="store_true", help="print answers as JSON")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    login = sub.add_parser("login", help="log in and keep the session for later commands")
    login.add_argument("--hub", dest="login_hub", required=True, help="hub address")
    login.add_argument(
        "--user", dest="login_user", default=None, help="admin name (asked if left out)"
    )
    sub.add_parser("logout", help="end the kept session on the hub and forget it")

    sites = sub.add_parser("sites", help="sites: add, list").add_subparsers(
        dest="action", metavar="add|list", required=True
    )
    add = sites.add_parser("add", help="add a site (library or service point)")
    add.add_argument("name")
    add.add_argument("--address", default="")
    add.add_argument("--opening-hours", default="")
    add.add_argument("--guidance-hours", default="", help='e.g. "Mon-Fri 10-12"')
    add.add_argument("--escalation-minutes", type=int, help="default from the hub's settings")
    sites.add_parser("list", help="list sites")

    kiosks = sub.add_parser("kiosks", help="kiosks: enroll, list, revoke").add_subparsers(
        dest="action", metavar="enroll|list|revoke", required=True
    )
    enroll = kiosks.add_parser("enroll", help="print a one-time enrolment code for a new kiosk")
    enroll.add_argument("--site", required=True, help="site name or id")
    enroll.add_argument("--place", required=True, help='e.g. "2nd floor, by the newspapers"')
    kiosks.add_parser("list", help="list kiosks")
    revoke = kiosks.add_parser("revoke", help="stop a kiosk's token working, at once")
    revoke.add_argument("kiosk_id", type=int)

    staff = sub.add_parser(
        "staff", help="staff: add, list, disable, set-password, set-pin, set-card"
    ).add_subparsers(
        dest="action", metavar="add|list|disable|set-password|set-pin|set-card", required=True
    )
    sadd = staff.add_parser("add", help="add an account; prints a generated password once")
    sadd.add_argument("name")
    sadd.add_argument("--display-name", help="name the visitor sees (default: NAME)")
    sadd.add_argument(
        "--role",
        required=True,
        choices=list(get_args(Role)),
        help="regional: sees and answers only requests that waited too long at its sites",
    )
    sadd.add_argument("--site", action="append", default=[], help="site served (repeatable)")
    staff.add_parser("list", help="list accounts")
    dis = staff.add_parser("disable", help="disable an account and end its sessions")
    dis.add_argument("name")
    pw = staff.add_parser("set-password", help="set a new generated password (printed once)")
    pw.add_argument("name")
    pin = staff.add_parser(
        "set-pin", help="set the kiosk PIN for assisted mode (asked twice, hidden)"
    )
    pin.add_argument("name")
    how = pin.add_mutually_exclusive_group()
    how.add_argument("--pin-stdin", action="store_true", help="read the PIN from standard input")
    how.add_argument(
        "--generate", action="store_true", help="let the hub make a 6-digit PIN, printed once"
    )
    card = staff.add_parser("set-card", help="register or forget the staff card's UID")
    card.add_argument("name")
    which = card.add_mutually_exclusive_group(required=True)
    which.add_argument("--uid", help="the card's UID in hex, e.g. 04A1B2C3D4E5F6")
    which.add_argument("--clear", action="store_true", help="forget the card")

    packs = _packs_module()
    if packs is not None:
        packs.add_parser(sub)
    return parser


def _password(name: str) -> str:
    password = os.environ.get("KIOSK_ADMIN_PASSWORD")
    if password:
        return password
    if not sys.stdin.isatty():
        raise KioskError("no password: set KIOSK_ADMIN_PASSWORD or run in a terminal")
    return getpass.getpass(f"Password for {name}: ")


def _client(args: argparse.Namespace) -> HubClient:
    if args.hub or args.user:
        if not (args.hub and args.user):
            raise KioskError("--hub and --user go together")
        client = HubClient(args.hub)
        client.login(args.user, _password(args.user))
        return client
    kept = saved.load()
    return HubClient(kept.hub, kept.token)


def _print(args: argparse.Namespace, data: Any, columns: list[str] | None = None) -> None:
    if args.json or columns is None:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    rows = [[_cell(item.get(c)) for c in columns] for item in data]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(columns)]
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in rows:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "-"
    return "-" if value is None or value == "" else str(value)


def _site_id(client: HubClient, site: str) -> int:
    if site.isdigit():
        return int(site)
    for row in client.call("GET", "/admin/sites"):
        if row["name"].casefold() == site.casefold():
            return int(row["id"])
    raise HubCallError(f"no site named {site!r}; see `kiosk-admin sites list`", 1)


def _login(args: argparse.Namespace) -> int:
    name = args.login_user or input("Admin name: ").strip()
    client = HubClient(args.login_hub)
    token = client.login(name, _password(name))
    path = saved.save(saved.SavedSession(hub=client.hub, token=token, name=name))
    print(f"Logged in to {client.hub} as {name}; session kept in {path}")
    return 0


def _logout(args: argparse.Namespace) -> int:
    kept = saved.load()
    try:
        HubClient(kept.hub, kept.token).call("POST", "/staff/logout")
    except HubCallError as exc:
        if exc.exit_code == 3:
            raise
    saved.forget()
    print("Logged out.")
    return 0


def _sites(args: argparse.Namespace, client: HubClient) -> int:
    if args.action == "list":
        _print(
            args,
            client.call("GET", "/admin/sites"),
            ["id", "name", "address", "guidance_hours", "escalation_minutes"],
        )
        return 0
    body = {
        "name": args.name,
        "address": args.address,
        "opening_hours": args.opening_hours,
        "guidance_hours": args.guidance_hours,
    }
    if args.escalation_minutes is not None:
        body["escalation_minutes"] = args.escalation_minutes
    site = client.call("POST", "/admin/sites", body)
    _print(args, site) if args.json else print(f"Site {site['name']!r} added with id {site['id']}.")
    return 0


def _kiosks(args: argparse.Namespace, client: HubClient) -> int:
    if args.action == "list":
        _print(
            args,
            client.call("GET", "/admin/kiosks"),
            ["id", "site_name", "place", "revoked", "last_seen_at", "app_version"],
        )
        return 0
    if args.action == "revoke":
        client.call("POST", f"/admin/kiosks/{args.kiosk_id}/revoke")
        print(f"Kiosk {args.kiosk_id} revoked; its token no longer works.")
        return 0
    body = {"site_id": _site_id(client, args.site), "place": args.place}
    code = client.call("POST", "/admin/kiosks/enrolment", body)
    if args.json:
        _print(args, code)
    else:
        print(f"Enrolment code: {code['code']}")
        print(f"Valid once, until {code['expires_at']}. On the kiosk run:")
        print(f"  kiosk enroll {code['code']} --hub {client.hub}")
    return 0


PIN_RULE = re.compile(r"^[0-9]{4,12}$")


def _new_pin(args: argparse.Namespace) -> str | None:
    """The PIN to set: from stdin, asked twice without echo, or None (the hub generates)."""
    if args.generate:
        return None
    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        if not sys.stdin.isatty():
            raise KioskError("no terminal to ask the PIN: use --pin-stdin or --generate")
        pin = getpass.getpass(f"New kiosk PIN for {args.name}: ")
        if getpass.getpass("The same PIN again: ") != pin:
            raise KioskError("the two PINs differ; nothing was changed")
    if not PIN_RULE.match(pin):
        raise KioskError("a PIN is 4 to 12 digits")
    return pin


def _card_uid(text: str) -> str:
    uid = re.sub(r"[\s:-]", "", text).upper()
    if not re.fullmatch(r"[0-9A-F]{8,20}", uid) or len(uid) % 2:
        raise KioskError(f"{text!r} is not a card UID: 4-10 bytes in hex, e.g. 04A1B2C3")
    return uid


def _staff_list(args: argparse.Namespace, client: HubClient) -> int:
    rows = client.call("GET", "/admin/staff")
    for row in rows:
        row["number"] = row["id"]
        row["pin"] = "yes" if row.get("has_pin") else "no"
        row["card"] = "yes" if row.get("has_card") else "no"
    columns = ["number", "name", "display_name", "role", "site_ids", "disabled", "pin", "card"]
    _print(args, rows, [*columns, "last_login_at"])
    return 0


def _staff(args: argparse.Namespace, client: HubClient) -> int:
    if args.action == "list":
        return _staff_list(args, client)
    if args.action == "set-pin":
        pin = _new_pin(args)
        out = client.call(
            "POST", f"/admin/staff/{args.name}/pin", {} if pin is None else {"pin": pin}
        )
        if out["pin"]:
            print(f"New kiosk PIN for {args.name} (shown only now): {out['pin']}")
        else:
            print(f"Kiosk PIN for {args.name} set.")
        return 0
    if args.action == "set-card":
        uid = None if args.clear else _card_uid(args.uid)
        out = client.call("POST", f"/admin/staff/{args.name}/card", {"card_uid": uid})
        done = "forgotten" if uid is None else "registered"
        print(f"Card {done} for {args.name} (staff number {out['id']}).")
        return 0
    if args.action == "disable":
        client.call("POST", f"/admin/staff/{args.name}/disable")
        print(f"{args.name} disabled; their sessions have ended.")
        return 0
    if args.action == "set-password":
        out = client.call("POST", f"/admin/staff/{args.name}/password", {})
        print(f"New password for {args.name} (shown only now): {out['password']}")
        return 0
    body = {
        "name": args.name,
        "display_name": args.display_name or args.name,
        "role": args.role,
        "site_ids": [_site_id(client, s) for s in args.site],
    }
    out = client.call("POST", "/admin/staff", body)
    print(
        f"{out['role'].title()} {out['name']!r} added. Password (shown only now): {out['password']}"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kiosk-admin`` console script. Returns the exit code."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "packs":
            return int(_packs_module().run(args))
        if args.command == "login":
            return _login(args)
        if args.command == "logout":
            return _logout(args)
        handler = {"sites": _sites, "kiosks": _kiosks, "staff": _staff}[args.command]
        return handler(args, _client(args))
    except HubCallError as exc:
        print(f"kiosk-admin: {exc.user_message}", file=sys.stderr)
        return exc.exit_code
    except KioskError as exc:
        print(f"kiosk-admin: {exc.user_message}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, EOFError):
        print("kiosk-admin: cancelled", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
