"""A real offscreen Kivy window for the widget tests, and a fresh kiosk app for each test."""

from __future__ import annotations

import threading

import pytest

from kiosk.config import load_settings
from tests.ui.harness import FakeClock, frames


@pytest.fixture(scope="session")
def window():
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    win = EventLoop.window
    win.size = (1280, 800)
    return win


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def make_app(window, clock):
    """Build a kiosk app on the test window: ``make_app(settings=None, **kwargs)``."""
    from kivy.base import ExceptionManager

    made = []
    hook = threading.excepthook

    def forget_running_app():
        # KV's `app` is a proxy that caches the first running app until that app's on_stop.
        # One process makes many apps here: each new one must be the one KV rules see, even if
        # an earlier test's app failed half-built and never stopped.
        from kivy.lang.parser import global_idmap

        object.__setattr__(global_idmap["app"], "_obj", None)

    def make(settings=None, **kwargs):
        from kiosk.services.card.fake import FakeCardReader
        from kiosk.services.speech_fake import FakeSpeech
        from kiosk.ui.app import KioskApp

        # Fast fakes by default; tests/services and tests/card drive the real engines.
        kwargs.setdefault("speech", FakeSpeech())
        kwargs.setdefault("card_reader", FakeCardReader())
        forget_running_app()
        app = KioskApp(settings or load_settings(), now=clock, **kwargs)
        made.append(app)
        root = app.build()
        app.root = root
        window.add_widget(root)
        frames(3)
        return app

    yield make
    for app in made:
        if app.root is not None:
            app.dispatch("on_stop")
            window.remove_widget(app.root)
    forget_running_app()
    ExceptionManager.handlers[:] = []
    threading.excepthook = hook
    window.size = (1280, 800)


@pytest.fixture
def app(make_app):
    return make_app()
