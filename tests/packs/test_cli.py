"""``kiosk-admin packs`` run as a real process: exit codes, output lines, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kiosk.packs.loader import BUNDLED_PACKS, load_packs

from .conftest import BROKEN, EXAMPLE, png_bytes

PROJECT = Path(__file__).resolve().parents[2]


def packs(*args: str, cwd: Path = PROJECT) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.admin.packs", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def test_lint_clean_pack_exits_0():
    result = packs("lint", str(EXAMPLE))
    assert result.returncode == 0
    assert result.stdout == "OK: 1 packs, 1 demos, 3 steps\n"


def test_lint_broken_packs_prints_every_problem_and_exits_1():
    result = packs("lint", "many-problems", "bad-target", cwd=BROKEN)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 7
    assert lines[0].startswith("bad-target/demos/demo.yaml:36: steps[2].target: no component")
    assert lines[-1].startswith("many-problems/pack.yaml:4: licence: unknown field")
    assert result.stderr == "7 problems found; the format is described in docs/packs.md\n"


def test_lint_missing_path_exits_1(tmp_path):
    result = packs("lint", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert result.stdout == f"{tmp_path / 'nowhere'}: folder not found; check the path\n"


def test_lint_empty_folder_exits_1(tmp_path):
    result = packs("lint", str(tmp_path))
    assert result.returncode == 1
    assert result.stdout == f"{tmp_path}: the folder is empty; a pack folder needs a pack.yaml\n"


def test_lint_binary_file_given_as_path_exits_1(tmp_path):
    picture = tmp_path / "photo.png"
    picture.write_bytes(png_bytes(4, 4))
    result = packs("lint", str(picture))
    assert result.returncode == 1
    assert "is a file; give a pack folder (the one with pack.yaml)" in result.stdout


def test_lint_invalid_yaml_manifest_exits_1(tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text("id: x\nlanguages: [fi\n", encoding="utf-8")
    result = packs("lint", "pack", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.startswith("pack/pack.yaml:3: not valid YAML:")


def test_list_json_of_example():
    result = packs("list", str(EXAMPLE), "--json")
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert [(r["id"], r["service"], r["title"], r["languages"], r["steps"]) for r in rows] == [
        ("example-renew-loan", "library", "Uusi laina", ["fi", "sv", "en"], 3)
    ]


def test_list_table_and_broken_pack_named_on_stderr():
    result = packs("list", str(EXAMPLE), str(BROKEN / "bad-target"))
    assert result.returncode == 1
    assert result.stdout.splitlines()[1].split() == [
        "example-renew-loan",
        "library",
        "Uusi",
        "laina",
        "fi,sv,en",
        "3",
    ]
    assert f"skipped {BROKEN / 'bad-target'}: run kiosk-admin packs lint" in result.stderr


def test_list_without_path_lists_bundled_packs():
    result = packs("list", "--json")
    loaded = load_packs([BUNDLED_PACKS])
    assert [row["id"] for row in json.loads(result.stdout)] == [d.id for d in loaded.demos]
    assert result.returncode == (1 if loaded.problems else 0)


def test_usage_error_is_argparse_not_traceback():
    result = packs("frobnicate")
    assert result.returncode == 2
    assert "usage:" in result.stderr
