"""CardVM: the smart-card reader's events, brought to the UI thread, and what they mean here.

The card service calls back on its own worker thread; this VM hands every event to the UI
thread through ``Clock.schedule_once`` and announces ``on_inserted(kind)`` / ``on_removed``.
It never sees a PIN or card data: only the kind from the ATR table (and, for staff cards, a
UID that the assisted mode will use).
"""

from __future__ import annotations

import logging

from kivy.clock import Clock
from kivy.event import EventDispatcher
from kivy.properties import BooleanProperty, StringProperty

log = logging.getLogger(__name__)


class CardVM(EventDispatcher):
    __events__ = ("on_inserted", "on_removed", "on_staff_card")
    available = BooleanProperty(False)
    status = StringProperty("")
    card_in = BooleanProperty(False)

    def __init__(self, reader, **kwargs: object) -> None:  # noqa: ANN001
        super().__init__(**kwargs)
        self.reader = reader
        self.available = reader.is_available()
        self.status = reader.status()

    def attach(self, reader) -> None:  # noqa: ANN001
        """Use ``reader`` from now on (the real service, built once the first frame is out)."""
        self.reader = reader
        self.available = reader.is_available()
        self.status = reader.status()

    def start(self) -> None:
        try:
            self.reader.start(lambda event: Clock.schedule_once(lambda _dt: self.handle(event)))
        except Exception:  # noqa: BLE001 - a card reader problem must never stop the kiosk
            log.exception("card reader did not start")
            self.available = False

    def stop(self) -> None:
        try:
            self.reader.stop()
        except Exception:  # noqa: BLE001
            log.exception("card reader did not stop cleanly")

    def handle(self, event) -> None:  # noqa: ANN001
        """One event from the card service, on the UI thread."""
        from kiosk.services.card.events import CardInserted, CardRemoved, ServiceDown, ServiceUp

        self.status = self.reader.status()
        if isinstance(event, CardInserted):
            self.card_in = True
            if event.kind == "staff_card":
                self.dispatch("on_staff_card", event)  # handed to the assisted mode
            else:
                self.dispatch("on_inserted", event.kind)
        elif isinstance(event, CardRemoved):
            self.card_in = False
            self.dispatch("on_removed")
        elif isinstance(event, ServiceDown | ServiceUp):
            self.available = isinstance(event, ServiceUp)

    def on_inserted(self, kind: str) -> None:
        pass

    def on_removed(self) -> None:
        pass

    def on_staff_card(self, event) -> None:  # noqa: ANN001
        pass
