"""The demo packs' lines of ``kiosk check``: what loaded, and each pack that was skipped and why.

A broken pack never stops the kiosk (the other demos stay available), so a skipped pack is a
warning; only when no demo at all can be shown is the line a failure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.core.checks import CheckResult
from kiosk.packs.loader import BUNDLED_PACKS, load_reports, pack_folders

#: How many problems of a skipped pack the check line shows; lint shows them all.
SHOWN_PROBLEMS = 3


def content_dirs(settings: Any, bundled: Path = BUNDLED_PACKS) -> list[Path]:
    """The folders of packs the settings ask for: the bundled folder, then ``pack_dirs``."""
    dirs = [bundled] if settings.content.bundled_packs else []
    return dirs + [Path(d) for d in settings.content.pack_dirs]


def check_content(settings: Any, bundled: Path = BUNDLED_PACKS) -> list[CheckResult]:
    """One OK line with the count of packs and demos, or a line per skipped pack or folder."""
    results: list[CheckResult] = []
    folders = []
    for folder in content_dirs(settings, bundled):
        found, problems = pack_folders(folder)
        folders.extend(found)
        for problem in problems:
            results.append(CheckResult(f"demo packs {problem.file}", False, problem.message, False))
    reports = load_reports(folders)
    for report in reports:
        if report.problems:
            shown = "; ".join(str(p) for p in report.problems[:SHOWN_PROBLEMS])
            more = len(report.problems) - SHOWN_PROBLEMS
            extra = f" (and {more} more)" if more > 0 else ""
            message = (
                f"{'skipped' if report.pack is None else 'partly loaded'}: {shown}{extra}; "
                f"run kiosk-admin packs lint {report.display}"
            )
            results.append(CheckResult(f"demo pack {report.display}", False, message, False))
    packs = [r.pack for r in reports if r.pack is not None]
    demos = sum(len(p.demos) for p in packs)
    ok = demos > 0
    summary = f"{len(packs)} packs with {demos} demos loaded" if ok else "no demos can be shown"
    results.insert(0, CheckResult("demo packs", ok, summary, True))
    return results
