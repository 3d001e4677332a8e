"""The real card reader: pyscard on one worker thread, over one long-lived PC/SC context.

The worker blocks in ``SCardGetStatusChange`` on every reader plus the ``\\\\?PnP?\\Notification``
pseudo-reader, so pcscd wakes it on any card or reader change; pyscard's ``CardMonitor`` does the
same call under more layers (tests/bench/bench_card.py compares the two). When pcscd goes away the
worker reports ``ServiceDown`` (after taking out any card and reader it had reported, since it can
no longer vouch for them) and reconnects with exponential backoff, bounded by ``backoff_max``.
One context stays open while connected: pcscd on Debian is socket-activated and exits when idle.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from typing import Any

from smartcard import scard

from .apdu import read_uid
from .classify import AtrTable, normalize_atr
from .events import (
    CardEvent,
    CardInserted,
    CardRemoved,
    EventHandler,
    ReaderAdded,
    ReaderRemoved,
    ServiceDown,
    ServiceUp,
)

log = logging.getLogger("kiosk.card")

PNP_READER = "\\\\?PnP?\\Notification"
# Answers that mean "nothing happened" or "a reader vanished under us": look again.
_RETRY = {scard.SCARD_E_TIMEOUT, scard.SCARD_E_CANCELLED, scard.SCARD_E_UNKNOWN_READER}
_NO_READERS = {scard.SCARD_E_NO_READERS_AVAILABLE, scard.SCARD_E_READER_UNAVAILABLE}


def backoff_delays(initial: float, maximum: float) -> Iterator[float]:
    """``initial, 2*initial, 4*initial ...`` never above ``maximum``: waits between reconnects."""
    delay = initial
    while True:
        yield min(delay, maximum)
        delay = min(delay * 2, maximum)


def _error(hresult: int) -> str:
    return f"{scard.SCardGetErrorMessage(hresult).strip()} (0x{hresult & 0xFFFFFFFF:08X})"


class _Down(Exception):
    """pcscd cannot be reached (the message says why)."""


class PcscCardReader:
    """A :class:`~kiosk.services.card.events.CardReader` over pcscd.

    ``readers``: only readers whose name contains one of these (case-insensitive); empty = all.
    ``wait_ms`` bounds each blocking wait so a lost wake-up costs at most that long.
    """

    def __init__(
        self,
        table: AtrTable,
        *,
        readers: Sequence[str] = (),
        backoff_initial: float = 0.25,
        backoff_max: float = 30.0,
        wait_ms: int = 2000,
    ) -> None:
        self._table = table
        self._filters = [f.lower() for f in readers]
        self._backoff = (backoff_initial, backoff_max)
        self._wait_ms = wait_ms
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._on_event: EventHandler | None = None
        self._context: Any = None
        self._status = "not started"
        self._states: dict[str, int] = {}  # reader -> last state pcscd reported (with its count)
        self._cards: set[str] = set()  # readers holding a card we reported inserted

    # --- the port ---

    def start(self, on_event: EventHandler) -> None:
        """Start the worker thread; events go to ``on_event`` on that thread."""
        if self._thread is not None:
            raise RuntimeError("card reader already started")
        self._on_event = on_event
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="card-reader", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker; returns when it has delivered its last event."""
        self._stop.set()
        deadline = time.monotonic() + 5
        while self._thread is not None and self._thread.is_alive() and time.monotonic() < deadline:
            # SCardCancel wakes only a wait already blocking; the worker may be just about to
            # start one, so cancel again until it has seen the stop flag.
            with self._lock:
                if self._context is not None:
                    scard.SCardCancel(self._context)
            self._thread.join(timeout=0.02)
        self._thread = None
        self._on_event = None
        self._set_status("stopped")

    def status(self) -> str:
        with self._lock:
            return self._status

    def is_available(self) -> bool:
        """True while pcscd is reachable and at least one (matching) reader is present."""
        with self._lock:
            return self._context is not None and bool(self._states)

    # --- the worker ---

    def _run(self) -> None:
        delays = backoff_delays(*self._backoff)
        reported_down = False
        while not self._stop.is_set():
            try:
                context = self._connect()
            except _Down as down:
                if not reported_down:
                    self._emit(ServiceDown(str(down)))
                    reported_down = True
                delay = next(delays)
                self._set_status(f"unavailable: {down}; retrying in {delay:.1f} s")
                self._stop.wait(delay)
                continue
            delays, reported_down = backoff_delays(*self._backoff), False
            self._emit(ServiceUp())
            try:
                self._watch(context)
            except _Down as down:
                log.warning("card service lost: %s", down)
                self._forget_all()
                self._emit(ServiceDown(str(down)))
                reported_down = True
            finally:
                self._release()

    def _connect(self) -> Any:
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise _Down(f"pcscd not reachable: {_error(hresult)}")
        with self._lock:
            self._context = context
        self._set_status("running: no reader")
        return context

    def _release(self) -> None:
        with self._lock:
            context, self._context = self._context, None
            self._states.clear()
            self._cards.clear()
        if context is not None:
            scard.SCardReleaseContext(context)

    def _watch(self, context: Any) -> None:
        pnp_state = scard.SCARD_STATE_UNAWARE
        while not self._stop.is_set():
            self._sync_readers(self._list_readers(context))
            query = [(r, s) for r, s in self._states.items()] + [(PNP_READER, pnp_state)]
            hresult, result = scard.SCardGetStatusChange(context, self._wait_ms, query)
            if hresult in _RETRY:
                continue
            if hresult != scard.SCARD_S_SUCCESS:
                raise _Down(f"pcscd stopped answering: {_error(hresult)}")
            for reader, state, atr in result:
                if reader == PNP_READER:
                    pnp_state = state & ~scard.SCARD_STATE_CHANGED
                elif reader in self._states:
                    self._apply(context, reader, state, atr)

    def _list_readers(self, context: Any) -> list[str]:
        hresult, readers = scard.SCardListReaders(context, [])
        if hresult in _NO_READERS:
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise _Down(f"pcscd stopped answering: {_error(hresult)}")
        if not self._filters:
            return list(readers)
        return [r for r in readers if any(f in r.lower() for f in self._filters)]

    def _sync_readers(self, readers: list[str]) -> None:
        """Report readers that went away (their card first) and readers that appeared."""
        for gone in [r for r in self._states if r not in readers]:
            self._take_out(gone)
            with self._lock:
                del self._states[gone]
            self._emit(ReaderRemoved(gone))
        for new in [r for r in readers if r not in self._states]:
            with self._lock:
                self._states[new] = scard.SCARD_STATE_UNAWARE
            self._emit(ReaderAdded(new))
        self._update_status()

    def _apply(self, context: Any, reader: str, state: int, atr: list[int]) -> None:
        """Turn one reader's new state into CardInserted / CardRemoved events."""
        previous = self._states[reader]
        with self._lock:
            self._states[reader] = state & ~scard.SCARD_STATE_CHANGED
        present = bool(state & scard.SCARD_STATE_PRESENT)
        had_card = reader in self._cards
        # pcscd counts card events in the high 16 bits: a jump of 2+ with a card in both times
        # means it was swapped between two looks, which must still end the first card's session.
        swapped = had_card and present and ((state >> 16) - (previous >> 16)) & 0xFFFF >= 2
        if had_card and (not present or swapped):
            self._take_out(reader)
        if present and reader not in self._cards:
            self._put_in(context, reader, atr)
        self._update_status()

    def _put_in(self, context: Any, reader: str, atr: list[int]) -> None:
        atr_hex = normalize_atr(list(atr))
        kind = self._table.classify(atr_hex)
        # The one and only read, and only for staff cards (see apdu.py and docs/card.md).
        uid = read_uid(context, reader) if kind == "staff_card" else None
        with self._lock:
            self._cards.add(reader)
        log.info("card inserted in %s: %s", reader, kind)
        self._emit(CardInserted(reader, atr_hex, kind, uid))

    def _take_out(self, reader: str) -> None:
        if reader in self._cards:
            with self._lock:
                self._cards.discard(reader)
            log.info("card removed from %s", reader)
            self._emit(CardRemoved(reader))

    def _forget_all(self) -> None:
        for reader in list(self._states):
            self._take_out(reader)
            self._emit(ReaderRemoved(reader))
        with self._lock:
            self._states.clear()

    # --- helpers ---

    def _emit(self, event: CardEvent) -> None:
        handler = self._on_event
        if handler is None or self._stop.is_set():
            return
        try:
            handler(event)
        except Exception:  # a broken listener must not stop the reader
            log.exception("card event handler failed on %s", event)

    def _set_status(self, text: str) -> None:
        with self._lock:
            self._status = text

    def _update_status(self) -> None:
        with self._lock:
            readers, cards = len(self._states), len(self._cards)
        if readers == 0:
            self._set_status("running: no reader found; plug in the card reader")
        else:
            self._set_status(f"running: {readers} reader(s), {cards} card(s) in")
