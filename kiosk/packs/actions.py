"""What the player asks of an action: does a typed text complete it, what does "Show me" type.

Typed text is compared ignoring case and surrounding spaces, both for an exact ``value`` and for
a ``pattern`` (which must match the whole text): a visitor on a big on-screen keyboard should not
fail a step because of the shift key or a stray space.
"""

from __future__ import annotations

import re
import string
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for annotations: the kiosk imports this before the models are needed
    from kiosk.packs.models import Action

#: Every character the kiosk's on-screen keyboard can type.
KEYBOARD = frozenset(string.ascii_letters + "åäöÅÄÖ" + string.digits + " .,-@/:'?!()+€%_")


def untypeable(text: str) -> list[str]:
    """The characters of ``text`` the on-screen keyboard cannot type, in order, once each."""
    return list(dict.fromkeys(c for c in text if c not in KEYBOARD))


@lru_cache(maxsize=512)
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def check_typed(action: Action, typed: str) -> bool:
    """True when ``typed`` completes a ``type`` action; False for any other kind of action."""
    if action.kind != "type":
        return False
    text = typed.strip()
    if action.value is not None:
        return text.casefold() == action.value.strip().casefold()
    if action.pattern is not None:
        return _compiled(action.pattern).fullmatch(text) is not None
    return False


def show_me_value(action: Action) -> str:
    """What "Show me" types for a ``type`` action: the value, else the pattern's example.

    Raises ValueError for other kinds of action, which have nothing to type.
    """
    if action.kind != "type":
        raise ValueError(f"a {action.kind} action has nothing to type")
    if action.value is not None:
        return action.value.strip()
    return (action.example or "").strip()
