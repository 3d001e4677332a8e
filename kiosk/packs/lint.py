"""The admin's check of demo packs: everything the loader rejects, plus authoring rules.

On top of the loader (schema, languages, limits, targets, actions, images) lint reports demo
files the manifest does not list, "checked" dates in the future, web addresses that may be real
sites, and IBANs, RF references and identity codes whose check digits are wrong or which are not
clearly fake. It reports every problem at once, sorted by file and line, and never raises.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kiosk.packs.fakedata import address_problem, strings, text_problems
from kiosk.packs.loader import MANIFEST, PackReport, load_reports, pack_folders
from kiosk.packs.problems import Problem, sort_problems
from kiosk.packs.yamlpos import Parsed, dotted


def lint_paths(paths: list[Path], today: date) -> tuple[list[PackReport], list[Problem]]:
    """Lint each path: a pack folder, a folder of packs, or a pack's ``pack.yaml``.

    Returns the per-pack reports and every problem, sorted by file and line.
    """
    folders: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    for path in paths:
        found, trouble = _folders_of(path)
        folders.extend(found)
        problems.extend(trouble)
    reports = load_reports(folders)
    for report in reports:
        problems.extend(report.problems)
        problems.extend(_authoring_problems(report, today))
    return reports, sort_problems(problems)


def _folders_of(path: Path) -> tuple[list[tuple[Path, str]], list[Problem]]:
    display = str(path)
    if path.is_file() and path.name == MANIFEST:
        parent = str(path.parent) if str(path.parent) != "." else "."
        return [(path.parent, parent)], []
    if path.is_dir() and (path / MANIFEST).is_file():
        return [(path, display.rstrip("/") or "/")], []
    if path.is_file():
        return [], [
            Problem(display, 0, "", "is a file; give a pack folder (the one with pack.yaml)")
        ]
    if path.is_dir() and not any(path.iterdir()):
        return [], [Problem(display, 0, "", "the folder is empty; a pack folder needs a pack.yaml")]
    return pack_folders(Path(display.rstrip("/") or "/"))


def _authoring_problems(report: PackReport, today: date) -> list[Problem]:
    problems = _unlisted_demos(report)
    for name, parsed in report.files.items():
        if name.endswith(f"/{MANIFEST}"):
            problems.extend(_checked_dates(name, parsed, today))
        else:
            problems.extend(_fake_data(name, parsed))
    return problems


def _unlisted_demos(report: PackReport) -> list[Problem]:
    listed = report.listed
    folder = report.folder / "demos"
    if not folder.is_dir():
        return []
    return [
        Problem(
            f"{report.display}/demos/{path.name}",
            0,
            "",
            "not listed under demos in pack.yaml; add it there or remove the file",
        )
        for path in sorted(folder.iterdir())
        if path.suffix in (".yaml", ".yml") and f"{report.display}/demos/{path.name}" not in listed
    ]


def _checked_dates(name: str, parsed: Parsed, today: date) -> list[Problem]:
    refs = parsed.data.get("demos") if isinstance(parsed.data, dict) else None
    problems = []
    for index, ref in enumerate(refs if isinstance(refs, list) else []):
        checked = ref.get("checked") if isinstance(ref, dict) else None
        if isinstance(checked, date) and checked > today:
            loc = ("demos", index, "checked")
            problems.append(
                Problem(name, parsed.line_of(loc), dotted(loc), f"{checked} is in the future")
            )
    return problems


def _fake_data(name: str, parsed: Parsed) -> list[Problem]:
    problems: list[Problem] = []
    for loc, text in strings(parsed.data):
        if loc and loc[-1] == "pattern":
            continue  # a regular expression, not data shown to the visitor
        messages = text_problems(text)
        if loc and loc[-1] == "address":
            messages += [m for m in [address_problem(text)] if m]
        problems.extend(Problem(name, parsed.line_of(loc), dotted(loc), m) for m in messages)
    return problems
