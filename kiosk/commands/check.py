"""``kiosk check [--json]``: the installer's self-test, one line per part.

Exit 0 only when every required part is OK. Optional parts (speech, card reader, hub link) are
reported as WARN when missing: the kiosk runs without them and shows the feature as unavailable.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from kiosk.config import Settings
from kiosk.core.checks import CheckResult, overall_ok


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("check", help="self-test for installers: one line per part")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser


def all_checks() -> list[Callable[[Settings], list[CheckResult]]]:
    """Every part's check, in the order an installer would fix them."""
    from kiosk.packs.check import check_content
    from kiosk.services.card.check import check_card
    from kiosk.services.hublink.check import check_hub
    from kiosk.services.speech_setup import check_speech
    from kiosk.ui import checks as ui_checks

    return [
        ui_checks.check_configuration,
        ui_checks.check_display,
        ui_checks.check_fonts,
        ui_checks.check_translations,
        check_content,
        check_speech,
        check_card,
        check_hub,
    ]


def run_checks(settings: Settings) -> list[CheckResult]:
    results: list[CheckResult] = []
    for check in all_checks():
        try:
            results.extend(check(settings))
        except Exception as exc:  # noqa: BLE001 - a broken check must not hide the others
            results.append(CheckResult(check.__name__, False, f"the check itself failed: {exc}"))
    return results


def run(args: argparse.Namespace, settings: Settings) -> int:
    results = run_checks(settings)
    if args.json:
        print(
            json.dumps(
                {"ok": overall_ok(results), "results": [r.as_dict() for r in results]},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for result in results:
            print(result.line())
    return 0 if overall_ok(results) else 1
