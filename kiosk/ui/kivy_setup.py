"""Kivy's global configuration, set before Kivy creates its window.

Kivy reads its environment at import and its Config when the window is made, so this module is
the first thing the ``run`` and ``screenshot`` commands call, before importing any other UI module.
"""

from __future__ import annotations

import os


def prepare_environment(*, offscreen: bool = False) -> None:
    """Environment variables Kivy reads at import: no command-line options, offscreen if asked."""
    os.environ["KIVY_NO_ARGS"] = "1"
    if offscreen or not (os.environ.get("DISPLAY") or os.environ.get("SDL_VIDEODRIVER")):
        # No display server: draw through Mesa into memory (screenshots, CI).
        os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")


def configure_window(
    *, fullscreen: bool, size: tuple[int, int], kiosk_mode: bool, show_cursor: bool
) -> None:
    """Window and input settings; call before ``kivy.core.window`` is imported."""
    from kivy.config import Config

    Config.set("graphics", "width", str(size[0]))
    Config.set("graphics", "height", str(size[1]))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "borderless", "1" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "1" if show_cursor else "0")
    Config.set("graphics", "allow_screensaver", "0")
    # No multisampling: the kiosk draws flat shapes and text, which look the same without it,
    # and with a software GL (Mesa llvmpipe on a PC without a GPU) it makes every frame ~2.5x
    # slower (measured by tests/bench/bench_player.py: a full redraw 55-60 ms -> ~22 ms).
    Config.set("graphics", "multisamples", "0")
    # A touch on a touchscreen must not also arrive as a mouse click (double taps).
    Config.set("input", "mouse", "mouse,disable_on_activity")
    if kiosk_mode:
        # No way out for a visitor: Esc does not quit, no inspector or other debug modules.
        Config.set("kivy", "exit_on_escape", "0")
        for module in Config.options("modules"):
            Config.remove_option("modules", module)
