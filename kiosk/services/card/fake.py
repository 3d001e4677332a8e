"""An in-memory :class:`CardReader` for other parts' fast tests (widgets, view-models).

``fake.insert(kind="id_card")`` and ``fake.remove()`` deliver events synchronously on the
calling thread (a test drives it from the main thread; the real reader uses a worker thread).
Integration tests use the real pcscd with the virtual reader instead (tests/card).
"""

from __future__ import annotations

from .events import (
    CardEvent,
    CardInserted,
    CardKind,
    CardRemoved,
    EventHandler,
    ReaderAdded,
    ReaderRemoved,
    ServiceDown,
    ServiceUp,
)

# Representative ATRs so code that shows or logs one sees a realistic value.
SAMPLE_ATRS: dict[str, str] = {
    "id_card": "3B7F9600008031B865B08504021B1200F6829000",
    "bank_card": "3B6E00000031C065BCD002010671D68C6143",
    "staff_card": "3B8F8001804F0CA000000306030001000000006A",
    "unknown": "3B0200",
}


class FakeCardReader:
    """A reader with no hardware. Every call records the events it delivered in ``events``."""

    def __init__(self, *, available: bool = True, reader: str = "Fake Reader 00 00") -> None:
        self.reader = reader
        self.events: list[CardEvent] = []
        self._available = available
        self._on_event: EventHandler | None = None
        self._card_in = False

    def start(self, on_event: EventHandler) -> None:
        self._on_event = on_event
        if self._available:
            self._emit(ServiceUp())
            self._emit(ReaderAdded(self.reader))

    def stop(self) -> None:
        self._on_event = None

    def status(self) -> str:
        if not self._available:
            return "unavailable: fake reader set unavailable"
        return f"running: 1 reader, card {'in' if self._card_in else 'out'}"

    def is_available(self) -> bool:
        return self._available

    def insert(
        self, kind: CardKind = "id_card", *, atr_hex: str | None = None, uid: str | None = None
    ) -> CardInserted:
        """Put a card of ``kind`` in the reader (a UID only for staff cards, as the real one)."""
        if kind != "staff_card" and uid is not None:
            raise ValueError("only staff cards have a UID read from them")
        event = CardInserted(self.reader, atr_hex or SAMPLE_ATRS[kind], kind, uid)
        self._card_in = True
        self._emit(event)
        return event

    def remove(self) -> CardRemoved:
        """Take the card out."""
        event = CardRemoved(self.reader)
        self._card_in = False
        self._emit(event)
        return event

    def go_down(self, reason: str = "pcscd stopped") -> None:
        """Simulate the PC/SC service going away (removes the card and the reader first)."""
        if self._card_in:
            self.remove()
        self._emit(ReaderRemoved(self.reader))
        self._available = False
        self._emit(ServiceDown(reason))

    def come_up(self) -> None:
        """Simulate the PC/SC service coming back with the reader."""
        self._available = True
        self._emit(ServiceUp())
        self._emit(ReaderAdded(self.reader))

    def _emit(self, event: CardEvent) -> None:
        self.events.append(event)
        if self._on_event is not None:
            self._on_event(event)
