"""The base of every screen: a translated ``title`` for the top bar and the VMs it needs."""

from __future__ import annotations

from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.ui.widgets import common  # noqa: F401  (registers KButton, KLabel... for KV)


class KioskScreen(Screen):
    """A screen of the kiosk. Subclasses set ``title`` in KV with ``app.tr._(...)``.

    ``vm`` is the screen's own view-model, ``nav`` and ``session`` the app's shared ones; all
    are handed down by the composition root (``KioskApp.build``).
    """

    title = StringProperty("")
    vm = ObjectProperty(None, allownone=True)
    nav = ObjectProperty(None)
    session = ObjectProperty(None)
