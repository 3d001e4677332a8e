"""Benchmark: load and validate all bundled demo packs, against the raw YAML parse as the floor.

Prints the median of N runs of ``load_packs`` (what the kiosk does at start), of ``lint_paths``
(what ``kiosk-admin packs lint`` does), and of parsing the same files with PyYAML alone (libyaml,
the floor no validating loader can beat), with the ratios.
Run: ``python -m tests.bench.bench_packs``.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import yaml

from kiosk.packs.lint import lint_paths
from kiosk.packs.loader import BUNDLED_PACKS, load_packs

RUNS = 15
EXAMPLE = Path(__file__).resolve().parents[1] / "packs" / "example"


def _median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm up: imports, regex and schema caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _pack_root() -> Path:
    """The bundled packs folder, or a folder holding the example pack while it is empty."""
    if any(BUNDLED_PACKS.glob("*/pack.yaml")):
        return BUNDLED_PACKS
    print("note: assets/packs/ holds no packs yet; measuring the example pack instead")
    return EXAMPLE.parent


def main(runs: int = RUNS) -> int:
    root = _pack_root()
    dirs = [root]
    result = load_packs(dirs)
    if root == EXAMPLE.parent:
        result.packs = [p for p in result.packs if p.root == EXAMPLE]
    files = sorted(root.glob("*/pack.yaml")) + sorted(root.glob("*/demos/*.yaml"))
    if root == EXAMPLE.parent:
        files = sorted(EXAMPLE.rglob("*.yaml"))
    size = sum(f.stat().st_size for f in files)
    steps = sum(len(d.steps) for d in result.demos)
    print(
        f"packs: {len(result.packs)} packs, {len(result.demos)} demos, {steps} steps, "
        f"{len(files)} YAML files, {size / 1024:.0f} KiB; problems: {len(result.problems)}"
    )
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    floor = _median_ms(lambda: [yaml.load(f.read_bytes(), Loader=loader) for f in files], runs)
    pure_runs = max(3, runs // 5)  # ~10x slower; fewer runs keep the bench short
    pure = _median_ms(
        lambda: [yaml.load(f.read_bytes(), Loader=yaml.SafeLoader) for f in files], pure_runs
    )
    load = _median_ms(lambda: load_packs(dirs), runs)
    lint = _median_ms(lambda: lint_paths(dirs, date.today()), runs)
    print(f"raw YAML parse (libyaml, floor):  {floor:8.1f} ms median of {runs}")
    print(f"raw YAML parse (pure Python):     {pure:8.1f} ms median of {pure_runs}")
    print(f"load_packs (parse + validate):    {load:8.1f} ms  = {load / floor:.1f}x the floor")
    print(f"lint_paths (load + authoring):    {lint:8.1f} ms  = {lint / floor:.1f}x the floor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
