"""Catalogue of practice demos."""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen


class CatalogueScreen(KioskScreen):
    """Lists the demos; until any are installed it says so honestly."""


load_kv(__file__)
