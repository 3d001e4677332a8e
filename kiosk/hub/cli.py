"""The ``kiosk-hub`` program: ``serve``, ``create-admin NAME``, ``set-password NAME``, ``migrate``.

This is the hub's error boundary for the command line: a :class:`KioskError` (bad settings, an
existing name) becomes one plain line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk.core.errors import KioskError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk-hub", description="The digituki hub: help queue, staff API and kiosk fleet."
    )
    parser.add_argument(
        "--config",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="a site's settings file laid over kiosk_config/hub.toml (may be repeated)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    serve = sub.add_parser("serve", help="run the hub (migrates the database first)")
    serve.add_argument("--host", help="address to listen on (default: server.host)")
    serve.add_argument("--port", type=int, help="port to listen on (default: server.port)")
    admin = sub.add_parser(
        "create-admin", help="create an admin account and print its generated password once"
    )
    admin.add_argument("name", help="login name of the new admin")
    admin.add_argument("--display-name", help="name shown to kiosks (default: NAME)")
    admin.add_argument(
        "--if-none",
        action="store_true",
        help="do nothing (exit 0, print nothing) when an admin account already exists",
    )
    reset = sub.add_parser(
        "set-password", help="give an account a new generated password (printed once)"
    )
    reset.add_argument("name", help="login name of the account")
    sub.add_parser("migrate", help="bring the database schema up to date and exit")
    return parser


def _settings(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from kiosk.hub.config import load_hub_settings

    server = {}
    if getattr(args, "host", None):
        server["host"] = args.host
    if getattr(args, "port", None) is not None:
        server["port"] = args.port
    return load_hub_settings(args.config, extra={"server": server} if server else None)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from kiosk.hub.app import create_app

    settings = _settings(args)
    app = create_app(settings)
    print(
        f"kiosk-hub: serving on http://{settings.server.host}:{settings.server.port}/api/v1",
        file=sys.stderr,
        flush=True,
    )
    uvicorn.run(
        app,
        host=settings.server.host,
        port=settings.server.port,
        log_level="warning",
        proxy_headers=True,
        timeout_graceful_shutdown=3,
    )
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from kiosk.hub.app import build_hub
    from kiosk.hub.models import Staff
    from kiosk.hub.services import accounts

    hub = build_hub(_settings(args))
    try:
        with hub.transaction() as db:
            if args.if_none and db.scalar(select(Staff.id).where(Staff.role == "admin")):
                return 0
            _, password = accounts.add_staff(
                db,
                hub.hasher,
                now=hub.clock(),
                actor_id=None,
                name=args.name,
                display_name=args.display_name or args.name,
                role="admin",
                site_ids=[],
                password=None,
            )
    finally:
        hub.engine.dispose()
    print(f"Admin {args.name!r} created. Password (shown only now): {password}")
    return 0


def _set_password(args: argparse.Namespace) -> int:
    from kiosk.hub.app import build_hub
    from kiosk.hub.services import accounts

    hub = build_hub(_settings(args))
    try:
        with hub.transaction() as db:
            staff = accounts.get_staff(db, args.name)
            password = accounts.set_password(
                db, hub.hasher, now=hub.clock(), actor_id=staff.id, name=args.name, password=None
            )
    finally:
        hub.engine.dispose()
    print(f"New password for {args.name!r} (shown only now): {password}")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from kiosk.hub.db import make_engine, migrate

    settings = _settings(args)
    engine = make_engine(settings.database_url(), pool_size=1)
    try:
        migrate(engine)
    finally:
        engine.dispose()
    print("kiosk-hub: database is up to date.")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``kiosk-hub`` console script. Returns the exit code."""
    args = build_parser().parse_args(argv)
    handlers = {
        "serve": _serve,
        "create-admin": _create_admin,
        "set-password": _set_password,
        "migrate": _migrate,
    }
    try:
        return handlers[args.command](args)
    except KioskError as exc:
        print(f"kiosk-hub: {exc.user_message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"kiosk-hub: {exc.strerror or exc} ({exc.filename or 'network'})", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
