"""Test-wide setup. Kivy reads its environment at import, so this runs before any kivy import.

Kivy renders for real offscreen through Mesa (SDL's offscreen driver); audio goes to a null
device; Kivy's home, Mesa's shader cache and HOME are throw-away folders.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="kiosk-tests-"))
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["KIVY_NO_ARGS"] = "1"
# Tests drive frames themselves: no waiting for the next 60 Hz slot.
os.environ["KCFG_GRAPHICS_MAXFPS"] = "0"
os.environ["KIVY_NO_CONSOLELOG"] = "1"
os.environ["KIVY_NO_FILELOG"] = "1"
os.environ["KIVY_HOME"] = str(_TMP / "kivy-home")
os.environ["MESA_SHADER_CACHE_DIR"] = str(_TMP / "mesa")
# Silence for any ALSA player a test starts (there is no sound card here anyway).
(_TMP / "home").mkdir()
(_TMP / "home" / ".asoundrc").write_text(
    "pcm.!default { type null }\nctl.!default { type hw card 0 }\n"
)
os.environ["HOME"] = str(_TMP / "home")

PROJECT_ROOT = Path(__file__).resolve().parent.parent
