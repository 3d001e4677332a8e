"""Benchmark: card insert -> the kiosk card service's CardInserted, against pyscard alone.

Both listen to the same real pcscd at the same time: the kiosk's service (built from settings as
the app builds it) and a bare pyscard ``CardMonitor``. A pure-Python card connects to the vpcd
virtual reader N times; for each insert we take the time from connecting to each listener's
event. pcscd polls vpcd, so both absolute figures include that poll; the paired difference is
what the kiosk's service adds. Goal: p95 of the difference within 50 ms.

Run: ``python -m tests.bench.bench_card [N]`` as root (it starts and stops pcscd itself).
"""

from __future__ import annotations

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


def measure(n: int) -> tuple[list[float], list[float]]:
    """N inserts; returns (service latencies, pyscard latencies) in milliseconds."""
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
    service_ms: list[float] = []
    pyscard_ms: list[float] = []
    try:
        for i in range(1, n + 1):
            time.sleep(random.uniform(0.05, 0.45))  # spread inserts over pcscd's poll phase
            t0 = card.insert()
            service_ms.append((ours.wait(ours.inserted, i) - t0) * 1000)
            pyscard_ms.append((theirs.wait(theirs.inserted, i) - t0) * 1000)
            card.remove()
            ours.wait(ours.removed, i)
            theirs.wait(theirs.removed, i)
    finally:
        card.remove()
        monitor.deleteObserver(observer)
        reader.stop()
    return service_ms, pyscard_ms


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
        service_ms, pyscard_ms = measure(n)
    finally:
        daemon.stop()
    diff = [s - p for s, p in zip(service_ms, pyscard_ms, strict=True)]
    print(f"card insert -> event, {n} inserts through pcscd + vpcd")
    print(_line("pyscard CardMonitor (peer)", pyscard_ms))
    print(_line("kiosk card service", service_ms))
    print(_line("difference (service - pyscard)", diff))
    ratio = statistics.median(service_ms) / statistics.median(pyscard_ms)
    print(f"ratio of medians service / pyscard: {ratio:.2f}")
    ok = _percentile(diff, 95) <= GOAL_MS
    print(f"goal: p95 difference within {GOAL_MS:.0f} ms: {'MET' if ok else 'NOT MET'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
