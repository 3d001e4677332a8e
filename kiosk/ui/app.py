"""KioskApp: the composition root of the touchscreen program, and its error boundary.

``build`` makes what the welcome screen needs and ``finish_build`` (right after the first
frame) the other view-models; screens are built from them and handed what each needs. Nothing else
in the UI calls ``App.get_running_app()``; KV reaches the theme and translations as ``app.theme``
and ``app.tr``.
"""

from __future__ import annotations

import importlib
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.config import PROJECT_ROOT, Settings
from kiosk.core.errors import KioskError
from kiosk.core.idle import IdlePolicy
from kiosk.ui.collector import QuietCollector
from kiosk.ui.frames import after_first_frame
from kiosk.ui.i18n import Translator
from kiosk.ui.screen_names import ASSIST_SCREENS, HELP_SCREENS
from kiosk.ui.theme import Theme
from kiosk.ui.viewmodels.navigation import NavigationVM
from kiosk.ui.viewmodels.session import SessionVM
from kiosk.ui.widgets.shell import KioskShell

if TYPE_CHECKING:  # imported where used, after the first frame (see finish_build)
    from kiosk.ui.viewmodels.card import CardVM
    from kiosk.ui.viewmodels.help import HelpVM
    from kiosk.ui.viewmodels.player import PlayerVM

log = logging.getLogger("kiosk.app")

#: Each screen's class, imported (and its KV parsed) only when the screen is first needed:
#: the first frame shows after the welcome screen alone; the rest are built while it shows.
SCREENS = {
    "welcome": "kiosk.ui.screens.welcome:WelcomeScreen",
    "home": "kiosk.ui.screens.home:HomeScreen",
    "catalogue": "kiosk.ui.screens.catalogue:CatalogueScreen",
    "settings": "kiosk.ui.screens.settings:SettingsScreen",
    "help": "kiosk.ui.screens.help:HelpScreen",
    "help_queue": "kiosk.ui.screens.help_queue:HelpQueueScreen",
    "help_coming": "kiosk.ui.screens.help_coming:HelpComingScreen",
    "help_unreachable": "kiosk.ui.screens.help_unreachable:HelpUnreachableScreen",
    "help_ended": "kiosk.ui.screens.help_ended:HelpEndedScreen",
    "idle": "kiosk.ui.screens.idle:IdleScreen",
    "end": "kiosk.ui.screens.end:EndScreen",
    "error": "kiosk.ui.screens.error:ErrorScreen",
    "demo": "kiosk.ui.screens.demo:DemoScreen",
    "keyboard": "kiosk.ui.screens.keyboard:KeyboardScreen",
    "completion": "kiosk.ui.screens.completion:CompletionScreen",
    "assist_login": "kiosk.ui.screens.assist_login:AssistLoginScreen",
    "assisted": "kiosk.ui.screens.assisted:AssistedScreen",
    "assist_resolve": "kiosk.ui.screens.assist_resolve:AssistResolveScreen",
    "consent": "kiosk.ui.screens.consent:ConsentScreen",
}
#: Screens that belong to a demo in progress; going anywhere else (but help, settings and the
#: idle question, which come back) ends the demo.
DEMO_SCREENS = frozenset({"demo", "keyboard", *HELP_SCREENS, "settings", "idle", "end"})
#: Keys a visitor could use to leave or reconfigure the app: Esc and every function key.
LOCKED_KEYS = frozenset({27, *range(282, 294)})
ATTENTION_SOUND = PROJECT_ROOT / "assets" / "sounds" / "attention.wav"
#: More unexpected errors than this within a minute: let the process die and systemd restart it.
MAX_ERRORS_PER_MINUTE = 5


class _StartingCardReader:
    """Stands in for the card reader until the real one is built after the first frame
    (importing PC/SC costs start-up time the welcome screen does not need)."""

    def start(self, _on_event: object) -> None:
        return None

    def stop(self) -> None:
        return None

    def status(self) -> str:
        return "starting"

    def is_available(self) -> bool:
        return False


class _Boundary(ExceptionHandler):
    """Kivy's main loop hands every uncaught exception here: show the calm screen, keep going."""

    def __init__(self, app: KioskApp) -> None:
        self.app = app

    def handle_exception(self, inst: BaseException) -> int:
        if isinstance(inst, KeyboardInterrupt | SystemExit):
            return ExceptionManager.RAISE
        log.error("unexpected error; showing the out-of-order screen", exc_info=inst)
        return ExceptionManager.PASS if self.app.out_of_order() else ExceptionManager.RAISE


