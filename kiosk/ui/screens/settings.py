"""Visitor settings: language, text size, contrast, reading aloud. Reachable from every screen."""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen

#: Each language's name in that language: a visitor looks for their own language's name.
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English", "se": "Davvisámegiella"}


class SettingsScreen(KioskScreen):
    """Changes apply at once; the current screen re-renders in place. ``vm`` is the
    ReadAloudVM: it says whether this language can be read aloud."""

    language_names = LANGUAGE_NAMES


load_kv(__file__)
