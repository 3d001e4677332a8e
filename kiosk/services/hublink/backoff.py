"""Waits between attempts when the hub cannot be reached: doubling, capped, with jitter.

Jitter (a random factor between 0.5 and 1) keeps a library's kiosks from all retrying in the
same second when the hub comes back. Written by hand: it is six lines, and the retry libraries
(tenacity, backoff) want to own the loop, which here is the link's own worker loop.
"""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    """``delay(n)`` for the n-th failure in a row (n >= 1): ``first * 2**(n-1)`` capped at
    ``cap``, times a random factor in [0.5, 1]. ``rand`` is injectable for tests."""

    def __init__(self, first: float, cap: float, rand: Callable[[], float] = random.random):
        self.first = first
        self.cap = cap
        self._rand = rand

    def delay(self, failures: int) -> float:
        base = min(self.cap, self.first * 2 ** min(max(failures - 1, 0), 32))
        return base * (0.5 + 0.5 * self._rand())
