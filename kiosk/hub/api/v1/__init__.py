"""``/api/v1``: thin routes over ``kiosk.hub.services``; authorization lives in ``deps``."""

from fastapi import APIRouter

from kiosk.hub.api.v1 import admin, assist, kiosk, staff


def build_router() -> APIRouter:
    router = APIRouter()
    router.include_router(kiosk.router)
    router.include_router(assist.router)
    router.include_router(staff.router)
    router.include_router(admin.router)
    return router
