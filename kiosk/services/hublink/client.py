"""HubClient: the kiosk's calls to ``/api/v1`` over real HTTP (httpx), one per thread.

Every failure becomes one of three errors the link can act on:

- :class:`HubUnreachable`: no answer (down, network, timeout, 5xx, a garbled answer): retry later.
- :class:`TokenRefused`: 401, the kiosk's token is unknown or revoked: enrol again.
- :class:`HubRefused`: any other 4xx, with the hub's one-sentence ``detail``: do not retry as is.

httpx is imported when a client is made, not when this module is imported, so the kiosk's start
does not pay for it (the link makes its clients on its own worker threads).
"""

from __future__ import annotations

from typing import Any

import msgspec

from kiosk.core.errors import KioskError, ServiceUnavailable
from kiosk.services.hublink import wire

API = "/api/v1"


class HubUnreachable(ServiceUnavailable):
    """The hub did not answer usefully; try again later."""


class TokenRefused(KioskError):
    """The hub does not accept this kiosk's token (revoked, or enrolled with another hub)."""


class HubRefused(KioskError):
    """The hub answered 4xx (other than 401): ``status``, the hub's ``detail``, and for 429 the
    seconds of its ``Retry-After`` header (None when absent)."""

    def __init__(self, status: int, detail: str, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.retry_after = retry_after


class HubClient:
    """Calls to one hub. ``token`` is the kiosk's own (None only for :meth:`enrol`)."""

    def __init__(self, base_url: str, token: str | None, *, timeout: float) -> None:
        import httpx  # why here: see the module docstring

        self._httpx = httpx
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(
            base_url=base_url.rstrip("/") + API,
            headers=headers,
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
        )
        self.timeout = timeout

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HubClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- the calls ---------------------------------------------------------------------------
    def enrol(self, code: str, app_version: str) -> wire.EnrolOut:
        body = {"code": code, "app_version": app_version}
        return self._call("POST", "/enrol", wire.EnrolOut, json=body)

    def heartbeat(self, app_version: str, in_session: bool) -> wire.HeartbeatOut:
        body = {"app_version": app_version, "pack_versions": {}, "in_session": in_session}
        return self._call("POST", "/kiosk/heartbeat", wire.HeartbeatOut, json=body)

    def create_request(self, key: str, body: dict[str, Any]) -> wire.KioskRequestOut:
        """POST a help request with its idempotency key (a retry replays the first answer)."""
        return self._call(
            "POST",
            "/kiosk/requests",
            wire.KioskRequestOut,
            json=body,
            headers={"Idempotency-Key": key},
        )

    def get_request(self, request_id: int) -> wire.KioskRequestOut:
        return self._call("GET", f"/kiosk/requests/{request_id}", wire.KioskRequestOut)

    def cancel_request(self, request_id: int) -> wire.KioskRequestOut:
        return self._call("POST", f"/kiosk/requests/{request_id}/cancel", wire.KioskRequestOut)

    # -- assisted mode (kiosk.protocol.assist) -----------------------------------------------
    def assist_unlock(self, body: dict[str, Any]) -> wire.AssistUnlockOut:
        """Switch in a helper. A wrong PIN, number, card or code is a 401, which arrives here
        as :class:`TokenRefused` (the hub answers a revoked kiosk token the same way)."""
        return self._call("POST", "/kiosk/assist/unlock", wire.AssistUnlockOut, json=body)

    def assist_action(self, key: str, body: dict[str, Any]) -> wire.AssistActionOut:
        """Audit one action with its idempotency key (a retry replays the first answer)."""
        return self._call(
            "POST",
            "/kiosk/assist/actions",
            wire.AssistActionOut,
            json=body,
            headers={"Idempotency-Key": key},
        )

    def assist_claim(self, request_id: int, assist_id: int) -> None:
        self._call(
            "POST",
            f"/kiosk/assist/requests/{request_id}/claim",
            None,
            json={"assist_id": assist_id},
        )

    def assist_resolve(self, request_id: int, body: dict[str, Any]) -> None:
        self._call("POST", f"/kiosk/assist/requests/{request_id}/resolve", None, json=body)

    def events(self, after: int, wait: float) -> wire.KioskEventsOut:
        """Long poll: held by the hub up to ``wait`` s, so the read timeout allows for that."""
        timeout = self._httpx.Timeout(self.timeout, read=wait + self.timeout)
        return self._call(
            "GET",
            "/kiosk/events",
            wire.KioskEventsOut,
            params={"after": after, "wait": wait},
            timeout=timeout,
        )

    # -- one place for every failure ----------------------------------------------------------
    def _call(self, method: str, path: str, kind: type[Any] | None, **kwargs: Any) -> Any:
        try:
            answer = self._http.request(method, path, **kwargs)
        except self._httpx.HTTPError as exc:
            raise HubUnreachable(
                "The helper hub cannot be reached.", detail=f"{type(exc).__name__}: {exc}"
            ) from None
        if answer.status_code == 401:
            raise TokenRefused(
                "The hub refused this kiosk's token: enrol the kiosk again "
                "(kiosk enroll CODE --hub URL).",
                detail=_detail(answer.content),
            )
        if 400 <= answer.status_code < 500:
            retry = answer.headers.get("Retry-After", "")
            raise HubRefused(
                answer.status_code,
                _detail(answer.content),
                retry_after=int(retry) if retry.isdigit() else None,
            )
        if answer.status_code >= 300:
            raise HubUnreachable(
                f"The helper hub answered {answer.status_code}.", detail=_detail(answer.content)
            )
        if kind is None:
            return None  # the answer's body is not needed (claim, resolve)
        try:
            return wire.decode(answer.content, kind)
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            raise HubUnreachable(
                "The helper hub gave an answer the kiosk does not understand.", detail=str(exc)
            ) from None


def _detail(content: bytes) -> str:
    try:
        return wire.decode(content, wire.ErrorOut).detail
    except (msgspec.ValidationError, msgspec.DecodeError):
        return content[:200].decode("utf-8", "replace") or "(no detail)"
