"""Consent: before a helper acts on the visitor's behalf, the visitor is shown (and told, read
aloud whatever the read-aloud setting) what is about to happen, and touches "I agree" or "No".
``vm`` is the AssistVM."""

from __future__ import annotations

from kiosk.ui.kvload import load_kv
from kiosk.ui.screens.base import KioskScreen
from kiosk.ui.viewmodels.assist import consent_text


class ConsentScreen(KioskScreen):
    consent_text = staticmethod(consent_text)


load_kv(__file__)
