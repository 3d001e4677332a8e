"""``kiosk assist hash-code``: the emergency code in, its argon2id hash out, never the code."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from kiosk.commands.assist import read_code
from kiosk.config import load_settings
from kiosk.core.errors import KioskError
from kiosk.services.hublink.assist import verify_code


def test_typed_twice_without_echo():
    answers = iter(["20242024", "20242024"])
    assert read_code(prompt=lambda _p: next(answers), interactive=True) == "20242024"
    answers = iter(["20242024", "20242025"])
    with pytest.raises(KioskError, match="differ"):
        read_code(prompt=lambda _p: next(answers), interactive=True)


@pytest.mark.parametrize("code", ["12345", "12ab5678", "1" * 17, ""])
def test_only_6_to_16_digits(code):
    with pytest.raises(KioskError, match="6 to 16 digits"):
        read_code(interactive=False, stdin=io.StringIO(code + "\n"))


def test_the_command_prints_a_hash_that_the_settings_take_and_the_kiosk_verifies(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "kiosk", "assist", "hash-code"],
        input="31415926\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    code_hash = out.stdout.strip()
    assert code_hash.startswith("$argon2id$") and "31415926" not in out.stdout + out.stderr
    assert verify_code(code_hash, "31415926") and not verify_code(code_hash, "31415927")
    site = tmp_path / "site.toml"
    site.write_text(f'[assist]\nemergency_code_hash = "{code_hash}"\n')
    assert load_settings([site]).assist.emergency_code_hash == code_hash


def test_a_plain_code_in_the_settings_is_refused(tmp_path):
    from kiosk.core.errors import ConfigError

    site = tmp_path / "site.toml"
    site.write_text('[assist]\nemergency_code_hash = "31415926"\n')
    with pytest.raises(ConfigError, match="argon2id"):
        load_settings([site])
