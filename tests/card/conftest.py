"""Fixtures for the card tests: the real pcscd (one per session) and event recorders."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import load_settings

from .pcscd import Pcscd, missing_requirements, stop_running_pcscd

HERE = Path(__file__).resolve().parent
SITE_TABLE = HERE / "site_cards.toml"


@pytest.fixture(scope="session")
def pcscd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pcscd]:
    """pcscd with the two vpcd readers. A test that stops it must leave it running again."""
    problem = missing_requirements()
    if problem:
        pytest.fail(problem)
    stop_running_pcscd()
    daemon = Pcscd(tmp_path_factory.mktemp("pcscd"))
    daemon.start()
    yield daemon
    daemon.stop()


@pytest.fixture
def running_pcscd(pcscd: Pcscd) -> Iterator[Pcscd]:
    """The session's pcscd, brought back with its readers after a test that changed it."""
    if not pcscd.running:
        pcscd.start()
    yield pcscd
    if not pcscd.running:
        pcscd.start()


class Recorder:
    """An ``on_event`` that keeps every event with its arrival time and lets a test wait."""

    def __init__(self) -> None:
        self.events: list[tuple[float, Any]] = []
        self.threads: set[str] = set()
        self._cond = threading.Condition()

    def __call__(self, event: Any) -> None:
        with self._cond:
            self.events.append((time.monotonic(), event))
            self.threads.add(threading.current_thread().name)
            self._cond.notify_all()

    def kinds(self) -> list[type]:
        with self._cond:
            return [type(e) for _, e in self.events]

    def wait_for(
        self, match: type | Callable[[Any], bool], *, timeout: float = 5.0, start: int = 0
    ) -> tuple[float, Any]:
        """The first event from index ``start`` matching a type or predicate; fails on timeout."""
        test = match if not isinstance(match, type) else (lambda e: isinstance(e, match))
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for at, event in self.events[start:]:
                    if test(event):
                        return at, event
                left = deadline - time.monotonic()
                if left <= 0:
                    got = [e for _, e in self.events[start:]]
                    raise AssertionError(f"no {match} within {timeout} s; got {got}")
                self._cond.wait(left)

    def mark(self) -> int:
        """The index of the next event (to wait only for events after this point)."""
        with self._cond:
            return len(self.events)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def card_settings(**card: Any) -> Any:
    """Kiosk settings with the test site's ATR table and ``card`` keys overridden."""
    values = {"atr_table": str(SITE_TABLE), "reconnect_max_seconds": 1.0, **card}
    return load_settings(extra={"card": values})
