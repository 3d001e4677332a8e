import pytest

from kiosk.config import load_settings
from kiosk.core.session import VisitorSession


@pytest.fixture
def session():
    return VisitorSession(load_settings().visitor, started_at=5.0)


def test_new_session_starts_on_site_defaults(session):
    assert session.prefs.language == "fi"
    assert session.prefs.text_size == 100
    assert not session.prefs.high_contrast


def test_wipe_clears_every_trace(session):
    session.set_pref("language", "sv")
    session.set_pref("text_size", 200)
    session.set_pref("high_contrast", True)
    session.set_pref("read_aloud", True)
    session.typed["iban"] = "FI49 5000 9420 0287 30"
    session.history.extend(["home", "settings"])
    session.card_used = True

    fresh = session.wipe(now=99.0)

    for s in (session, fresh):
        assert s.prefs.language == "fi" and s.prefs.text_size == 100
        assert not s.prefs.high_contrast and not s.prefs.read_aloud
        assert s.typed == {} and s.history == [] and not s.card_used
    assert fresh.started_at == 99.0 and fresh is not session


@pytest.mark.parametrize(
    "name,value",
    [("language", "de"), ("text_size", 120), ("speech_rate", "fast"), ("volume", 101)],
)
def test_values_the_kiosk_does_not_offer_are_refused(session, name, value):
    with pytest.raises(ValueError):
        session.set_pref(name, value)
