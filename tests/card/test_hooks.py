"""Site hooks: commands and Python functions, their environment, failures, hangs and the limit."""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time

import pytest

from kiosk.core.errors import ConfigError
from kiosk.services.card.events import CardInserted, CardRemoved, ReaderAdded
from kiosk.services.card.hooks import Hook, HookRunner, hook_environment
from kiosk.services.card.service import create_card_reader

from .conftest import card_settings
from .vicc import VirtualCard

STAFF = CardInserted("R1", "3B00", "staff_card", "04A1B2C3")
ID = CardInserted("R1", "3B7F", "id_card")
DUMP_ENV = "import json, os, sys; json.dump({k: v for k, v in os.environ.items() if k.startswith('KIOSK_CARD')}, open(sys.argv[1], 'w'))"  # noqa: E501


def _runner(*hooks: Hook, timeout: float = 5.0, staff_uid: bool = False, **kw) -> HookRunner:
    return HookRunner(list(hooks), timeout=timeout, staff_uid=staff_uid, **kw)


def _dump(path) -> Hook:
    return Hook(("inserted", "removed"), (), argv=(sys.executable, "-c", DUMP_ENV, str(path)))


def test_command_gets_event_kind_and_reader_but_no_uid_by_default(tmp_path):
    out = tmp_path / "env.json"
    runner = _runner(_dump(out))
    runner(STAFF)
    assert runner.wait_idle(10)
    assert json.loads(out.read_text()) == {
        "KIOSK_CARD_EVENT": "inserted",
        "KIOSK_CARD_KIND": "staff_card",
        "KIOSK_CARD_READER": "R1",
    }


def test_staff_uid_only_when_the_site_opts_in_and_only_for_staff_cards(tmp_path):
    assert hook_environment(STAFF, "staff_card", True)["KIOSK_CARD_UID"] == "04A1B2C3"
    sneaky = CardInserted("R1", "3B00", "id_card", "04A1B2C3")  # a UID where none may be
    assert "KIOSK_CARD_UID" not in hook_environment(sneaky, "id_card", True)
    assert "KIOSK_CARD_UID" not in hook_environment(STAFF, "staff_card", False)
    out = tmp_path / "env.json"
    runner = _runner(_dump(out), staff_uid=True)
    runner(STAFF)
    assert runner.wait_idle(10)
    assert json.loads(out.read_text())["KIOSK_CARD_UID"] == "04A1B2C3"


def test_removal_carries_the_kind_of_the_card_that_left(tmp_path):
    out = tmp_path / "env.json"
    runner = _runner(_dump(out))
    runner(ID)
    runner.wait_idle(10)
    runner(CardRemoved("R1"))
    runner.wait_idle(10)
    assert json.loads(out.read_text())["KIOSK_CARD_KIND"] == "id_card"


def test_events_and_kinds_select_hooks():
    calls = []
    resolve = {"m:f": calls.append}.__getitem__
    runner = _runner(
        Hook(("inserted",), ("staff_card",), entry_point="m:f"),
        Hook(("reader_added",), ("staff_card",), entry_point="m:f"),  # kinds ignored for readers
        resolve=resolve,
    )
    for event in (ID, STAFF, CardRemoved("R1"), ReaderAdded("R2")):
        runner(event)
    assert runner.wait_idle(5)
    assert sorted(map(repr, calls)) == sorted(
        map(repr, [CardInserted("R1", "3B00", "staff_card", None), ReaderAdded("R2")])
    ), "staff UID must be hidden from Python hooks unless opted in"


