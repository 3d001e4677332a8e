"""The privacy promise in code: one function sends, and it sends only GET DATA to staff cards."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from kiosk.services.card import apdu
from kiosk.services.card.apdu import GET_UID, ForbiddenCommand, transmit

KIOSK = Path(apdu.__file__).resolve().parents[2]
SENDING_CALLS = {"SCardTransmit", "SCardControl", "transmit", "control"}


class ExplodingHandle:
    """Stands for a card connection; the guard must refuse before anything touches it."""


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        (GET_UID, "id_card"),
        (GET_UID, "bank_card"),
        (GET_UID, "unknown"),
        (bytes.fromhex("00A4040C07A000000063504B4353"), "staff_card"),  # SELECT an application
        (bytes.fromhex("0020000108313233340000000000"), "staff_card"),  # VERIFY a PIN
        (bytes.fromhex("00B0000000"), "staff_card"),  # READ BINARY
        (bytes.fromhex("FFCA010000"), "staff_card"),  # GET DATA, but for the historical bytes
    ],
)
def test_anything_but_get_uid_to_a_staff_card_is_refused_before_sending(monkeypatch, command, kind):
    sent = []
    monkeypatch.setattr(apdu.scard, "SCardTransmit", lambda *a: sent.append(a) or (0, []))
    with pytest.raises(ForbiddenCommand):
        transmit(ExplodingHandle(), 2, command, kind)
    assert sent == []


def test_get_uid_to_a_staff_card_is_sent(monkeypatch):
    sent = []
    monkeypatch.setattr(
        apdu.scard, "SCardTransmit", lambda h, p, a: sent.append(bytes(a)) or (0, [1, 2, 0x90, 0])
    )
    assert transmit(ExplodingHandle(), 2, GET_UID, "staff_card") == b"\x01\x02\x90\x00"
    assert sent == [GET_UID]


def _imports_pyscard(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name.startswith("smartcard") for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("smartcard"):
            return True
    return False


def test_only_the_guard_module_may_talk_to_a_card():
    """No kiosk module but apdu.py that uses pyscard calls anything that sends to a card."""
    offenders = []
    for path in KIOSK.rglob("*.py"):
        if path == Path(apdu.__file__).resolve():
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if not _imports_pyscard(tree):
            continue
        for node in ast.walk(tree):
            name = getattr(node, "attr", None) or getattr(node, "id", None)
            if name in SENDING_CALLS:
                offenders.append(f"{path.relative_to(KIOSK)}:{node.lineno} {name}")
    assert offenders == []


def test_the_source_scan_would_catch_a_second_sender(tmp_path):
    """The scan above is not vacuous: it sees the guard module's own call."""
    tree = ast.parse(Path(apdu.__file__).read_text(encoding="utf-8"))
    assert _imports_pyscard(tree)
    names = {getattr(n, "attr", None) for n in ast.walk(tree)}
    assert "SCardTransmit" in names
