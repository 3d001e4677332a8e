"""``kiosk-admin packs``: check demo packs (``lint``) and list their demos (``list``).

``lint PATH...`` prints every problem as ``FILE:LINE: field.path: message`` and exits 0 when all
packs are clean, 1 when not. ``list [PATH...] [--json]`` lists the demos of the packs (the
bundled ones without PATH). A PATH is a pack folder, a folder of packs, or a pack's pack.yaml.
Neither command ever shows a traceback: this module is the error boundary of both.

Run standalone with ``python -m kiosk.admin.packs lint PATH``.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from kiosk.packs.lint import lint_paths
from kiosk.packs.loader import BUNDLED_PACKS as BUNDLED
from kiosk.packs.models import Demo, Pack


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``packs`` command (with ``lint`` and ``list``) and return its parser."""
    parser = subparsers.add_parser(
        "packs", help="check and list demo packs", description=__doc__.split("\n\n")[0]
    )
    _fill(parser)
    return parser


def _fill(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="packs_command", metavar="lint|list", required=True)
    lint = sub.add_parser(
        "lint", help="check packs; print every problem as FILE:LINE: field: message"
    )
    lint.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="pack folder(s)")
    listing = sub.add_parser("list", help="list the demos of packs (the bundled ones by default)")
    listing.add_argument("paths", nargs="*", type=Path, metavar="PATH", help="pack folder(s)")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")


def run(args: argparse.Namespace) -> int:
    """Run ``packs lint`` or ``packs list``; returns the exit code (0 ok, 1 problems, 2 bug)."""
    try:
        if args.packs_command == "lint":
            return _lint(args.paths)
        return _list(args.paths or [BUNDLED], as_json=args.json)
    except Exception as exc:  # noqa: BLE001 - the boundary: a bug must not print a traceback
        print(
            f"kiosk-admin packs: internal error ({type(exc).__name__}: {exc}); "
            "please report it with the pack that caused it",
            file=sys.stderr,
        )
        return 2


def _lint(paths: list[Path]) -> int:
    reports, problems = lint_paths(paths, date.today())
    for problem in problems:
        print(problem)
    packs = [r.pack for r in reports if r.pack is not None]
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        print(
            f"{len(problems)} {noun} found; the format is described in docs/packs.md",
            file=sys.stderr,
        )
        return 1
    demos = sum(len(p.demos) for p in packs)
    steps = sum(len(d.steps) for p in packs for d in p.demos)
    print(f"OK: {len(packs)} packs, {demos} demos, {steps} steps")
    return 0


def _list(paths: list[Path], as_json: bool) -> int:
    reports, problems = lint_paths(paths, date.today())
    packs = [r.pack for r in reports if r.pack is not None]
    rows = [_row(pack, demo) for pack in packs for demo in pack.demos]
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        _table(rows)
    broken = [r for r in reports if r.pack is None]
    for report in broken:
        print(
            f"skipped {report.display}: run kiosk-admin packs lint {report.display}",
            file=sys.stderr,
        )
    if not reports:
        for problem in problems:
            print(problem, file=sys.stderr)
    return 1 if broken or not reports else 0


def _row(pack: Pack, demo: Demo) -> dict[str, Any]:
    lang = "fi" if "fi" in pack.languages else pack.languages[0]
    return {
        "id": demo.id,
        "pack": pack.id,
        "service": demo.service,
        "title": demo.title.get(lang),
        "languages": list(pack.languages),
        "steps": len(demo.steps),
        "level": demo.level,
        "minutes": demo.minutes,
        "checked": demo.checked.isoformat(),
    }


def _table(rows: list[dict[str, Any]]) -> None:
    header = ("ID", "SERVICE", "TITLE", "LANGUAGES", "STEPS")
    lines = [header] + [
        (r["id"], r["service"], r["title"], ",".join(r["languages"]), str(r["steps"])) for r in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header) - 1)]
    for line in lines:
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        print("  ".join([*cells, line[-1]]).rstrip())


def main(argv: list[str] | None = None) -> int:
    """Standalone entry point: ``python -m kiosk.admin.packs lint PATH``."""
    parser = argparse.ArgumentParser(prog="kiosk-admin packs", description=__doc__.split("\n\n")[0])
    _fill(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
