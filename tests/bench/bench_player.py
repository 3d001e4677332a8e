"""The walkthrough player: from the completing touch to the next step fully drawn.

Runs every bundled demo through the real app on an offscreen window (Mesa, as in the tests):
for each step, time from the visitor's completing action to the end of the frame that shows the
next step, and the longest single frame during the change. Goal: p95 under 100 ms and no frame
over 50 ms. Floor for comparison: one frame of the same window with nothing changing.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

RUNS_PER_DEMO = 1


def _setup_env() -> None:
    tmp = tempfile.mkdtemp(prefix="bench-player-")
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ["KIVY_LOG_MODE"] = "PYTHON"
    os.environ["KCFG_GRAPHICS_MAXFPS"] = "0"
    os.environ["KIVY_HOME"] = tmp


def _right_action(app) -> None:  # noqa: ANN001
    from kiosk.packs.actions import show_me_value

    step = app.player.walk.step
    kind = step.action.kind
    if kind == "tap":
        app.player.touched(step.target, None)
    elif kind == "choose":
        app.player.touched(step.target, step.action.option)
    elif kind == "type":
        app.player.touched(step.target, None)
        app.player.typed_text = show_me_value(step.action)
        app.player.typing_done()
    else:
        app.player.skip_card()


def main() -> None:
    _setup_env()
    from kivy.base import EventLoop

    from kiosk.config import load_settings
    from kiosk.services.card.fake import FakeCardReader
    from kiosk.services.speech_fake import FakeSpeech
    from kiosk.ui.app import KioskApp

    EventLoop.ensure_window()
    window = EventLoop.window
    window.size = (1280, 800)
    app = KioskApp(load_settings(), speech=FakeSpeech(), card_reader=FakeCardReader())
    app.root = app.build()
    window.add_widget(app.root)
    app.show("catalogue")
    for _ in range(20):
        EventLoop.idle()
    idle_frames = []
    for _ in range(30):
        # The floor: a frame that redraws the whole window with nothing new to lay out.
        window.canvas.ask_update()
        t = time.perf_counter()
        EventLoop.idle()
        idle_frames.append(time.perf_counter() - t)

    changes, worst_frames = [], []
    for demo in app.catalogue.result.demos:
        app.open_demo(demo.id)
        for _ in range(3):
            EventLoop.idle()
        while app.player.active and app.player.walk is not None:
            start = time.perf_counter()
            _right_action(app)
            frame_start = time.perf_counter()
            EventLoop.idle()  # the frame that draws the next step
            end = time.perf_counter()
            changes.append(end - start)
            longest = end - frame_start
            for _ in range(2):  # layout may settle over one more frame
                t = time.perf_counter()
                EventLoop.idle()
                longest = max(longest, time.perf_counter() - t)
            worst_frames.append(longest)
        app.nav.go("catalogue")

    ms = sorted(c * 1000 for c in changes)
    p50 = statistics.median(ms)
    p95 = ms[int(len(ms) * 0.95) - 1]
    floor = statistics.median(idle_frames) * 1000
    print(f"step changes measured: {len(ms)} in {len(app.catalogue.result.demos)} demos")
    print(
        f"completing action -> next step drawn: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
        f"max {ms[-1]:.1f} ms (goal p95 < 100 ms)"
    )
    print(
        f"longest frame during a change: max {max(worst_frames) * 1000:.1f} ms, "
        f"p95 {sorted(worst_frames)[int(len(worst_frames) * 0.95) - 1] * 1000:.1f} ms "
        f"(goal: none over 50 ms)"
    )
    print(
        f"floor: a full redraw of an unchanged window {floor:.1f} ms; "
        f"p50 change = {p50 / floor:.1f}x the floor"
    )


if __name__ == "__main__":
    main()
