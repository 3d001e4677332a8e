"""``kiosk check`` lines for the card reader: optional (required=False); each says how to fix it."""

from __future__ import annotations

import os
import shutil
from typing import Any

from kiosk.core.checks import CheckResult
from kiosk.core.errors import ConfigError

from .service import load_table

NAME = "card reader"


def check_card(settings: Any) -> list[CheckResult]:
    """pcscd reachable, readers present (after the [card] readers filter), the ATR table valid."""
    card = settings.card
    if not card.enabled:
        return [CheckResult(NAME, True, "turned off in settings ([card] enabled = false)", False)]
    results = [_check_table(card)]
    try:
        from smartcard import scard
    except ImportError as exc:
        msg = f"pyscard cannot load ({exc}); install: sudo apt-get install pcscd libpcsclite1"
        return [*results, CheckResult(NAME, False, msg, False)]
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return [*results, CheckResult(NAME, False, _no_service_message(), False)]
    try:
        hresult, readers = scard.SCardListReaders(context, [])
    finally:
        scard.SCardReleaseContext(context)
    readers = list(readers) if hresult == scard.SCARD_S_SUCCESS else []
    return results + _check_readers(readers, card.readers)


def _check_table(card: Any) -> CheckResult:
    try:
        table = load_table(card)
    except ConfigError as exc:
        return CheckResult("card ATR table", False, exc.user_message, False)
    return CheckResult(
        "card ATR table",
        True,
        f"{len(table.patterns)} patterns from {', '.join(table.sources)}",
        False,
    )


def _no_service_message() -> str:
    if shutil.which("pcscd") is None and not os.path.exists("/usr/sbin/pcscd"):
        return "pcscd is not installed: sudo apt-get install pcscd"
    return "pcscd is not running: sudo systemctl enable --now pcscd.socket"


def _check_readers(readers: list[str], filters: list[str]) -> list[CheckResult]:
    wanted = [r for r in readers if not filters or any(f.lower() in r.lower() for f in filters)]
    results = []
    if not readers:
        results.append(
            CheckResult(
                NAME, False, "pcscd runs but sees no reader: plug in the card reader", False
            )
        )
    elif not wanted:
        msg = f"no reader matches [card] readers = {filters!r}; pcscd sees: {', '.join(readers)}"
        results.append(CheckResult(NAME, False, msg, False))
    else:
        results.append(
            CheckResult(NAME, True, f"pcscd runs; reader(s): {', '.join(wanted)}", False)
        )
    virtual = [r for r in readers if r.startswith("Virtual PCD")]
    if virtual:
        msg = (
            "the virtual test reader (vsmartcard-vpcd) is installed; it listens on the network: "
            "remove it on a kiosk in use (sudo apt-get purge vsmartcard-vpcd)"
        )
        results.append(CheckResult("card test reader", False, msg, False))
    return results
