"""A real hub served by uvicorn on 127.0.0.1 (free port) for the admin command line's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.hub.app import create_app
from tests.hub.support import ServerThread, add_admin, settings_for


@pytest.fixture
def hub(tmp_path, monkeypatch) -> Iterator[dict]:  # type: ignore[no-untyped-def]
    """The hub's address and admin password; the session file goes to a temporary config dir."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    app = create_app(settings_for(tmp_path, f"sqlite:///{tmp_path / 'hub.sqlite'}"))
    password = add_admin(app.state.hub, "root")
    with ServerThread(app) as server:
        yield {"url": server.url, "password": password, "app": app}
