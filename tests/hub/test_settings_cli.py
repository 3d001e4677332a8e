"""hub.toml rules and the ``kiosk-hub`` command line (create-admin, set-password, migrate)."""

from __future__ import annotations

import re
import tomllib

import pytest

from kiosk.core.errors import ConfigError
from kiosk.hub.cli import main
from kiosk.hub.config import HUB_DEFAULTS_FILE, load_hub_settings


def test_every_default_key_is_commented() -> None:
    lines = HUB_DEFAULTS_FILE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if re.match(r"^[a-z_]+\s*=", line):
            assert lines[number - 1].startswith("#"), f"hub.toml:{number + 1} has no comment"
    assert tomllib.loads(HUB_DEFAULTS_FILE.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[server]\nport = 'x'\n", ":2: server.port"),
        ("[server]\nprot = 80\n", ":2: server.prot: unknown key"),
        ("[security]\nargon2_memory_kib = 4096\n", ":2: security.argon2_memory_kib"),
        ("[security]\nargon2_time_cost = 1\n", ":2: security.argon2_time_cost"),
        (
            "[security]\ncookie_secure = false\n",
            ":2: security.cookie_secure: false is allowed only",
        ),
        ("[server]\ndevelopment = true\nhost = '0.0.0.0'\n", ":2: server.development"),
        ("[events]\ncross_instance = 'notify'\n", ":2: events.cross_instance"),
        ("[server\n", ": (syntax)"),
    ],
)
def test_bad_or_insecure_settings_name_file_line_and_key(tmp_path, text, where) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site.toml"
    site.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_hub_settings([site])
    assert f"{site}{where}" in err.value.user_message or where in err.value.user_message


def test_development_on_loopback_is_allowed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "dev.toml"
    site.write_text("[server]\ndevelopment = true\n[security]\ncookie_secure = false\n")
    assert load_hub_settings([site]).security.cookie_secure is False


def test_create_admin_once_then_set_password(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("KIOSK_HUB_DATA", str(tmp_path))
    assert main(["create-admin", "boss"]) == 0
    first = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    assert len(first) == 20
    assert main(["create-admin", "boss"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["create-admin", "other", "--if-none"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["set-password", "boss"]) == 0
    second = capsys.readouterr().out.rsplit(": ", 1)[1].strip()
    assert second != first
    assert main(["set-password", "ghost"]) == 2
    assert main(["migrate"]) == 0
    assert (tmp_path / "hub.sqlite").exists()


def test_bad_config_is_one_line_not_a_traceback(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    site = tmp_path / "site.toml"
    site.write_text("[database]\nurl = 'mysql://x'\n")
    assert main(["--config", str(site), "migrate"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("kiosk-hub: ") and err.count("\n") == 1 and "database.url" in err
