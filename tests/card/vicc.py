"""A tiny virtual smart card for the vsmartcard ``vpcd`` reader driver of pcscd.

vpcd listens on TCP (35963 for ``Virtual PCD 00 00``, 35964 for ``... 00 01``); a card "is
inserted" while a client is connected. Every frame is a 2-byte big-endian length and a payload.
A 1-byte payload is a control code (0 power off, 1 power on, 2 reset: no answer; 4: answer the
ATR); anything longer is a command APDU, answered with data + SW1 SW2.

The card records every APDU it receives so tests can prove the kiosk sent nothing but what it may.
Written by hand for the tests because Debian's ``vicc`` package is broken on bookworm.
"""

from __future__ import annotations

import socket
import struct
import threading
import time

VPCD_PORTS = (35963, 35964)
GET_UID = bytes.fromhex("FFCA000000")
SW_OK = b"\x90\x00"
SW_INS_NOT_SUPPORTED = b"\x6d\x00"


class VirtualCard:
    """One card in one virtual reader: :meth:`insert` connects, :meth:`remove` disconnects."""

    def __init__(self, atr_hex: str, *, uid: bytes | None = None, slot: int = 0) -> None:
        self.atr = bytes.fromhex(atr_hex.replace(" ", "").replace(":", ""))
        self.uid = uid
        self.port = VPCD_PORTS[slot]
        self.apdus: list[bytes] = []
        self.controls: list[int] = []
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def insert(self, timeout: float = 5.0) -> float:
        """Connect to vpcd (retrying while pcscd loads the driver); returns the monotonic time."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=1.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        inserted_at = time.monotonic()
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self._thread.start()
        return inserted_at

    def remove(self) -> float:
        """Disconnect (the card leaves the reader); returns the monotonic time."""
        sock, self._sock = self._sock, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if self._thread is not None:
            self._thread.join(timeout=2)
        return time.monotonic()

    def received(self) -> list[bytes]:
        """A copy of every command APDU received so far."""
        with self._lock:
            return list(self.apdus)

    def respond(self, apdu: bytes) -> bytes:
        """What the card answers: the UID to GET DATA when it has one, else "not supported"."""
        if apdu == GET_UID and self.uid is not None:
            return self.uid + SW_OK
        return SW_INS_NOT_SUPPORTED

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                payload = _read_frame(sock)
                if payload is None:
                    return
                if len(payload) == 1:
                    with self._lock:
                        self.controls.append(payload[0])
                    if payload[0] == 4:
                        _write_frame(sock, self.atr)
                    continue
                with self._lock:
                    self.apdus.append(payload)
                _write_frame(sock, self.respond(payload))
        except OSError:
            return


def _read_exact(sock: socket.socket, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _read_frame(sock: socket.socket) -> bytes | None:
    head = _read_exact(sock, 2)
    if head is None:
        return None
    (length,) = struct.unpack(">H", head)
    return _read_exact(sock, length)


def _write_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)
