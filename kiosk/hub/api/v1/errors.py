"""The API's error boundary: every failure becomes JSON ``ErrorOut`` with a plain ``detail``."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from kiosk.hub.errors import HubError, Unauthorized
from kiosk.protocol.common import ErrorOut, FieldErrorOut

log = logging.getLogger(__name__)


def _answer(
    status: int,
    detail: str,
    errors: list[FieldErrorOut] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorOut(detail=detail, errors=errors or [])
    headers = dict(headers or {})
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers or None)


def _field(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "(request)"


def _problem(err: dict) -> str:
    if err.get("type") == "extra_forbidden":
        return "unknown field; remove it or check its spelling"
    if err.get("type") == "missing":
        return "missing; this field is required"
    if err.get("type") == "json_invalid":
        return "the body is not valid JSON"
    return str(err.get("msg", "invalid value")).removeprefix("Value error, ")


def install(app: FastAPI) -> None:
    @app.exception_handler(HubError)
    async def _hub_error(_: Request, exc: HubError) -> JSONResponse:
        return _answer(exc.status, exc.user_message, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [FieldErrorOut(field=_field(e["loc"]), problem=_problem(e)) for e in exc.errors()]
        first = errors[0] if errors else FieldErrorOut(field="(request)", problem="invalid")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return _answer(422, f"Invalid request: {first.field}: {first.problem}{more}.", errors)

    @app.exception_handler(HTTPException)
    async def _http(_: Request, exc: HTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "Request not accepted."
        if exc.status_code == 404 and detail == "Not Found":
            detail = "No such endpoint; see /api/v1/openapi.json."
        if exc.status_code == 405:
            detail = "This endpoint does not accept this method; see /api/v1/openapi.json."
        return _answer(exc.status_code, detail)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return _answer(500, "The hub met an unexpected error; it has been logged.")


__all__ = ["install", "Unauthorized"]
