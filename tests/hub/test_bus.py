"""The wake-up bus and the long-poll loop, without HTTP: no lost wake-ups, no busy re-reading."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

from kiosk.hub.api.v1.longpoll import MAX_ROWS, long_poll, published
from kiosk.hub.bus import EventBus


def run(coro):  # noqa: ANN001, ANN201
    """Run ``coro`` on a fresh event loop in its own thread: a session-wide sync Playwright (the
    browser tests) keeps a loop marked running in the main thread, where asyncio.run refuses."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _hub() -> SimpleNamespace:
    """The parts of ``Hub`` a long poll uses: the bus, and ``read`` (which hands the read
    function its engine; these reads need none)."""

    async def read(fn):  # type: ignore[no-untyped-def]
        return fn(None)

    return SimpleNamespace(bus=EventBus(), read=read)


def test_unrelated_events_do_not_make_a_waiter_reread() -> None:
    hub = _hub()
    reads = []

    def read(_engine: object) -> tuple[list[str], int, list[str]]:
        reads.append(1)
        return [], 0, ["kiosk:1"]

    async def main() -> tuple[list[str], int]:
        hub.bus.bind(asyncio.get_running_loop())

        async def noise() -> None:
            for _ in range(50):
                hub.bus.publish(["kiosk:2", "site:1", "all"])
                await asyncio.sleep(0.005)

        task = asyncio.create_task(noise())
        result = await long_poll(hub, read, 0.5)  # type: ignore[arg-type]
        await task
        return result

    assert run(main()) == ([], 0)
    assert len(reads) == 1


def test_event_for_the_key_wakes_the_waiter_at_once() -> None:
    hub = _hub()
    box: list[str] = []

    def read(_engine: object) -> tuple[list[str], int, list[str]]:
        return list(box), len(box), ["kiosk:1"]

    async def main() -> tuple[list[str], int, float]:
        hub.bus.bind(asyncio.get_running_loop())
        loop = asyncio.get_running_loop()

        def commit() -> None:
            box.append("claimed")
            hub.bus.publish(["kiosk:1"])

        loop.call_later(0.1, commit)
        start = loop.time()
        events, last = await long_poll(hub, read, 5)  # type: ignore[arg-type]
        return events, last, loop.time() - start

    events, last, took = run(main())
    assert (events, last) == (["claimed"], 1)
    assert took < 1


def test_wakeup_during_the_first_read_is_not_lost() -> None:
    hub = _hub()
    calls: list[int] = []

    def read(_engine: object) -> tuple[list[str], int, list[str]]:
        calls.append(1)
        if len(calls) == 1:
            # An event commits and is published while this first read is still running.
            hub.bus.publish(["kiosk:1"])
            return [], 0, ["kiosk:1"]
        return ["claimed"], 1, ["kiosk:1"]

    async def main() -> tuple[list[str], int]:
        hub.bus.bind(asyncio.get_running_loop())
        return await long_poll(hub, read, 5)  # type: ignore[arg-type]

    assert run(main()) == (["claimed"], 1)


def _row(seq: int) -> SimpleNamespace:
    return SimpleNamespace(seq=seq)


def test_published_rows_answer_only_when_they_continue_the_cursor() -> None:
    def every(rows: list[SimpleNamespace]) -> list[int]:
        return [r.seq for r in rows]

    rows = {seq: _row(seq) for seq in (5, 6, 7)}
    assert published(rows, 4, every) == ([5, 6, 7], 7)
    assert published(rows, 6, every) == ([7], 7)  # 5 and 6 were read already
    assert published(rows, 7, every) == ([], 7)  # nothing new: no read needed either
    assert published(rows, 3, every) is None  # 4 is not among them: only the table knows
    assert published({5: _row(5), 7: _row(7)}, 4, every) is None  # a gap
    assert published(None, 4, every) is None  # a wake-up without rows
    assert published(rows, 4, None) is None  # a reader without a view of rows
    many = {seq: _row(seq) for seq in range(1, MAX_ROWS + 2)}
    assert published(many, 0, every) is None


def test_a_wakeup_with_rows_is_answered_without_a_read_and_one_without_reads() -> None:
    hub = _hub()
    table: list[tuple[list[int], int, list[str]]] = [([], 6, ["site:1"])]
    reads: list[int] = []

    def read(_engine: object) -> tuple[list[int], int, list[str]]:
        reads.append(1)
        return table[-1]

    def fresh(rows: list[SimpleNamespace]) -> list[int]:
        return [r.seq for r in rows if r.seq != 7]  # 7 is another site's

    async def main() -> list[tuple[list[int], int]]:
        hub.bus.bind(asyncio.get_running_loop())
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, hub.bus.publish, ["site:1"], [_row(7)])
        loop.call_later(0.1, hub.bus.publish, ["site:1"], [_row(8)])
        first = await long_poll(hub, read, 5, fresh)  # type: ignore[arg-type]
        table.append(([], 8, ["site:1"]))

        def commit_elsewhere() -> None:  # another instance's event: a wake-up without rows
            table.append(([9], 9, ["site:1"]))
            hub.bus.publish(["site:1"])

        loop.call_later(0.05, commit_elsewhere)
        second = await long_poll(hub, read, 5, fresh)  # type: ignore[arg-type]
        return [first, second]

    first, second = run(main())
    assert first == ([8], 8)
    assert second == ([9], 9)
    assert len(reads) == 3  # the two first reads, and one for the wake-up without rows


def test_rows_are_kept_only_for_subscribers_that_take_them() -> None:
    """The dashboard feed only waits: the rows of every button press must not pile up there."""

    async def main() -> tuple[Any, Any]:
        bus = EventBus()
        bus.bind(asyncio.get_running_loop())
        waits, takes = bus.subscribe(["all"]), bus.subscribe(["all"], keep_rows=True)
        for seq in range(1, 4):
            bus.publish(["all"], [_row(seq)])
        return waits._rows, takes.take_rows()

    waits, taken = run(main())
    assert waits is None and taken is not None and sorted(taken) == [1, 2, 3]
