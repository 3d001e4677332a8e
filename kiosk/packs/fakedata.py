"""Lint rules for fake data: made-up web addresses, IBANs and identity codes that check out.

The kiosk shows practice screens; a real domain in the address bar teaches the wrong habit, and
an IBAN or identity code with broken check digits looks wrong to anyone who knows the real thing.
Personal identity codes must be clearly fake: the individual number 900-999 is reserved for
temporary and test codes and is never given to a person.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from kiosk.packs.yamlpos import Loc

_FAKE_TLDS = ("test", "invalid", "example", "localhost")
_IBAN = re.compile(r"\bFI\d{2}(?: ?\d{4}){3} ?\d{2}\b")
_RF = re.compile(r"\bRF\d{2}(?: ?[0-9A-Z]{1,4}){1,6}\b")
_HETU = re.compile(r"\b(\d{6})([-+ABCDEFUVWXY])(\d{3})([0-9A-Z])\b")
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"


def strings(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every string value in ``data`` with its location."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from strings(value, (*loc, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from strings(value, (*loc, index))


def address_problem(address: str) -> str | None:
    """Why ``address`` (the fake address bar) may name a real site, or None."""
    host = re.sub(r"^[a-z]+://", "", address.strip().lower()).split("/")[0].split(":")[0]
    labels = host.split(".")
    if "example" in labels or labels[-1] in _FAKE_TLDS:
        return None
    return (
        f"{host!r} may be a real site; use a made-up address with an 'example' part, "
        "like kela.example.fi/asiointi"
    )


def _mod97(text: str) -> int:
    digits = "".join(str(int(c, 36)) for c in text)
    return int(digits) % 97


def text_problems(text: str) -> list[str]:
    """Fake-data problems in one text: IBANs, RF references and identity codes."""
    problems = []
    for match in _IBAN.finditer(text):
        iban = match.group().replace(" ", "")
        if _mod97(iban[4:] + iban[:4]) != 1:
            problems.append(f"IBAN {match.group()} has wrong check digits (mod 97)")
    for match in _RF.finditer(text):
        ref = match.group().replace(" ", "")
        if _mod97(ref[4:] + ref[:4]) != 1:
            problems.append(f"RF reference {match.group()} has wrong check digits (mod 97)")
    for match in _HETU.finditer(text):
        problem = _hetu_problem(*match.groups())
        if problem:
            problems.append(f"identity code {match.group()}: {problem}")
    return problems


def _hetu_problem(birth: str, _sep: str, individual: str, check: str) -> str | None:
    if not 900 <= int(individual) <= 999:
        return "use an individual number 900-999 (never given to a person) so it is clearly fake"
    if _HETU_CHECK[int(birth + individual) % 31] != check:
        return f"wrong check character; it should be {_HETU_CHECK[int(birth + individual) % 31]}"
    return None
