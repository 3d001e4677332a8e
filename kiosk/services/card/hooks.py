"""Site hooks on card events: run a command or call a Python function, never blocking the kiosk.

Each matching hook runs on its own short-lived thread, so the card worker only hands it over and
goes back to watching the reader. A command runs without a shell in its own process group, with
the event in its environment (``KIOSK_CARD_EVENT``, ``KIOSK_CARD_KIND``, ``KIOSK_CARD_READER``;
``KIOSK_CARD_UID`` only for a staff card and only when the site opts in); after the time limit
the whole group is killed. A Python hook cannot be killed: past its limit it is logged and
abandoned. At most ``max_running`` hooks run at once; beyond that new ones are skipped and logged,
so hung hooks can never pile up without bound. Every failure is logged, none is raised.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from .events import CardEvent, CardInserted, CardRemoved, ReaderAdded, ReaderRemoved, event_name

log = logging.getLogger("kiosk.card.hooks")
HookFunction = Callable[[CardEvent], Any]


@dataclasses.dataclass(frozen=True)
class Hook:
    """One configured hook: ``argv`` to run, or ``entry_point`` ("module:function") to call."""

    events: tuple[str, ...]
    kinds: tuple[str, ...]
    argv: tuple[str, ...] = ()
    entry_point: str = ""

    @property
    def name(self) -> str:
        return self.entry_point or self.argv[0]


class HookRunner:
    """Callable with each card event (from any thread); starts the matching hooks and returns."""

    def __init__(
        self,
        hooks: Sequence[Hook],
        *,
        timeout: float,
        staff_uid: bool,
        max_running: int = 8,
        resolve: Callable[[str], HookFunction] | None = None,
    ) -> None:
        self._hooks = list(hooks)
        self._timeout = timeout
        self._staff_uid = staff_uid
        self._slots = threading.BoundedSemaphore(max_running)
        self._resolve = resolve or resolve_entry_point
        self._kinds: dict[str, str] = {}  # reader -> kind of the card in it (for "removed")
        self._running: set[threading.Thread] = set()
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, card: Any) -> HookRunner:
        """Build from ``settings.card`` (CardSettings)."""
        hooks = [
            Hook(tuple(h.events), tuple(h.kinds), argv=tuple(h.argv)) for h in card.command_hooks
        ]
        hooks += [
            Hook(tuple(h.events), tuple(h.kinds), entry_point=h.entry_point)
            for h in card.python_hooks
        ]
        return cls(hooks, timeout=card.hook_timeout_seconds, staff_uid=card.hook_staff_uid)

    def __call__(self, event: CardEvent) -> None:
        kind = self._kind_of(event)
        for hook in self._hooks:
            if _wants(hook, event, kind):
                self._start(hook, event, kind)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no hook runs (for tests and shutdown); False if some still run."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if not self._running:  # each hook's thread removes itself when done
                    return True
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)

    def _kind_of(self, event: CardEvent) -> str:
        if isinstance(event, CardInserted):
            self._kinds[event.reader] = event.kind
            return event.kind
        if isinstance(event, CardRemoved):
            return self._kinds.pop(event.reader, "unknown")
        return ""

    def _start(self, hook: Hook, event: CardEvent, kind: str) -> None:
        if not self._slots.acquire(blocking=False):
            log.error("card hook %s skipped: too many hooks are still running", hook.name)
            return
        target = self._run_command if hook.argv else self._call_python
        thread = threading.Thread(
            target=self._guarded, args=(target, hook, event, kind), name="card-hook", daemon=True
        )
        with self._lock:
            self._running.add(thread)
        thread.start()

    def _guarded(
        self, target: Callable[..., None], hook: Hook, event: CardEvent, kind: str
    ) -> None:
        try:
            target(hook, event, kind)
        except Exception:  # a hook must never take anything down with it
            log.exception("card hook %s failed", hook.name)
        finally:
            with self._lock:
                self._running.discard(threading.current_thread())
            self._slots.release()

    def _run_command(self, hook: Hook, event: CardEvent, kind: str) -> None:
        env = dict(os.environ)
        env.update(hook_environment(event, kind, self._staff_uid))
        try:
            proc = subprocess.Popen(
                hook.argv,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group, so a kill takes its children too
            )
        except OSError as exc:
            log.error("card hook %s cannot start: %s", hook.name, exc)
            return
        try:
            output, _ = proc.communicate(timeout=self._timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            log.error("card hook %s killed after %.1f s", hook.name, self._timeout)
            return
        if proc.returncode != 0:
            last = output.decode(errors="replace").strip().splitlines()[-1:] or [""]
            log.error("card hook %s exited with %s: %s", hook.name, proc.returncode, last[0][:200])

    def _call_python(self, hook: Hook, event: CardEvent, kind: str) -> None:
        function = self._resolve(hook.entry_point)
        if isinstance(event, CardInserted) and not (self._staff_uid and kind == "staff_card"):
            event = dataclasses.replace(event, uid=None)
        done = threading.Event()

        def call() -> None:
            try:
                function(event)
            except Exception:
                log.exception("card hook %s failed", hook.name)
            finally:
                done.set()

        threading.Thread(target=call, name="card-hook-call", daemon=True).start()
        if not done.wait(self._timeout):
            log.error(
                "card hook %s still running after %.1f s; abandoned", hook.name, self._timeout
            )


def _wants(hook: Hook, event: CardEvent, kind: str) -> bool:
    """Does ``hook`` run for ``event``? Kinds filter only card events (readers have no kind)."""
    if event_name(event) not in hook.events:
        return False
    if isinstance(event, ReaderAdded | ReaderRemoved):
        return True
    return not hook.kinds or kind in hook.kinds


def hook_environment(event: CardEvent, kind: str, staff_uid: bool) -> dict[str, str]:
    """What a command hook learns: the event, the kind, the reader; a staff UID only if opted in."""
    env = {
        "KIOSK_CARD_EVENT": event_name(event),
        "KIOSK_CARD_KIND": kind,
        "KIOSK_CARD_READER": getattr(event, "reader", ""),
    }
    if isinstance(event, CardInserted) and kind == "staff_card" and staff_uid and event.uid:
        env["KIOSK_CARD_UID"] = event.uid
    return env


def resolve_entry_point(spec: str) -> HookFunction:
    """``"package.module:function"`` -> the function. Raises ImportError/AttributeError."""
    module_name, _, attr = spec.partition(":")
    function = getattr(importlib.import_module(module_name), attr)
    if not callable(function):
        raise TypeError(f"{spec} is not callable")
    return function
