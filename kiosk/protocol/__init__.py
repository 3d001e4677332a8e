"""The wire protocol of ``/api/v1``, shared by the kiosk and the hub: their only contract.

Pure pydantic: imports neither the web framework nor the database. ``docs/api.md`` lists every
endpoint with its auth, request and response model from here.
"""

from kiosk.protocol.common import API_PREFIX, IDEMPOTENCY_HEADER, REPLAY_HEADER, ErrorOut

__all__ = ["API_PREFIX", "IDEMPOTENCY_HEADER", "REPLAY_HEADER", "ErrorOut"]
