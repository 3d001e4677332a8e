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

    def make(settings=None, **kwargs):
        from kiosk.services.card.fake import FakeCardReader
        from kiosk.services.speech_fake import FakeSpeech
        from kiosk.ui.app import KioskApp

        # Fast fakes by default; tests/services and tests/card drive the real engines.
        kwargs.setdefault("speech", FakeSpeech())
        kwargs.setdefault("card_reader", FakeCardReader())
        app = KioskApp(settings or load_settings(), now=clock, **kwargs)
        root = app.build()
        app.root = root
        window.add_widget(root)
        made.append(app)
        frames(3)
        return app

    yield make
    for app in made:
        app.dispatch("on_stop")
        window.remove_widget(app.root)
    ExceptionManager.handlers[:] = []
    threading.excepthook = hook
    window.size = (1280, 800)


@pytest.fixture
def app(make_app):
    return make_app()
