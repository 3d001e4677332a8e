"""Benchmark: card insert -> the kiosk card service's CardInserted, against pyscard alone.

Both listen to the same real pcscd at the same time: the kiosk's service (built from settings as
the app builds it) and a bare pyscard ``CardMonitor``. A pure-Python card connects to the vpcd
virtual reader N times; for each insert we take the time from connecting to each listener's
event. pcscd polls vpcd, so both absolute figures include that poll; the paired difference is
what the kiosk's service adds. Goal: p95 of the difference within 50 ms.

Run: ``python -m tests.bench.bench_card [N]`` as root (it starts and stops pcscd itself).
"""

from __future__ import annotations

import contextlib
import io
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from smartcard.CardMonitoring import CardMonitor, CardObserver

from kiosk.config import load_settings
from kiosk.services.card.events import CardInserted, CardRemoved
from kiosk.services.card.service import create_card_reader
from tests.card.pcscd import Pcscd, missing_requirements, stop_running_pcscd
from tests.card.vicc import VirtualCard

GOAL_MS = 50.0
ATR = "3B 7F 96 00 00 80 31 B8 65 B0 85 04 02 1B 12 00 F6 82 90 00"


class Arrivals:
    """Times at which a listener saw inserts / removals (monotonic seconds)."""

    def __init__(self) -> None:
        self.inserted: list[float] = []
        self.removed: list[float] = []
        self.cond = threading.Condition()

    def add(self, which: list[float]) -> None:
        with self.cond:
            which.append(time.monotonic())
            self.cond.notify_all()

    def wait(self, which: list[float], count: int, timeout: float = 5.0) -> float:
        with self.cond:
            if not self.cond.wait_for(lambda: len(which) >= count, timeout):
                raise TimeoutError(f"event {count} did not arrive in {timeout} s")
            return which[count - 1]


class _PyscardObserver(CardObserver):
    def __init__(self, arrivals: Arrivals) -> None:
        self.arrivals = arrivals

    def update(self, observable, handlers):  # noqa: ANN001 - pyscard's signature
        added, removed = handlers
        if added:
            self.arrivals.add(self.arrivals.inserted)
        if removed:
            self.arrivals.add(self.arrivals.removed)


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _line(name: str, values: list[float]) -> str:
    return (
        f"{name:<34} p50 {_percentile(values, 50):7.1f} ms   p95 {_percentile(values, 95):7.1f} ms"
    )


def measure(n: int) -> dict[str, list[float]]:
    """N inserts and removals; latencies in milliseconds, keyed by listener and event."""
    ours, theirs = Arrivals(), Arrivals()

    def on_event(event: object) -> None:
        if isinstance(event, CardInserted):
            ours.add(ours.inserted)
        elif isinstance(event, CardRemoved):
            ours.add(ours.removed)

    reader = create_card_reader(load_settings())
    monitor = CardMonitor()
    observer = _PyscardObserver(theirs)
    reader.start(on_event)
    monitor.addObserver(observer)
    time.sleep(1.0)  # both listeners settled on the empty readers
    card = VirtualCard(ATR)
    ms: dict[str, list[float]] = {k: [] for k in ("ins_ours", "ins_peer", "rem_ours", "rem_peer")}
    try:
        for i in range(1, n + 1):
            time.sleep(random.uniform(0.05, 0.45))  # spread inserts over pcscd's poll phase
            t0 = card.insert()
            ms["ins_ours"].append((ours.wait(ours.inserted, i) - t0) * 1000)
            ms["ins_peer"].append((theirs.wait(theirs.inserted, i) - t0) * 1000)
            t1 = card.remove()
            ms["rem_ours"].append((ours.wait(ours.removed, i) - t1) * 1000)
            ms["rem_peer"].append((theirs.wait(theirs.removed, i) - t1) * 1000)
    finally:
        card.remove()
        monitor.deleteObserver(observer)
        reader.stop()
    return ms


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    n = int(args[0]) if args else 20
    problem = missing_requirements()
    if problem:
        print(f"bench_card: cannot run: {problem}")
        return 2
    stop_running_pcscd()
    daemon = Pcscd(Path(tempfile.mkdtemp(prefix="bench-card-")))
    daemon.start()
    try:
        ms = measure(n)
    finally:
        # pyscard's CardMonitor thread outlives its last observer and prints a traceback when
        # pcscd stops (it cannot survive pcscd going away: one reason the kiosk does not use it).
        with contextlib.redirect_stderr(io.StringIO()):
            daemon.stop()
            time.sleep(0.2)
    diff = [s - p for s, p in zip(ms["ins_ours"], ms["ins_peer"], strict=True)]
    removal_diff = [s - p for s, p in zip(ms["rem_ours"], ms["rem_peer"], strict=True)]
    print(f"card insert -> event, {n} inserts through pcscd + vpcd")
    print(_line("pyscard CardMonitor (peer)", ms["ins_peer"]))
    print(_line("kiosk card service", ms["ins_ours"]))
    print(_line("difference (service - pyscard)", diff))
    ratio = statistics.median(ms["ins_ours"]) / statistics.median(ms["ins_peer"])
    print(f"ratio of medians service / pyscard: {ratio:.2f}")
    print(f"card removal -> event, {n} removals")
    print(_line("pyscard CardMonitor (peer)", ms["rem_peer"]))
    print(_line("kiosk card service", ms["rem_ours"]))
    print(_line("difference (service - pyscard)", removal_diff))
    ok = _percentile(diff, 95) <= GOAL_MS
    print(f"goal: p95 insert difference within {GOAL_MS:.0f} ms: {'MET' if ok else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
