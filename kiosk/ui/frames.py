"""Work that must wait until the visitor already sees something.

Kivy runs callbacks scheduled with ``Clock.schedule_once(cb, 0)`` in the next clock tick, and
the first tick comes *before* the first frame is drawn. Start-up work that is not needed for
the welcome screen (reading packs, starting speech and the card reader, pre-building screens,
telling systemd we are ready) therefore goes through :func:`after_first_frame` instead.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock
from kivy.core.window import Window


def after_first_frame(*callbacks: Callable[[float], object]) -> None:
    """Run each of ``callbacks(dt)`` once the window has shown its next frame, one per frame
    so that none of them holds up the frame after it. Returns at once."""

    pending = list(callbacks)

    def flipped(*_args: object) -> None:
        Window.unbind(on_flip=flipped)
        Clock.schedule_interval(run_next, 0)

    def run_next(dt: float) -> bool | None:
        pending.pop(0)(dt)
        return None if pending else False

    if pending:
        Window.bind(on_flip=flipped)
