"""Settings: one source of defaults, and a bad site file stops start-up with one clear line."""

import tomllib

import msgspec
import pytest

from kiosk.config import DEFAULTS_FILE, Settings, load_settings
from kiosk.core.errors import ConfigError


def write(tmp_path, text):
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_file_sets_every_key_and_the_code_has_no_defaults():
    data = tomllib.loads(DEFAULTS_FILE.read_text(encoding="utf-8"))
    sections = msgspec.structs.fields(Settings)
    assert {f.name for f in sections} == set(data)
    for section in sections:
        fields = msgspec.structs.fields(section.type)
        assert set(data[section.name]) == {f.name for f in fields}, section.name
        for field in fields:
            assert field.required, f"{section.name}.{field.name} has a default in code"


def test_every_default_key_has_a_comment_above_it():
    lines = DEFAULTS_FILE.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            assert lines[i - 1].startswith("#"), f"line {i + 1} has no comment: {line}"


def test_site_file_overlays_only_what_it_names(tmp_path):
    site = write(tmp_path, "[session]\nidle_seconds = 120\n")
    s = load_settings([site])
    assert s.session.idle_seconds == 120
    assert s.session.warning_seconds == 30


@pytest.mark.parametrize(
    "text,key,line,words",
    [
        ("[session]\nidle_secs = 120\n", "session.idle_secs", 2, "unknown key"),
        (
            "[session]\n\nwarning_seconds = 5\n",
            "session.warning_seconds",
            3,
            "must be a whole number from 20 to 300 (got 5)",
        ),
        ('[visitor]\ntext_size = "big"\n', "visitor.text_size", 2, "100, 150, 200 (got 'big')"),
        ("[visitor]\nhigh_contrast = 1\n", "visitor.high_contrast", 2, "must be true or false"),
        ('[visitor]\ndefault_language = "de"\n', "visitor.default_language", 2, '"fi", "se", "sv"'),
        ("[display]\nwindow_size = [800]\n", "display.window_size", 2, "of exactly 2 items"),
        (
            '[card]\ncommand_hooks = [{ events = ["inserted"], kinds = [], argv = "x" }]\n',
            "card.command_hooks.argv",
            2,
            "must be a list",
        ),
        ("[wifi]\nssid = 1\n", "wifi", 1, "unknown key"),
        ('[visitor]\nlanguages = ["sv"]\n', "visitor", 1, "default_language must be one of"),
    ],
)
def test_bad_values_name_file_line_key_and_what_is_allowed(tmp_path, text, key, line, words):
    site = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings([site])
    message = err.value.user_message
    assert message.startswith(f"{site}:{line}: {key}: "), message
    assert words in message
    assert "\n" not in message


def test_syntax_error_names_the_line(tmp_path):
    site = write(tmp_path, "[session]\nidle_seconds = = 3\n")
    with pytest.raises(ConfigError) as err:
        load_settings([site])
    assert err.value.user_message.startswith(f"{site}:2: (syntax): not valid TOML")


def test_missing_file_says_so(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_settings([tmp_path / "nope.toml"])
