"""The ONE place in the kiosk that sends anything to a card, and what it may send.

The privacy promise (docs/card.md): the kiosk never sends a PIN, never reads a card's files and
never talks to ID or bank cards at all. The only command ever sent is the PC/SC GET DATA for the
card's UID (``FF CA 00 00 00``, answered by the reader itself for contactless cards), and only to
a card the site's ATR table marks as a staff card. :func:`transmit` enforces both rules before
anything leaves the process; a test checks that no other module calls ``SCardTransmit``.
"""

from __future__ import annotations

from typing import Any

from smartcard import scard

from kiosk.core.errors import KioskError

from .events import CardKind

#: PC/SC part 3 "Get Data" pseudo-APDU: the UID of a contactless card, read by the reader.
GET_UID = bytes.fromhex("FFCA000000")
#: Every command the kiosk may send, and the card kinds it may send it to.
ALLOWED: dict[bytes, frozenset[str]] = {GET_UID: frozenset({"staff_card"})}


class ForbiddenCommand(KioskError):
    """Raised instead of sending a command the privacy promise does not allow."""


def transmit(handle: Any, protocol: int, apdu: bytes, kind: CardKind) -> bytes:
    """Send ``apdu`` to a card of ``kind`` over a connected PC/SC ``handle``; return the reply.

    Raises :class:`ForbiddenCommand` (sending nothing) unless ``apdu`` is allowed for ``kind``,
    and :class:`KioskError` when the reader fails.
    """
    if kind not in ALLOWED.get(bytes(apdu), frozenset()):
        raise ForbiddenCommand(
            "The kiosk refused to send a command to the card.",
            detail=f"{bytes(apdu).hex()} is not allowed for {kind} cards",
        )
    hresult, response = scard.SCardTransmit(handle, protocol, list(apdu))
    if hresult != scard.SCARD_S_SUCCESS:
        raise KioskError(
            "The card reader did not answer.", detail=scard.SCardGetErrorMessage(hresult)
        )
    return bytes(response)


def read_uid(context: Any, reader: str) -> str | None:
    """The UID of the staff card in ``reader`` as uppercase hex, or None if it cannot be read.

    Connects shared (other programs may use the reader), sends GET DATA, leaves the card as is.
    """
    hresult, handle, protocol = scard.SCardConnect(
        context, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
    )
    if hresult != scard.SCARD_S_SUCCESS:
        return None
    try:
        reply = transmit(handle, protocol, GET_UID, "staff_card")
    except KioskError:
        return None
    finally:
        scard.SCardDisconnect(handle, scard.SCARD_LEAVE_CARD)
    if len(reply) < 3 or reply[-2:] != b"\x90\x00":
        return None
    return reply[:-2].hex().upper()
