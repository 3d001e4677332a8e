"""Fixtures for the end-to-end tests: a real hub over real HTTP, a site, a helper, kiosks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from tests.e2e.support import LiveHub


@dataclass
class Site:
    hub: LiveHub
    site_id: int
    helper_token: str  # a volunteer called Anna, serving the site


@pytest.fixture
def live_hub(tmp_path) -> Iterator[LiveHub]:
    folder = tmp_path / "hub"
    folder.mkdir()
    hub = LiveHub(folder).start()
    try:
        yield hub
    finally:
        hub.close()


@pytest.fixture
def site(live_hub: LiveHub) -> Site:
    site_id = live_hub.driver.site("Pasila library", guidance_hours="Mon-Fri 10-16")
    token = live_hub.driver.staff("anna", "volunteer", [site_id])
    return Site(live_hub, site_id, token)


# The widget tests' real offscreen window and app factory, for the help screens end to end.
from tests.ui.conftest import clock, make_app, window  # noqa: E402, F401
