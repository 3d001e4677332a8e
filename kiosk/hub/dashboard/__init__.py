"""The staff dashboard: server-rendered pages under ``/dashboard`` on top of ``/api/v1/staff``.

``install(app)`` mounts the pages and their static files; ``create_app`` calls it.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from kiosk.hub.dashboard.routes import HERE, PREFIX, build_router


def install(app: FastAPI) -> None:
    app.include_router(build_router())
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="dashboard-static")

    @app.get("/", include_in_schema=False)
    def _home() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)