def test_failing_and_hanging_commands_are_logged_and_killed(tmp_path, caplog):
    pid_file = tmp_path / "pid"
    hang = f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    runner = _runner(
        Hook(
            ("inserted",), (), argv=(sys.executable, "-c", "print('no door'); raise SystemExit(3)")
        ),
        Hook(("inserted",), (), argv=(sys.executable, "-c", hang)),
        Hook(("inserted",), (), argv=("/nonexistent/hook",)),
        timeout=1.0,
    )
    caplog.set_level(logging.INFO, "kiosk.card.hooks")
    began = time.monotonic()
    runner(ID)
    handed_over = time.monotonic() - began
    assert handed_over < 0.2, "starting hooks must not wait for them"
    assert runner.wait_idle(10)
    text = caplog.text
    assert "exited with 3: no door" in text
    assert "killed after 1.0 s" in text
    assert "cannot start" in text
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_failing_and_hanging_python_hooks_are_logged(caplog):
    release = threading.Event()

    def boom(event):
        raise RuntimeError("hook bug")

    functions = {"m:boom": boom, "m:hang": lambda e: release.wait(30)}
    runner = _runner(
        Hook(("inserted",), (), entry_point="m:boom"),
        Hook(("inserted",), (), entry_point="m:hang"),
        Hook(("inserted",), (), entry_point="no.such.module:f"),
        timeout=0.3,
        resolve=lambda spec: functions[spec] if spec in functions else _import_fail(spec),
    )
    caplog.set_level(logging.INFO, "kiosk.card.hooks")
    runner(ID)
    assert runner.wait_idle(5)
    release.set()
    assert "card hook m:boom failed" in caplog.text and "hook bug" in caplog.text
    assert "card hook m:hang still running after 0.3 s; abandoned" in caplog.text
    assert "card hook no.such.module:f failed" in caplog.text


def _import_fail(spec):
    raise ImportError(f"No module named {spec.split(':')[0]!r}")


def test_hung_hooks_cannot_pile_up(caplog):
    release = threading.Event()
    runner = _runner(
        Hook(("inserted",), (), entry_point="m:hang"),
        timeout=5,
        max_running=2,
        resolve=lambda spec: lambda e: release.wait(30),
    )
    caplog.set_level(logging.INFO, "kiosk.card.hooks")
    for _ in range(3):
        runner(ID)
    assert "skipped: too many hooks are still running" in caplog.text
    release.set()
    assert runner.wait_idle(10)


def test_real_entry_point_is_imported_and_called(tmp_path, monkeypatch):
    module = tmp_path / "site_hooks.py"
    module.write_text("SEEN = []\ndef on_card(event):\n    SEEN.append(event)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    runner = _runner(Hook(("inserted",), ("id_card",), entry_point="site_hooks:on_card"))
    runner(ID)
    assert runner.wait_idle(5)
    import site_hooks  # noqa: PLC0415 - made by this test

    assert site_hooks.SEEN == [ID]


def test_hook_settings_are_validated():
    with pytest.raises(ConfigError, match="card.python_hooks"):
        card_settings(python_hooks=[{"events": ["inserted"], "kinds": [], "entry_point": "x y"}])
    with pytest.raises(ConfigError, match="card.command_hooks"):
        card_settings(
            command_hooks=[{"events": ["inserted"], "kinds": ["library_card"], "argv": ["x"]}]
        )
    with pytest.raises(ConfigError, match="missing"):
        card_settings(command_hooks=[{"events": ["inserted"], "argv": ["x"]}])


@pytest.mark.card
def test_slow_and_failing_hooks_never_delay_card_events(running_pcscd, recorder, tmp_path, caplog):
    """With the real reader: a hook that hangs and one that fails; events still arrive on time."""
    settings = card_settings(
        hook_timeout_seconds=1.5,
        command_hooks=[
            {"events": ["inserted", "removed"], "kinds": [], "argv": ["sleep", "30"]},
            {"events": ["inserted"], "kinds": ["id_card"], "argv": ["false"]},
        ],
    )
    caplog.set_level(logging.INFO, "kiosk.card.hooks")
    reader = create_card_reader(settings)
    reader.start(recorder)
    card = VirtualCard("3B 7F 96 00 00 80 31 B8 65 B0 85 04 02 1B 12 00 F6 82 90 00")
    try:
        recorder.wait_for(ReaderAdded)
        card.insert()
        recorder.wait_for(CardInserted)
        removed_at = card.remove()
        at, _ = recorder.wait_for(CardRemoved)
        assert at - removed_at < 1.0, "the removal waited for a hanging hook"
        assert reader.hooks.wait_idle(10)
    finally:
        card.remove()
        reader.stop()
    assert caplog.text.count("card hook sleep killed after 1.5 s") == 2
    assert "card hook false exited with 1" in caplog.text
