"""Self-test lines for the display, fonts, translations and configuration (``kiosk check``).

The display check starts Kivy's window in a child process, so a missing GL library or a busy
display is reported as a line instead of crashing the check itself.
"""

from __future__ import annotations

import os
import subprocess
import sys

from kiosk.config import Settings
from kiosk.core.checks import CheckResult

_DISPLAY_PROBE = """
import os
os.environ['KIVY_NO_ARGS'] = '1'
os.environ.setdefault('KIVY_NO_CONSOLELOG', '1')
from kivy.core.window import Window
print(Window.__class__.__name__, Window.size[0], Window.size[1])
"""
#: Letters a Finnish, Swedish or Sámi text needs; the font must draw each of them.
NEEDED_LETTERS = "åäöÅÄÖšžčđŋŧŠŽČĐŊŦ€"


def check_configuration(settings: Settings) -> list[CheckResult]:
    # Loading already validated every key; reaching here means the files are good.
    v = settings.visitor
    return [
        CheckResult(
            "configuration",
            True,
            f"valid; languages {', '.join(v.languages)}, idle "
            f"{settings.session.idle_seconds} s + {settings.session.warning_seconds} s",
        )
    ]


def check_display(settings: Settings) -> list[CheckResult]:
    env = dict(os.environ)
    if not (env.get("DISPLAY") or env.get("SDL_VIDEODRIVER")):
        env["SDL_VIDEODRIVER"] = "offscreen"
    try:
        out = subprocess.run(
            [sys.executable, "-c", _DISPLAY_PROBE],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return [CheckResult("display", False, "the window did not open within 60 s")]
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["no output"])[-1]
        return [
            CheckResult(
                "display",
                False,
                f"the window cannot open ({last}); install the GL packages with "
                "scripts/system-packages.sh, and on a Pi add the kiosk user to the "
                "groups video, render and input",
            )
        ]
    driver = env.get("SDL_VIDEODRIVER", "default")
    return [CheckResult("display", True, f"window opens ({out.stdout.strip()}, driver {driver})")]


def check_fonts(settings: Settings) -> list[CheckResult]:
    from fontTools.ttLib import TTFont
    from kivy.resources import resource_find

    path = resource_find("data/fonts/Roboto-Regular.ttf")
    if not path:
        return [CheckResult("fonts", False, "Kivy's font Roboto is missing; reinstall kivy")]
    cmap = TTFont(path, lazy=True).getBestCmap()
    missing = [ch for ch in NEEDED_LETTERS if ord(ch) not in cmap]
    if missing:
        return [CheckResult("fonts", False, f"the font cannot draw {' '.join(missing)}")]
    return [CheckResult("fonts", True, "Roboto draws å ä ö š ž č đ ŋ ŧ €")]


def check_translations(settings: Settings) -> list[CheckResult]:
    from kiosk.ui.i18n_build import missing

    problems = missing()
    if problems:
        return [
            CheckResult(
                "translations",
                False,
                f"{len(problems)} texts untranslated, first: {problems[0]}; "
                "run `make setup` to rebuild the catalogues",
            )
        ]
    return [CheckResult("translations", True, "fi, sv and en complete")]
