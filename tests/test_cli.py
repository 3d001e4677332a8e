"""The ``kiosk`` program from the outside: help, screenshots, the self-test, bad settings."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys

import pytest

from kiosk.cli import main
from kiosk.ui.screen_names import SCREEN_NAMES


def kiosk(*args, env=None):
    full_env = {**os.environ, "KIVY_NO_CONSOLELOG": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "kiosk", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=full_env,
    )


def png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_help_lists_every_subcommand():
    out = kiosk("--help")
    assert out.returncode == 0
    for command in ("run", "screenshot", "check"):
        assert command in out.stdout


def test_kivy_command_line_options_are_not_accepted():
    with pytest.raises(SystemExit) as exit_:
        main(["-m", "inspector"])
    assert exit_.value.code == 2
    assert os.environ["KIVY_NO_ARGS"] == "1"


@pytest.mark.widget
def test_screenshot_writes_a_png_of_the_requested_size(tmp_path):
    out = tmp_path / "shots" / "home.png"
    result = kiosk(
        "screenshot",
        str(out),
        "--screen",
        "settings",
        "--lang",
        "sv",
        "--text-size",
        "200",
        "--contrast",
        "high",
        "--size",
        "1024x768",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert png_size(out) == (1024, 768)


def test_screenshot_of_an_unknown_screen_lists_the_known_ones(tmp_path):
    result = kiosk("screenshot", str(tmp_path / "x.png"), "--screen", "nowhere")
    assert result.returncode != 0
    assert "unknown screen 'nowhere'" in result.stderr
    for name in SCREEN_NAMES:
        assert name in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_bad_site_settings_stop_start_up_with_one_line(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text("[session]\nidle_seconds = 5\n")
    result = kiosk("--config", str(site), "check")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"kiosk: {site}:2: session.idle_seconds: must be a whole number from 30 to 3600 (got 5)"
    ]


def test_check_reports_each_part_and_passes_here():
    result = kiosk("check", "--json")
    report = json.loads(result.stdout)
    names = [r["name"] for r in report["results"]]
    for part in ("configuration", "display", "fonts", "translations"):
        assert part in names
    assert report["ok"] is True, report
    assert result.returncode == 0


def test_check_fails_and_says_how_to_fix_a_broken_display():
    # A video driver that does not exist stands in for a kiosk without its GL packages.
    result = kiosk("check", env={"SDL_VIDEODRIVER": "nosuchdriver"})
    assert result.returncode == 1
    display = [line for line in result.stdout.splitlines() if " display:" in line]
    assert display and display[0].startswith("FAIL display: the window cannot open")
