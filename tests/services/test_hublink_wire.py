"""The link's small msgspec mirrors against the contract (kiosk.protocol, pydantic), and what the
link may import."""

from __future__ import annotations

import subprocess
import sys
import typing

import msgspec
import pytest

from kiosk.protocol import assist as assist_contract
from kiosk.protocol import kiosk as contract
from kiosk.services.hublink import wire
from kiosk.services.hublink.outbox import CONTEXT_FIELDS

MIRRORS = [
    (wire.EnrolOut, contract.EnrolOut),
    (wire.HeartbeatOut, contract.HeartbeatOut),
    (wire.QuickMessageOut, contract.QuickMessageOut),
    (wire.KioskRequestOut, contract.KioskRequestOut),
    (wire.KioskEventOut, contract.KioskEventOut),
    (wire.KioskEventsOut, contract.KioskEventsOut),
    (wire.AssistUnlockOut, assist_contract.AssistUnlockOut),
    (wire.AssistActionOut, assist_contract.AssistActionOut),
]


@pytest.mark.parametrize(("mirror", "model"), MIRRORS, ids=lambda c: c.__name__)
def test_every_mirrored_field_is_in_the_contract(mirror, model):
    for name in mirror.__struct_fields__:
        assert name in model.model_fields, f"{mirror.__name__}.{name} is not in the contract"
        field = model.model_fields[name]
        optional_here = type(None) in typing.get_args(typing.get_type_hints(mirror)[name])
        optional_there = not field.is_required() or type(None) in typing.get_args(field.annotation)
        assert optional_here or not optional_there, f"{name}: the hub may leave it out"


def test_an_answer_made_by_the_contract_decodes_with_the_mirror():
    from datetime import UTC, datetime

    out = contract.KioskRequestOut(
        id=4,
        state="claimed",
        position=None,
        expected_wait_seconds=None,
        helper_name="Anna",
        escalated=False,
        last_message=contract.QuickMessageOut(key="k", text={"fi": "Tulen"}),
        created_at=datetime.now(UTC),
        claimed_at=datetime.now(UTC),
        resolved_at=None,
        cancelled_at=None,
        expired_at=None,
    )
    got = wire.decode(out.model_dump_json().encode(), wire.KioskRequestOut)
    assert (got.id, got.helper_name, got.last_message.text) == (4, "Anna", {"fi": "Tulen"})
    with pytest.raises(msgspec.ValidationError):
        wire.decode(b'{"id": "four"}', wire.KioskRequestOut)


def test_the_outbox_body_is_a_valid_request_and_nothing_more():
    body = {
        "language": "sv",
        "text_size": 200,
        "read_aloud": True,
        "demo": "kela",
        "step": "3",
        "stuck_seconds": 40,
        "topic": "own_device",
        "outbox_seconds": 12,
    }
    assert set(body) - {"outbox_seconds"} == set(CONTEXT_FIELDS)
    contract.HelpRequestIn.model_validate(body)
    assert set(contract.HelpRequestIn.model_fields) == set(body)


def test_the_link_imports_neither_kivy_nor_pydantic_nor_httpx_until_it_runs():
    code = (
        "import sys; import kiosk.services.hublink.link, kiosk.services.hublink.check;"
        "print(sorted(m for m in ('kivy', 'pydantic', 'httpx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
