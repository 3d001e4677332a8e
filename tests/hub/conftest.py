"""Fixtures for hub tests: a hub on a real SQLite file or a real PostgreSQL, with a test clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kiosk.hub.app import create_app
from tests.hub.support import Clock, Driver, PgCluster, add_admin, settings_for


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    cluster = PgCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.sqlite'}"
    return request.getfixturevalue("pg_cluster").new_database()


@pytest.fixture
def sqlite_url(tmp_path) -> str:  # type: ignore[no-untyped-def]
    return f"sqlite:///{tmp_path / 'hub.sqlite'}"


def _driver(tmp_path, url: str, clock: Clock) -> Iterator[Driver]:  # type: ignore[no-untyped-def]
    app = create_app(settings_for(tmp_path, url), clock=clock)
    password = add_admin(app.state.hub)
    with TestClient(app, raise_server_exceptions=False) as client:
        driver = Driver(client)
        driver.passwords["admin"] = password
        driver.admin_token = driver.login("admin")
        yield driver


@pytest.fixture
def api(tmp_path, db_url: str, clock: Clock) -> Iterator[Driver]:  # type: ignore[no-untyped-def]
    """The API on SQLite and on PostgreSQL, logged in as an admin."""
    yield from _driver(tmp_path, db_url, clock)


@pytest.fixture
def lite(tmp_path, sqlite_url: str, clock: Clock) -> Iterator[Driver]:  # type: ignore[no-untyped-def]
    """The API on SQLite only (for the many small tests)."""
    yield from _driver(tmp_path, sqlite_url, clock)
