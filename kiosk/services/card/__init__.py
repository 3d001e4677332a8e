"""The smart-card reader service: events, the port, ATR classification, site hooks, checks.

Import :func:`create_card_reader` from :mod:`kiosk.services.card.service` in the composition
root; widget tests use :class:`~kiosk.services.card.fake.FakeCardReader`. Nothing here imports
pyscard at import time (the kiosk must start on a machine without it), nor Kivy.
See docs/card.md for the privacy promise and the configuration.
"""

from .events import (
    CARD_KINDS,
    CardEvent,
    CardInserted,
    CardKind,
    CardReader,
    CardRemoved,
    EventHandler,
    ReaderAdded,
    ReaderRemoved,
    ServiceDown,
    ServiceUp,
    event_name,
)
from .fake import FakeCardReader

__all__ = [
    "CARD_KINDS",
    "CardEvent",
    "CardInserted",
    "CardKind",
    "CardReader",
    "CardRemoved",
    "EventHandler",
    "FakeCardReader",
    "ReaderAdded",
    "ReaderRemoved",
    "ServiceDown",
    "ServiceUp",
    "event_name",
]
