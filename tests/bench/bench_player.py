"""The walkthrough player: from the completing touch to the next step fully drawn.

Runs every bundled demo through the real app on an offscreen window (Mesa, as in the tests):
for each step, time from the visitor's completing action to the end of the frame that shows the
next step, and the longest single frame during the change. Goal: p95 under 100 ms and no frame
over 50 ms. Floor for comparison: one frame of the same window with nothing changing.

A frame ends when its drawing is finished (``glFinish``), not when it has been handed to GL:
with a software GL (llvmpipe) the drawing itself takes tens of milliseconds, and without the
wait it is charged to whichever later GL call touches a texture the frame uses. For the same
reason the drawing of the step before is finished before the action: a visitor reads a step
before completing it. A step is shown when the frames it needs are drawn: the change lasts up to
the last frame that drew something (at most ``SETTLE_FRAMES`` after the first).
``python -m tests.bench.bench_player [TEXT_SIZE]`` runs it at another text size (default 100).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time

RUNS_PER_DEMO = 1
SETTLE_FRAMES = 3
# A visitor reads a step for seconds (a second is ~60 clock ticks) before completing it; in
# that time the kiosk draws the next step's texts ahead (MockFrame.prepare_next). The bench
# lets a few ticks pass, far fewer than any reader would.
READING_TICKS = 5


def _setup_env() -> None:
    tmp = tempfile.mkdtemp(prefix="bench-player-")
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ["KIVY_LOG_MODE"] = "PYTHON"
    os.environ["KCFG_GRAPHICS_MAXFPS"] = "0"
    os.environ["KIVY_HOME"] = tmp


def _before_action(app) -> None:  # noqa: ANN001
    """What the visitor does before the completing action: a typing step opens the keyboard
    and is typed; its completing action is OK."""
    from kivy.base import EventLoop

    from kiosk.packs.actions import show_me_value

    step = app.player.walk.step
    if step.action.kind == "type":
        app.player.touched(step.target, None)
        for _ in range(3):
            EventLoop.idle()
        app.player.typed_text = show_me_value(step.action)
        for _ in range(2):
            EventLoop.idle()


class _Frames:
    """Runs frames; each one is timed up to the end of its drawing; counts the ones drawn."""

    def __init__(self, window) -> None:  # noqa: ANN001
        from kivy.graphics.opengl import glFinish

        self.finish = glFinish
        self.drawn = 0
        window.bind(on_flip=self._flipped)

    def _flipped(self, *_: object) -> None:
        self.drawn += 1

    def run(self, before=None) -> tuple[float, float, bool]:  # noqa: ANN001
        """One frame (``before()`` first, inside it): (seconds to handed over, to drawn, drew)."""
        from kivy.base import EventLoop

        drawn = self.drawn
        start = time.perf_counter()
        if before is not None:
            before()
        EventLoop.idle()
        handed = time.perf_counter()
        self.finish()
        return handed - start, time.perf_counter() - start, self.drawn > drawn


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * q) - 1)]


def main() -> None:
    _setup_env()
    from kiosk.ui.kivy_setup import configure_window

    # The window as `kiosk run` makes it (before Kivy's window module is imported).
    configure_window(fullscreen=False, size=(1280, 800), kiosk_mode=True, show_cursor=False)
    from kivy.base import EventLoop

    from kiosk.config import load_settings
    from kiosk.services.card.fake import FakeCardReader
    from kiosk.services.speech_fake import FakeSpeech
    from kiosk.ui.app import KioskApp
    from tests.ui.harness import right_action

    text_size = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 100
    EventLoop.ensure_window()
    window = EventLoop.window
    window.size = (1280, 800)
    # The kiosk's clock stands still: the bench completes steps without touches, and a slow
    # run (a loaded machine) must not meet the idle timeout and its question in mid-demo.
    frozen = time.monotonic()
    app = KioskApp(
        load_settings(), now=lambda: frozen, speech=FakeSpeech(), card_reader=FakeCardReader()
    )
    app.root = app.build()
    window.add_widget(app.root)
    # Started as `kiosk run` starts it: packs read, screens pre-built, and then full garbage
    # collections left to quiet moments (kiosk/ui/collector.py).
    app.dispatch("on_start")
    give_up = time.monotonic() + 60
    while not (app.collector.started and app.catalogue.result is not None):
        if time.monotonic() > give_up:
            raise RuntimeError("the app did not finish starting in 60 s")
        EventLoop.idle()
    app.session.set_pref("text_size", text_size)
    app.show("catalogue")
    frames = _Frames(window)
    for _ in range(20):
        EventLoop.idle()
    demos = app.catalogue.result.demos
    app.open_demo(demos[0].id)
    for _ in range(5):
        EventLoop.idle()
    floor_runs = []
    for _ in range(20):
        # The floor: a frame that redraws the whole step with nothing new to lay out.
        window.canvas.ask_update()
        floor_runs.append(frames.run())
    app.nav.go("catalogue")

    changes, handed, worst_frames = [], [], []
    for demo in demos:
        app.open_demo(demo.id)
        for _ in range(3):
            EventLoop.idle()
        while app.player.active and app.player.walk is not None:
            for _ in range(READING_TICKS):
                EventLoop.idle()
            _before_action(app)
            frames.finish()  # the step before is fully drawn: the visitor has read it
            # The touch is handled inside a frame: the action counts in the first frame.
            cpu, total, _ = frames.run(lambda: right_action(app))
            change, longest = total, total
            for _ in range(SETTLE_FRAMES):  # layout may settle over more frames
                _, frame, drew = frames.run()
                longest = max(longest, frame)
                if not drew:
                    break
                change += frame
            changes.append(change)
            handed.append(cpu)
            worst_frames.append(longest)
        app.nav.go("catalogue")

    app.dispatch("on_stop")
    expected = sum(len(demo.steps) for demo in demos)
    if len(changes) != expected:
        raise RuntimeError(f"measured {len(changes)} step changes of {expected}: a demo stopped")
    ms = [c * 1000 for c in changes]
    p50 = statistics.median(ms)
    floor = statistics.median(total for _, total, _ in floor_runs) * 1000
    floor_cpu = statistics.median(cpu for cpu, _, _ in floor_runs) * 1000
    worst = [w * 1000 for w in worst_frames]
    cpu_ms = [c * 1000 for c in handed]
    print(f"step changes measured: {len(ms)} in {len(demos)} demos at {text_size} % text")
    print(
        f"completing action -> next step drawn: p50 {p50:.1f} ms, p95 {_pct(ms, 0.95):.1f} ms, "
        f"max {max(ms):.1f} ms (goal p95 < 100 ms)"
    )
    print(
        f"longest frame during a change: max {max(worst):.1f} ms, "
        f"p95 {_pct(worst, 0.95):.1f} ms (goal: none over 50 ms)"
    )
    print(
        f"  of which the first frame's work before GL draws: p50 {statistics.median(cpu_ms):.1f}"
        f" ms, p95 {_pct(cpu_ms, 0.95):.1f} ms, max {max(cpu_ms):.1f} ms"
    )
    print(
        f"floor: a full redraw of the unchanged step {floor:.1f} ms "
        f"({floor_cpu:.1f} ms before GL draws); p50 change = {p50 / floor:.1f}x the floor"
    )


if __name__ == "__main__":
    main()
