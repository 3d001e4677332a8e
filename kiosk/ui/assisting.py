"""Assisted mode's part of the composition root: the gateway, the AssistVM and their wiring.

Called once from ``KioskApp.finish_build`` (after the help VM and its link exist); kept out of
app.py so that the composition root stays readable. Nothing here does IO at import.
"""

from __future__ import annotations

import logging
from typing import Any

from kivy.clock import Clock

from kiosk.ui.screen_names import ASSIST_SCREENS
from kiosk.ui.viewmodels.assist import AssistVM

log = logging.getLogger("kiosk.assist")

#: The exit status of a maintenance exit: the systemd unit must not restart on it
#: (``RestartPreventExitStatus=``, see docs/assisted.md).
MAINTENANCE_EXIT_STATUS = 64


def compose_assist(app: Any, gateway: Any = None) -> AssistVM:
    """Make the assisted mode for ``app`` (its settings, link, VMs, shell) and wire it in.
    ``gateway`` replaces the real AssistGateway (a fake in widget tests)."""
    settings = app.settings.assist
    if gateway is None:
        from kiosk.services.hublink.assist import AssistGateway

        gateway = AssistGateway(
            app.link,
            emergency_hash=settings.emergency_code_hash,
            on_main=lambda fn: Clock.schedule_once(lambda _dt: fn()),
        )
    vm = AssistVM(settings, gateway, app.nav, app.session, now=app.now)
    vm.translate = app.tr._
    vm.open_demo = app.open_demo
    vm.say_always = lambda text: app.read_aloud.say(text, always=True)
    vm.watch_help(app.help)

    def left(_vm: AssistVM, reason: str) -> None:
        # Nothing the helper typed stays: the demo in progress and its fields go.
        app.player.stop()
        app.session.session.typed.clear()

    vm.bind(on_left=left, on_exit_app=lambda _vm, _reason: leave_for_desktop(app))
    app.card.bind(on_staff_card=lambda _card, event: vm.open_login("card", card_uid=event.uid))
    visitor_hold = app.session.hold
    # A helper at the kiosk holds the visitor's session; assisted mode has its own idle exit.
    app.session.hold = lambda: vm.active or bool(visitor_hold and visitor_hold())
    app.shell.assist = vm
    vm.ticker = Clock.schedule_interval(vm.tick, 0.5)
    screen_args = {name: {"vm": vm} for name in ASSIST_SCREENS}
    screen_args["assisted"]["catalogue"] = app.catalogue
    app._screen_args.update(screen_args)
    return vm


def leave_for_desktop(app: Any) -> None:
    """The maintenance exit: stop the app cleanly with the status systemd does not restart."""
    log.warning("maintenance exit to the desktop by an admin")
    app.exit_status = MAINTENANCE_EXIT_STATUS
    app.stop()


def stop_assist(vm: AssistVM | None) -> None:
    """At the app's stop: no more ticks; the gateway's worker ends."""
    if vm is None:
        return
    vm.ticker.cancel()
    vm.gateway.close()


def show_assist_screen(app: Any, screen: str) -> None:
    """Put ``screen`` on as in use, with a pretend helper (screenshots, look tests)."""
    if screen == "assisted" and app.catalogue.result is None:
        app.catalogue.load_now()
    app.assist.preview(screen)
    if screen == "assist_login":
        app.nav.go("assist_login")
        return
    app.nav.go("assisted")
    if screen != "assisted":
        app.nav.go(screen)
