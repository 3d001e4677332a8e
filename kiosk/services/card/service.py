"""Builds the kiosk's card reader from settings (the composition root calls create_card_reader).

The real reader needs pyscard and libpcsclite; when either is missing, or the feature is turned
off, the kiosk gets an :class:`UnavailableCardReader` that says why and never emits a card event.
A bad ATR table is a configuration error and stops start-up like any other (ConfigError).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kiosk.config import PROJECT_ROOT

from .classify import AtrTable, load_atr_table
from .events import CardEvent, CardReader, EventHandler, ServiceDown
from .hooks import HookRunner

log = logging.getLogger("kiosk.card")
DEFAULT_TABLE = PROJECT_ROOT / "kiosk_config" / "cards.toml"


def load_table(card: Any) -> AtrTable:
    """The ATR table for ``settings.card``: the site's file (if set) over the kiosk's own."""
    return load_atr_table(DEFAULT_TABLE, Path(card.atr_table) if card.atr_table else None)


def fan_out(handlers: Sequence[EventHandler]) -> EventHandler:
    """One handler calling each of ``handlers`` in order; one failing does not stop the rest."""

    def handle(event: CardEvent) -> None:
        for handler in handlers:
            try:
                handler(event)
            except Exception:
                log.exception("card event handler %r failed", handler)

    return handle


class UnavailableCardReader:
    """A reader that is not there. ``start`` delivers one ServiceDown so the UI can say so."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def start(self, on_event: EventHandler) -> None:
        on_event(ServiceDown(self.reason))

    def stop(self) -> None:
        return None

    def status(self) -> str:
        return f"unavailable: {self.reason}"

    def is_available(self) -> bool:
        return False


class HookedCardReader:
    """A reader whose events go to the kiosk's handler first, then to the site's hooks."""

    def __init__(self, inner: CardReader, hooks: HookRunner) -> None:
        self.inner = inner
        self.hooks = hooks

    def start(self, on_event: EventHandler) -> None:
        self.inner.start(fan_out([on_event, self.hooks]))

    def stop(self) -> None:
        self.inner.stop()

    def status(self) -> str:
        return self.inner.status()

    def is_available(self) -> bool:
        return self.inner.is_available()


def create_card_reader(settings: Any) -> CardReader:
    """The card reader for these settings (``settings.card``); never raises for a missing reader."""
    card = settings.card
    if not card.enabled:
        return UnavailableCardReader("turned off in settings ([card] enabled = false)")
    table = load_table(card)
    try:
        from .monitor import PcscCardReader
    except ImportError as exc:  # pyscard or libpcsclite missing on this machine
        log.warning("card reader support missing: %s", exc)
        return UnavailableCardReader(
            "PC/SC support missing; install it with: sudo apt-get install pcscd libpcsclite1"
        )
    reader = PcscCardReader(table, readers=card.readers, backoff_max=card.reconnect_max_seconds)
    return HookedCardReader(reader, HookRunner.from_settings(card))
