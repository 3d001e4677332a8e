"""The demo packs' lines of ``kiosk check``."""

from __future__ import annotations

import shutil
from pathlib import Path

from kiosk.config import load_settings
from kiosk.packs.check import check_content, content_dirs
from kiosk.packs.loader import BUNDLED_PACKS

from .conftest import BROKEN


def settings_for(tmp_path: Path, bundled: bool, dirs: list[Path]):
    site = tmp_path / "site.toml"
    listed = ", ".join(f'"{d}"' for d in dirs)
    site.write_text(f"[content]\nbundled_packs = {str(bundled).lower()}\npack_dirs = [{listed}]\n")
    return load_settings([site])


def test_dirs_follow_the_settings(tmp_path):
    settings = settings_for(tmp_path, True, [tmp_path / "more"])
    assert content_dirs(settings) == [BUNDLED_PACKS, tmp_path / "more"]
    assert content_dirs(settings_for(tmp_path, False, [])) == []


def test_ok_line_counts_packs_and_demos(tmp_path, example_copy):
    results = check_content(settings_for(tmp_path, False, [example_copy.parent]))
    assert [r.line() for r in results] == ["OK   demo packs: 1 packs with 1 demos loaded"]


def test_skipped_pack_is_a_warning_with_the_lint_command(tmp_path, example_copy):
    shutil.copytree(BROKEN / "bad-target", example_copy.parent / "bad-target")
    results = check_content(settings_for(tmp_path, False, [example_copy.parent]))
    assert results[0].ok and results[0].message == "1 packs with 1 demos loaded"
    folder = example_copy.parent / "bad-target"
    assert [(r.name, r.ok, r.required) for r in results[1:]] == [
        (f"demo pack {folder}", False, False)
    ]
    assert results[1].message == (
        f"skipped: {folder}/demos/demo.yaml:36: steps[2].target: no component 'contnue' on this "
        f"step's screen (ids: name, when, next); run kiosk-admin packs lint {folder}"
    )


def test_no_demos_at_all_fails(tmp_path):
    results = check_content(settings_for(tmp_path, False, [tmp_path / "missing"]))
    assert [r.line() for r in results] == [
        "FAIL demo packs: no demos can be shown",
        f"WARN demo packs {tmp_path / 'missing'}: folder not found; check the path",
    ]
    many = check_content(settings_for(tmp_path, False, [BROKEN]))
    assert any("(and 3 more)" in r.message for r in many)
