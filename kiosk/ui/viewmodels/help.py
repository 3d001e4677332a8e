"""HelpVM: "Call a helper" as Kivy properties: the topic, the call, the queue, the helper coming.

Holds no widgets. The link (kiosk.services.hublink) reports :class:`HelpStatus` values through the
app's main-thread hand-off to :meth:`apply`; the screens bind to the properties and call
:meth:`choose`, :meth:`call`, :meth:`cancel`. ``link`` is None when the hub is not configured or
the kiosk is not enrolled: the help screen then says so plainly.

Which help screen shows follows the request (:meth:`screen_for`, :func:`follow_help`): the
bottom bar always opens ``help``, which hands over to the screen for an open request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.event import EventDispatcher
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    StringProperty,
)

from kiosk.services.hublink.status import HelpStatus
from kiosk.ui.screen_names import HELP_SCREENS

#: Topics a visitor may pick; the key goes to the hub (the dashboard translates it).
TOPICS = ("current_task", "kiosk", "own_device", "other")
_SCREEN_OF_PHASE = {
    "sending": "help_queue",
    "waiting": "help_queue",
    "claimed": "help_coming",
    "unreachable": "help_unreachable",
    "expired": "help_ended",
}
#: Said when a helper takes the call; the same text as the heading of help_coming.kv (which is
#: where the catalogue extraction finds it).
COMING = "{name} is coming to help you."


class HelpVM(EventDispatcher):
    """State of the visitor's call for a helper.

    ``phase``: none, sending, unreachable, waiting, claimed, resolved, cancelled, expired (as
    :class:`HelpStatus`). ``position`` and ``wait_minutes`` are 0 when unknown; ``message`` is the
    last staff quick message in the visitor's language. Event ``on_state(phase)`` on a change.
    """

    __events__ = ("on_state",)

    connected = BooleanProperty(False)
    phase = StringProperty("none")
    position = NumericProperty(0)
    wait_minutes = NumericProperty(0)
    helper_name = StringProperty("")
    message = StringProperty("")
    escalated = BooleanProperty(False)
    helper_on_duty = BooleanProperty(False)
    #: The hub's id of the request (0 until delivered): a helper at the kiosk acts on it.
    request_id = NumericProperty(0)
    topic = StringProperty("")
    topics = ListProperty(TOPICS[1:])

    def __init__(
        self,
        link: Any,
        session: Any,
        *,
        translate: Callable[[str], str],
        say: Callable[[str], None] = lambda _text: None,
        context: Callable[[], dict[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.link = link
        self.connected = link is not None
        self._session = session
        self._ = translate
        self._say = say
        self.context = context
        self._messages: dict[str, str] = {}
        self._key: str | None = None  # the request this screen follows
        self._called = False
        session.bind(language=lambda *_: self._pick_message())

    # -- the visitor's actions ---------------------------------------------------------------
    def prepare(self) -> None:
        """Called as the help screen opens: offer topics, prefilled from what the visitor does."""
        if self.is_open:
            return
        ctx = self._context()
        has_task = bool(ctx.get("demo"))
        self.topics = list(TOPICS if has_task else TOPICS[1:])
        self.topic = "current_task" if has_task else ""

    def choose(self, topic: str) -> None:
        """Pick a topic (again: unpick it; the topic is optional)."""
        if topic not in TOPICS:
            raise ValueError(f"unknown topic {topic!r}")
        self.topic = "" if self.topic == topic else topic

    def call(self) -> None:
        """Call a helper now. Returns at once: the link stores and sends on its own thread."""
        if self.link is None or self.is_open:
            return
        ctx = self._context()
        self._called = True
        self.position, self.wait_minutes, self.helper_name = 0, 0, ""
        self._messages, self.message, self.escalated = {}, "", False
        self._key = self.link.call(
            {
                "language": self._session.language,
                "text_size": int(self._session.text_size),
                "read_aloud": bool(self._session.read_aloud),
                "demo": ctx.get("demo"),
                "step": None if ctx.get("step") is None else str(ctx["step"]),
                "stuck_seconds": max(0, min(86_400, int(ctx.get("stuck_seconds") or 0))),
                "topic": self.topic or None,
            }
        )
        self._set_phase("sending")

    def cancel(self) -> None:
        """The visitor no longer needs a helper (or the session ended)."""
        if self.link is not None and self.is_open:
            self.link.cancel()
        self._key = None  # later news of this request is not shown
        self._set_phase("cancelled")

    def again(self) -> None:
        """After an ended call: back to choosing, to call again."""
        self._key = None
        self._set_phase("none")

    def session_ended(self) -> None:
        """End session or idle wipe: an open request is cancelled on the hub."""
        if self.is_open:
            self.cancel()
        self._set_phase("none")
        self.topic = ""
        self._messages = {}
        self.message = ""

    # -- what the link reports ---------------------------------------------------------------
    def apply(self, status: HelpStatus) -> None:
        """A new status from the link (on the UI thread)."""
        if self.helper_on_duty != bool(status.helper_on_duty):
            self.helper_on_duty = bool(status.helper_on_duty)
        if self._key is None and not self._called and status.open:
            self._key = status.key  # left open by a previous run (restart): show it
        if status.key is None or status.key != self._key:
            return  # news of a request the visitor has left (cancelled, session over)
        self.request_id = status.request_id or 0
        self.position = status.position or 0
        wait = status.expected_wait_seconds
        self.wait_minutes = 0 if wait is None else max(1, round(wait / 60))
        self.escalated = status.escalated
        if status.helper_name and status.helper_name != self.helper_name:
            self.helper_name = status.helper_name
        if status.message != (self._messages or None):
            self._messages = dict(status.message or {})
            self._pick_message()
            if self.message:
                self._say(self.message)
        was = self.phase
        self._set_phase(status.phase)
        if status.phase == "claimed" and was != "claimed":
            self._say(self._(COMING).format(name=self.helper_name))

    @property
    def is_open(self) -> bool:
        return self.phase in ("sending", "unreachable", "waiting", "claimed")

    def screen_for(self) -> str:
        """The help screen for the current state (``help`` when nothing is open)."""
        return _SCREEN_OF_PHASE.get(self.phase, "help")

    # -- inside ------------------------------------------------------------------------------
    def _context(self) -> dict[str, Any]:
        try:
            return dict(self.context() or {}) if self.context is not None else {}
        except Exception:  # noqa: BLE001 - a broken context must not stop a call for help
            return {}

    def _pick_message(self) -> None:
        msgs = self._messages
        lang = self._session.language
        self.message = (
            msgs.get(lang) or msgs.get("fi") or msgs.get("en") or next(iter(msgs.values()), "")
        )

    def _set_phase(self, phase: str) -> None:
        if phase != self.phase:
            self.phase = phase
            self.dispatch("on_state", phase)

    def on_state(self, phase: str) -> None:
        pass

    # -- screenshots and tests ---------------------------------------------------------------
    def preview(self, screen: str) -> None:
        """Fake state so that ``screen`` shows as a visitor would see it (screenshots)."""
        self.connected = True
        self.helper_name = "Anna"
        self.position, self.wait_minutes = 2, 20
        self._messages = {}
        if screen in ("help_coming", "help_queue"):
            self._messages = {
                "fi": "Tulen, 2 minuuttia.",
                "sv": "Jag kommer, 2 minuter.",
                "en": "I'm coming, 2 minutes.",
            }
        self._pick_message()
        if screen == "help":
            self._set_phase("none")
            self.topics = list(TOPICS)
            self.topic = "current_task"
            return
        phase = {v: k for k, v in _SCREEN_OF_PHASE.items()}[screen]
        self._set_phase("waiting" if screen == "help_queue" else phase)


def follow_help(nav: Any, vm: HelpVM) -> None:
    """Keep the visitor on the help screen that fits the request.

    Opening ``help`` with a request open shows that request instead; a change of the request
    moves between help screens (only while one is shown); a finished or cancelled call returns
    to what the visitor was doing.
    """

    def on_navigated(_nav: Any, name: str) -> None:
        if name == "help":
            target = vm.screen_for()
            if target == "help":
                vm.prepare()
                return
            if nav.history and nav.history[-1] == target:
                nav.history.pop()  # pressed on the request's own screen: no extra step back
            nav.go(target, remember=False)

    def on_phase(_vm: Any, phase: str) -> None:
        if nav.current not in HELP_SCREENS:
            return
        if phase in ("resolved", "cancelled"):
            nav.back()
            return
        target = vm.screen_for()
        if target != nav.current and target != "help":
            nav.go(target, remember=False)

    nav.bind(on_navigated=on_navigated)
    vm.bind(on_state=on_phase)
