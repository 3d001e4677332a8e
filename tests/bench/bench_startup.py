"""Start-up of the kiosk against a bare Kivy app that shows one label, in the same run.

Figures: time from process start to the first frame on screen (goal: at most 1.3x the bare
app) and peak resident memory at that moment (goal: at most the bare app + 60 MB). Both apps
draw offscreen through Mesa, the same way, alternately, several times; medians are compared.
A second peer is the bare app with the kiosk's window settings (no multisampling), so that the
kiosk's own cost is visible apart from the cheaper window it asks for.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 7

_PRELUDE = """
import os, resource, sys, time
os.environ['KIVY_NO_ARGS'] = '1'
os.environ['KIVY_LOG_MODE'] = 'PYTHON'
def first_frame(*_):
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print('FIRST_FRAME', rss_mb, flush=True)
    os._exit(0)
"""

_BARE_APP = """
from kivy.app import App
from kivy.uix.label import Label
from kivy.core.window import Window
class Bare(App):
    def build(self):
        Window.bind(on_flip=first_frame)
        return Label(text='Tervetuloa', font_size=48)
Bare().run()
"""
BARE = _PRELUDE + _BARE_APP
# The same bare app with the kiosk's window settings (no multisampling, see kivy_setup.py), so
# that the kiosk's own cost is also compared with a peer that draws the same way.
BARE_SAME_WINDOW = (
    _PRELUDE
    + """
from kivy.config import Config
Config.set("graphics", "multisamples", "0")
"""
    + _BARE_APP
)

KIOSK = (
    _PRELUDE
    + """
from kiosk.config import load_settings
from kiosk.ui.kivy_setup import configure_window
s = load_settings()
configure_window(fullscreen=False, size=(1280, 800), kiosk_mode=True, show_cursor=False)
from kivy.core.window import Window
from kiosk.ui.app import KioskApp
Window.bind(on_flip=first_frame)
KioskApp(s).run()
"""
)


def one_run(script: str, env: dict[str, str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, script],
        stdout=subprocess.PIPE,
        text=True,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("FIRST_FRAME"):
            elapsed = time.perf_counter() - start
            proc.wait(timeout=30)
            return elapsed, float(line.split()[1])
    proc.wait(timeout=30)
    raise RuntimeError("the app exited before its first frame")


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="bench-startup-")
    env = {
        **os.environ,
        "SDL_VIDEODRIVER": "offscreen",
        "SDL_AUDIODRIVER": "dummy",
        "KIVY_HOME": tmp,
        "MESA_SHADER_CACHE_DIR": tmp,
    }
    # Kivy's App needs its class in a real file (it looks for a .kv file beside it).
    scripts = {}
    for name, code in (("bare", BARE), ("bare_same", BARE_SAME_WINDOW), ("kiosk", KIOSK)):
        scripts[name] = os.path.join(tmp, f"bench_{name}_app.py")
        with open(scripts[name], "w", encoding="utf-8") as out:
            out.write(code)
    one_run(scripts["bare"], env)  # warm the disk cache and Mesa's shader cache for both
    one_run(scripts["bare_same"], env)
    one_run(scripts["kiosk"], env)
    bare, same, kiosk = [], [], []
    for _ in range(RUNS):
        bare.append(one_run(scripts["bare"], env))
        same.append(one_run(scripts["bare_same"], env))
        kiosk.append(one_run(scripts["kiosk"], env))
    bare_t = statistics.median(t for t, _ in bare)
    same_t = statistics.median(t for t, _ in same)
    kiosk_t = statistics.median(t for t, _ in kiosk)
    bare_m = max(m for _, m in bare)
    kiosk_m = max(m for _, m in kiosk)
    print(
        f"first frame, median of {RUNS}: bare Kivy {bare_t * 1000:.0f} ms, "
        f"kiosk {kiosk_t * 1000:.0f} ms, ratio {kiosk_t / bare_t:.2f}x (goal <= 1.3x)"
    )
    print(
        f"  against bare Kivy with the kiosk's window settings ({same_t * 1000:.0f} ms): "
        f"ratio {kiosk_t / same_t:.2f}x"
    )
    print(
        f"peak RSS at first frame: bare Kivy {bare_m:.0f} MB, kiosk {kiosk_m:.0f} MB, "
        f"+{kiosk_m - bare_m:.0f} MB (goal <= +60 MB)"
    )


if __name__ == "__main__":
    main()
