"""The card port: what the kiosk hears from a smart-card reader, and the interface that says it.

Events are small frozen dataclasses. A :class:`CardReader` calls ``on_event`` on ITS OWN worker
thread; the UI hands each event to the Kivy main thread itself (this package never imports Kivy).
Nothing here carries personal data: an ID card is only ever seen as its ATR (the answer every card
gives on power-up, the same for every card of a model) and a kind.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

CardKind = Literal["id_card", "bank_card", "staff_card", "unknown"]
CARD_KINDS: tuple[CardKind, ...] = ("id_card", "bank_card", "staff_card", "unknown")


@dataclass(frozen=True)
class ReaderAdded:
    """A reader appeared (plugged in, or found when the service (re)connected)."""

    reader: str


@dataclass(frozen=True)
class ReaderRemoved:
    """A reader went away (unplugged, or the service stopped)."""

    reader: str


@dataclass(frozen=True)
class CardInserted:
    """A card is in ``reader``. ``uid`` is set only for staff cards (hex, from GET DATA)."""

    reader: str
    atr_hex: str
    kind: CardKind
    uid: str | None = None


@dataclass(frozen=True)
class CardRemoved:
    """The card left ``reader`` (or the service went down with it in: it cannot be vouched for)."""

    reader: str


@dataclass(frozen=True)
class ServiceDown:
    """The PC/SC service (pcscd) cannot be reached; the reader keeps retrying with backoff."""

    reason: str


@dataclass(frozen=True)
class ServiceUp:
    """The PC/SC service is reachable (first connection or after a ServiceDown)."""


CardEvent = ReaderAdded | ReaderRemoved | CardInserted | CardRemoved | ServiceDown | ServiceUp
EventHandler = Callable[[CardEvent], None]


def event_name(event: CardEvent) -> str:
    """The short name sites use for an event in hook settings: inserted, removed, reader_added..."""
    return _NAMES[type(event)]


_NAMES: dict[type, str] = {
    CardInserted: "inserted",
    CardRemoved: "removed",
    ReaderAdded: "reader_added",
    ReaderRemoved: "reader_removed",
    ServiceDown: "service_down",
    ServiceUp: "service_up",
}
EVENT_NAMES = tuple(_NAMES.values())


@runtime_checkable
class CardReader(Protocol):
    """A source of card events.

    ``start`` returns at once; events then arrive on the reader's worker thread until ``stop``
    (which returns only when no more events will be delivered). ``is_available`` says whether
    card features can be offered right now; ``status`` is one plain line for staff and logs.
    """

    def start(self, on_event: EventHandler) -> None: ...

    def stop(self) -> None: ...

    def status(self) -> str: ...

    def is_available(self) -> bool: ...