class KioskApp(App):
    title = "Digituki"
    use_kivy_settings = False
    #: What the visitor is doing, for a help request: () -> {"demo", "step", "stuck_seconds"}
    #: (any may be missing). Set by whoever knows the current demo and step.
    help_context: Callable[[], dict] | None = None

    def __init__(
        self,
        settings: Settings,
        *,
        now: Callable[[], float] = time.monotonic,
        kiosk_mode: bool | None = None,
        speech: object | None = None,
        card_reader: object | None = None,
        assist_gateway: object | None = None,
    ) -> None:
        """``speech``, ``card_reader`` and ``assist_gateway`` replace the real services (fakes
        in tests)."""
        super().__init__()
        self._speech = speech
        self._card_reader = card_reader
        self._assist_gateway = assist_gateway
        self.assist = None
        #: The process's exit status once the app stops (kiosk.ui.assisting: maintenance exit).
        self.exit_status = 0
        self.settings = settings
        self.now = now
        self.kiosk_mode = settings.display.kiosk_mode if kiosk_mode is None else kiosk_mode
        visitor = settings.visitor
        self.theme = Theme(text_size=visitor.text_size, high_contrast=visitor.high_contrast)
        self.tr = Translator(list(visitor.languages), visitor.default_language)
        self._errors: list[float] = []
        self._restart_event = None
        self._restart_at = 0.0
        self._boundary: _Boundary | None = None
        self._chime = None

    # -- composition root -------------------------------------------------------------------
    def build(self) -> KioskShell:
        """What the first frame needs: the session, navigation, the shell and the welcome
        screen, and the guards (error boundary, locked keys). Everything else is composed by
        :meth:`finish_build` in the first clock tick after that frame, before any touch is
        handled (Kivy ticks the clock before it dispatches input)."""
        s = self.settings
        idle = IdlePolicy(s.session.idle_seconds, s.session.warning_seconds)
        self.session = SessionVM(s.visitor, idle, self.now)
        self.nav = NavigationVM()
        self.shell = KioskShell(nav=self.nav, session=self.session)
        self._screen_args = {
            "welcome": {
                "languages": list(s.visitor.languages),
                "attract_seconds": s.session.attract_seconds,
            },
        }
        self._composed = False
        self._prebuild = None
        self.collector = QuietCollector(self.now)
        self.shell.follow(self.nav, ensure=self.ensure_screen)
        self._ticker = Clock.schedule_interval(self.session.tick, 0.5)
        self._boundary = _Boundary(self)
        ExceptionManager.add_handler(self._boundary)
        threading.excepthook = self._thread_crashed
        if self.kiosk_mode:
            self._lock_window()
        after_first_frame(self.finish_build)
        return self.shell

    def finish_build(self, _dt: float = 0) -> None:
        """Make the rest of the view-models and wire them; idempotent.

        Their modules are imported here, not at the top, so that the welcome screen shows
        without waiting for them (start-up time is a goal of its own, see docs/ui.md)."""
        if self._composed:
            return
        self._composed = True
        from kiosk.core.events import EventChannel
        from kiosk.ui.viewmodels.card import CardVM
        from kiosk.ui.viewmodels.catalogue import CatalogueVM, pack_folders
        from kiosk.ui.viewmodels.player import PlayerVM
        from kiosk.ui.viewmodels.readaloud import NoSpeechYet, ReadAloudVM
        from kiosk.ui.watchdog import Watchdog

        s = self.settings
        self.events = EventChannel()
        self.catalogue = CatalogueVM(
            pack_folders(s.content.bundled_packs, s.content.pack_dirs, PROJECT_ROOT),
            fallback=s.visitor.default_language,
            language=s.visitor.default_language,
        )
        self.player = PlayerVM(self.events, self.now, self.tr._)
        self.player.bind(
            on_typing=self._on_typing,
            on_finished=self._on_demo_finished,
            on_say=lambda _vm, text: self.say(text),
        )
        self.session.bind(
            language=self._on_language,
            text_size=self.theme.setter("text_size"),
            high_contrast=self.theme.setter("high_contrast"),
            on_started=lambda *_: self.nav.reset("home"),
            on_warning=self._on_idle_warning,
            on_resumed=lambda *_: self.nav.back(),
            on_ended=self._on_session_ended,
        )
        self.watchdog = Watchdog()
        # The real speech and card services start a frame later (see _start_services).
        self.read_aloud = ReadAloudVM(self._speech or NoSpeechYet(), self.session)
        self.card = CardVM(self._card_reader or _StartingCardReader())
        self.card.bind(on_inserted=self._on_card_inserted, on_removed=self._on_card_removed)
        self.help_context = self._help_context
        self._screen_args.update(
            {
                "catalogue": {
                    "vm": self.catalogue,
                    "words": self.tr._,
                    "choose_demo": self.open_demo,
                },
                "demo": {
                    "vm": self.player,
                    "words": self.tr._,
                    "pack_root": self.catalogue.root_of,
                },
                "keyboard": {"vm": self.player},
                "settings": {"vm": self.read_aloud},
            }
        )
        self.nav.bind(on_navigated=self._on_navigated)
        self.help = self._make_help()
        self.session.hold = lambda: self.help.is_open
        self._screen_args.update({name: {"vm": self.help} for name in HELP_SCREENS})
        from kiosk.ui.assisting import compose_assist

        self.assist = compose_assist(self, self._assist_gateway)
        # Any touch silences the current speech at once; what comes next is spoken anew.
        Window.bind(on_touch_down=self._silence)

    def _make_help(self) -> HelpVM:
        """The help screens' VM and the link to the hub (None: not configured or enrolled);
        the link's threads start on the next frame and hand results back through the Clock."""
        from kiosk.services.hublink import make_link
        from kiosk.ui.viewmodels.help import HelpVM, follow_help

        vm = HelpVM(
            None,
            self.session,
            translate=self.tr._,
            say=lambda text: getattr(self, "say", lambda _text: None)(text),
            context=lambda: self.help_context() if self.help_context else {},
        )
        try:
            self.link = make_link(
                self.settings,
                on_status=vm.apply,
                on_main=lambda fn: Clock.schedule_once(lambda _dt: fn()),
                in_session=lambda: self.session.active,
            )
        except KioskError as exc:
            log.error("helper link not started: %s", exc.user_message)
            self.link = None
        vm.link, vm.connected = self.link, self.link is not None
        if self.link is not None:
            Clock.schedule_once(lambda _dt: self.link.start())
        follow_help(self.nav, vm)
        return vm

    def ensure_screen(self, name: str) -> None:
        """Build screen ``name`` now if it does not exist yet."""
        if self.shell.ids.screens.has_screen(name):
            return
        if name != "welcome":
            self.finish_build()  # the other screens need the view-models
        module, _, cls_name = SCREENS[name].partition(":")
        cls = getattr(importlib.import_module(module), cls_name)
        kwargs = self._screen_args.get(name, {})
        self.shell.add_screen(cls(name=name, nav=self.nav, session=self.session, **kwargs))

    def _build_next_screen(self, _dt: float) -> bool | None:
        # One screen per frame while the welcome screen shows: no visible stall.
        for name in SCREENS:
            if not self.shell.ids.screens.has_screen(name):
                self.ensure_screen(name)
                return None
        # Start-up is over: from now on full garbage collections wait for a quiet screen.
        self.collector.start()
        return False

    def on_start(self) -> None:
        # Only once the welcome screen is on screen, one per frame: tell systemd we are up,
        # read the packs (a worker hands them back to this thread), start speech and the card
        # reader, then build the other screens one per frame while the welcome screen shows.
        after_first_frame(
            self.finish_build,
            lambda _dt: self.watchdog.start(),
            lambda _dt: self.catalogue.load_in_background(),
            self._start_services,
            self._start_prebuild,
        )

    def _start_prebuild(self, _dt: float = 0) -> None:
        self._prebuild = Clock.schedule_interval(self._build_next_screen, 0)

    def _start_services(self, _dt: float = 0) -> None:
        """Build the speech and card services (unless tests gave fakes) and start the reader."""
        if self._speech is None:
            from kiosk.services.speech_setup import make_speech

            self.read_aloud.attach(make_speech(self.settings))
        if self._card_reader is None:
            from kiosk.services.card.service import create_card_reader

            self.card.attach(create_card_reader(self.settings))
        self.card.start()

    def on_stop(self) -> None:
        self._ticker.cancel()
        if self._prebuild is not None:
            self._prebuild.cancel()
        self.collector.stop()
        if self._restart_event is not None:
            self._restart_event.cancel()
        if self._boundary in ExceptionManager.handlers:
            ExceptionManager.remove_handler(self._boundary)
        Window.unbind(on_keyboard=self._swallow_key, on_request_close=self._refuse_close)
        if not self._composed:
            return  # stopped before the first frame: nothing else was started
        from kiosk.ui.assisting import stop_assist

        stop_assist(self.assist)
        if self.link is not None:
            self.link.stop()  # undelivered requests stay in the outbox for the next start
        Window.unbind(on_touch_down=self._silence)
        self.card.stop()
        self.read_aloud.close()
        self.watchdog.stop()

    # -- kiosk mode: no way out for a visitor ----------------------------------------------
    def _lock_window(self) -> None:
        Window.bind(on_keyboard=self._swallow_key, on_request_close=self._refuse_close)

    def _swallow_key(self, _window, key: int, *_args: object) -> bool:  # noqa: ANN001
        return key in LOCKED_KEYS

    def _refuse_close(self, *_args: object, **_kwargs: object) -> bool:
        # Alt+F4 and the window manager's close button arrive here; True keeps the window.
        return True

    def open_settings(self, *largs: object) -> bool:
        # F1 would open Kivy's own settings panel: never in kiosk mode.
        if self.kiosk_mode:
            return False
        return super().open_settings(*largs)

    # -- demos ------------------------------------------------------------------------------
    def open_demo(self, demo_id: str, step: int = 1) -> None:
        """Start the demo ``demo_id`` (at ``step``) in the visitor's language if it has it."""
        demo = self.catalogue.find(demo_id)
        if demo is None:
            return
        self.player.start(demo, self.catalogue.language_for(demo))
        if step > 1:
            self.player.goto(step)
        self.nav.go("demo")

    def _on_typing(self, _vm: PlayerVM, opened: bool) -> None:
        if opened:
            self.nav.go("keyboard")
        elif self.nav.current == "keyboard":
            self.nav.back()

    def _on_demo_finished(self, _vm: PlayerVM) -> None:
        demo, lang = self.player.demo, self.player.language
        self.ensure_screen("completion")
        screen = self.shell.screen("completion")
        screen.practised = [p.get(lang) for p in demo.completion.practised]
        screen.next_step = demo.completion.next.get(lang)
        if self.nav.current == "keyboard":
            self.nav.back()
        self.nav.go("completion", remember=False)
        self.say(
            " ".join([self.tr._("Well done!"), self.tr._("You practised:"), *screen.practised])
        )

    def _on_navigated(self, _nav: NavigationVM, name: str) -> None:
        if self.player.active and name not in DEMO_SCREENS:
            self.player.stop()
        # Leaving a screen stops its speech; the new one is read once it is laid out. The
        # player reads its own steps, the idle question is read when it appears.
        self.read_aloud.stop()
        if name not in ("welcome", "demo", "keyboard", "idle", "completion", *ASSIST_SCREENS):
            Clock.schedule_once(lambda _dt: self._read_screen(name), 0.05)

    def _read_screen(self, name: str) -> None:
        from kiosk.ui.viewmodels.readaloud import screen_text

        if self.nav.current == name and self.shell.ids.screens.has_screen(name):
            screen = self.shell.screen(name)
            self.say(screen_text(screen, screen.title))

    def _silence(self, *_args: object) -> None:
        self.read_aloud.stop()

    def _help_context(self) -> dict:
        """What the visitor is doing, for a help request: demo, step and time on it."""
        walk = self.player.walk if self.player.active else None
        if walk is None:
            return {}
        return {
            "demo": walk.demo.id,
            "step": walk.index + 1,
            "stuck_seconds": walk.stuck_seconds(self.now()),
        }

    # -- the card reader -----------------------------------------------------------------------
    def _on_card_inserted(self, _vm: CardVM, kind: str) -> None:
        if not self.session.active:
            return
        self.session.session.card_used = True
        self.player.card_event(f"inserted:{kind}")

    def _on_card_removed(self, _vm: CardVM) -> None:
        step = self.player.walk.step if self.player.active and self.player.walk else None
        if step is not None and step.action.kind == "card_remove":
            # The step asked for it: taking the card out is the right answer, not a leaving.
            self.player.card_event("removed")
            self.session.session.card_used = False
            return
        ends = self.settings.card.end_session_on_removal
        if ends and self.session.active and self.session.session.card_used:
            # Like a cash machine: the card out, the session over and wiped.
            self.session.end("card_removed")

    def _on_language(self, _vm: SessionVM, lang: str) -> None:
        # Order matters: the kiosk's words first, then what is drawn with them.
        self.tr.switch(lang)
        self.catalogue.language = lang
        self.player.set_language(lang)

    def say(self, text: str) -> None:
        """Read ``text`` aloud if the visitor turned reading aloud on."""
        self.read_aloud.say(text)

    # -- session events -------------------------------------------------------------------
    def _on_idle_warning(self, *_: object) -> None:
        self.nav.go("idle")
        self.play_attention()
        question = self.tr._("Do you want to continue?")
        self.say(f"{question} {self.tr._('Touch anywhere on the screen to continue.')}")

    def play_attention(self) -> None:
        """The warning is heard as well as seen (a chime; speech comes with the speech issue)."""
        if self._chime is None:
            from kivy.core.audio import SoundLoader  # the audio system starts on first use

            self._chime = SoundLoader.load(str(ATTENTION_SOUND))
        if self._chime is not None:
            self._chime.volume = self.session.volume / 100
            self._chime.play()

    def _on_session_ended(self, _vm: SessionVM, reason: str) -> None:
        self.assist.session_ended()  # a helper's assisted mode ends with the session
        self.help.session_ended()  # an open request is cancelled on the hub
        self.player.stop()
        self.read_aloud.stop()
        if reason != "error":
            self.nav.reset("welcome")

    # -- the error boundary ---------------------------------------------------------------
    def out_of_order(self) -> bool:
        """Wipe the session and show "Something went wrong"; False if errors keep coming."""
        now = self.now()
        self._errors = [t for t in self._errors if now - t < 60] + [now]
        if len(self._errors) > MAX_ERRORS_PER_MINUTE:
            return False
        self.session.end("error")
        self._restart_at = now + self.settings.session.out_of_order_seconds
        self.nav.reset("error")
        self.count_down_restart()
        if self._restart_event is None:
            self._restart_event = Clock.schedule_interval(self.count_down_restart, 0.5)
        return True

    def count_down_restart(self, *_: object) -> bool | None:
        """Update the error screen's countdown; at zero, back to the welcome screen."""
        left = math.ceil(self._restart_at - self.now())
        self.shell.screen("error").seconds_left = max(left, 0)
        if left > 0:
            return None
        if self._restart_event is not None:
            self._restart_event.cancel()
            self._restart_event = None
        self.nav.reset("welcome")
        return False

    def _thread_crashed(self, args: threading.ExceptHookArgs) -> None:
        log.error(
            "worker thread %s crashed",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )
        Clock.schedule_once(lambda _dt: self.out_of_order())

    # -- screenshot mode ---------------------------------------------------------------------
    def show(self, screen: str, demo: str | None = None, step: int = 1) -> None:
        """Put the app on ``screen`` as a visitor would see it (screenshots, tests).

        The demo screens show ``demo`` at ``step`` (default: the first demo); ``keyboard``
        opens the typing of the first typing step from ``step`` on.
        """
        self.finish_build()
        if screen == "welcome":
            self.nav.reset("welcome")
            return
        if not self.session.active:
            self.session.start()
        if screen in ("catalogue", "demo", "keyboard", "completion") or demo:
            if self.catalogue.result is None:
                self.catalogue.load_now()
        if screen == "error":
            self.out_of_order()
        elif screen == "idle":
            self.session.remaining = self.settings.session.warning_seconds
            self.nav.go("idle")
        elif screen in ("demo", "keyboard", "completion"):
            self._show_demo_screen(screen, demo, step)
        elif screen in HELP_SCREENS:
            # Fake state: the help screens as a visitor sees them with a hub (screenshots).
            self.nav.go(screen)
            self.help.preview(screen)
        elif screen in ASSIST_SCREENS:
            from kiosk.ui.assisting import show_assist_screen

            show_assist_screen(self, screen)  # with a pretend helper
        elif screen != "home":
            self.nav.go(screen)

    def _show_demo_screen(self, screen: str, demo: str | None, step: int) -> None:
        demos = self.catalogue.result.demos
        chosen = demo or demos[0].id
        if self.catalogue.find(chosen) is None:
            raise KeyError(chosen)
        self.nav.go("catalogue")
        self.open_demo(chosen, step)
        if screen == "keyboard":
            steps = self.player.demo.steps
            typing = [i for i, s in enumerate(steps) if s.action.kind == "type" and i >= step - 1]
            if typing:
                self.player.goto(typing[0] + 1)
                self.player.touched(steps[typing[0]].target, None)
        elif screen == "completion":
            self._on_demo_finished(self.player)
