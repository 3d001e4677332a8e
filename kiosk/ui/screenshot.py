"""Render one screen of the real app offscreen and save it: the kiosk's screenshot mode."""

from __future__ import annotations

import tempfile
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.config import Settings
from kiosk.ui.app import KioskApp

#: Frames to let layout settle (wrapping text changes heights over a couple of frames).
SETTLE_FRAMES = 4


class _ScreenshotApp(KioskApp):
    def __init__(
        self,
        settings: Settings,
        screen: str,
        prefs: dict[str, object],
        demo: str | None = None,
        step: int = 1,
    ) -> None:
        super().__init__(settings)
        self._target = screen
        self._demo = demo
        self._step = step
        self._prefs = prefs
        self.written: str | None = None
        self._frames = 0

    def on_start(self) -> None:
        if self._target == "welcome":
            # No session on the welcome screen: show the look directly.
            self.theme.text_size = self._prefs.get("text_size", self.theme.text_size)
            self.theme.high_contrast = self._prefs.get("high_contrast", self.theme.high_contrast)
            self.show("welcome")
        else:
            self.show("home")
            for name, value in self._prefs.items():
                self.session.set_pref(name, value)
            self.show(self._target, demo=self._demo, step=self._step)
        Clock.schedule_interval(self._settle_then_shoot, 0)

    def _settle_then_shoot(self, _dt: float) -> bool | None:
        self._frames += 1
        if self._frames < SETTLE_FRAMES:
            return None
        folder = Path(tempfile.mkdtemp(prefix="kiosk-shot-"))
        self.written = Window.screenshot(str(folder / "shot.png"))
        self.stop()
        return False


def take_screenshot(
    settings: Settings,
    screen: str,
    *,
    demo: str | None = None,
    step: int = 1,
    lang: str | None,
    text_size: int | None,
    high_contrast: bool | None,
) -> str:
    """Run the app until ``screen`` is drawn, save it, and return the file Kivy wrote."""
    prefs: dict[str, object] = {}
    if lang is not None:
        prefs["language"] = lang
    if text_size is not None:
        prefs["text_size"] = text_size
    if high_contrast is not None:
        prefs["high_contrast"] = high_contrast
    app = _ScreenshotApp(settings, screen, prefs, demo=demo, step=step)
    app.run()
    if not app.written:
        raise RuntimeError("the window could not be captured")
    return app.written
