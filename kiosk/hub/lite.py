"""SQLite only: the help button's transaction on the event loop, in raw DB-API calls.

Why: the button is the one write a visitor waits for (issue #5 times it against a bare loopback
round trip). Through SQLAlchemy Core in a worker thread it cost ~1 ms of Python per call here,
plus a hop to the thread and back that, under the fleet's load, waited for the GIL and the
loop each way. The same statements as raw ``sqlite3`` calls on the loop cost a fraction.

The statements stay the Core ones in ``services/`` (one definition of the SQL): :class:`Prepared`
compiles each once for SQLite and keeps the column types' own bind and result processors, so
values go in and come out exactly as through SQLAlchemy. :class:`LoopWriter` runs them through
the same entry points as a Core ``Connection`` (``execute(...).first()``, ``.scalar_one()``,
``.inserted_primary_key``, ``commit``, ``rollback``), so ``requests.create_once`` is shared.

The loop must never wait, so the writer takes its turn only when it is free at once: the caller
holds the hub's ``write_gate`` (the in-process writers' turn, awaited on the loop), then
:meth:`LoopWriter.begin` takes the writers' thread lock without blocking and ``BEGIN IMMEDIATE``
with no busy timeout. If either is taken (a writer outside the gate, another process), the caller
falls back to the worker-thread path, which may wait. For the same reason this connection never
checkpoints the WAL itself (a checkpoint copies pages and fsyncs): ``wal_autocheckpoint=0``, and
every ``CHECKPOINT_EVERY`` commits a passive checkpoint runs in a worker thread, in the writers'
turn, on a connection of its own, so the WAL stays about as small as SQLite's default keeps it
(tests/hub/test_loop_writer.py).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from collections import namedtuple
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Insert, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.sql.compiler import SQLCompiler

log = logging.getLogger(__name__)
# Commits of the loop writer between two checkpoints. ~10 pages a commit: ~1,000 pages, the
# size at which SQLite's own auto-checkpoint would run.
CHECKPOINT_EVERY = 100

Processor = Callable[[Any], Any] | None


class Prepared:
    """One Core ``Select`` or ``Insert`` compiled for SQLite, with its types' processors."""

    def __init__(self, statement: Select[Any] | Insert, dialect: Dialect, keys: tuple[str, ...]):
        if isinstance(statement, Insert):
            compiled = statement.compile(dialect=dialect, column_keys=list(keys))
        else:
            compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        # Why: expanding (IN) and post-compile parameters change the SQL per call.
        if compiled.post_compile_params or compiled.literal_execute_params:
            raise ValueError("statements with expanding parameters are not supported here")
        self.sql = compiled.string
        self._compiled = compiled
        self._order = list(compiled.positiontup or ())
        binds = compiled.binds
        # dialect_impl: the dialect's own type (SQLite stores datetimes as text in its format).
        self._binds = [
            binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in self._order
        ]
        self.row: type | None = None
        self._results: list[Processor] = []
        if isinstance(statement, Select):
            columns = list(statement.selected_columns)
            names = [str(c.key) for c in columns]  # an unlabeled count() has none: renamed
            self.row = namedtuple("Row", names, rename=True)  # type: ignore[misc]
            self._results = [
                c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
            ]

    def parameters(self, params: Mapping[str, Any]) -> list[Any]:
        """The positional parameters for ``params`` (and the statement's own literals)."""
        values = self._compiled.construct_params(dict(params))
        out = []
        for name, process in zip(self._order, self._binds, strict=True):
            value = values[name]
            out.append(process(value) if process is not None else value)
        return out

    def rows(self, raw: list[tuple[Any, ...]]) -> list[Any]:
        assert self.row is not None
        procs = self._results
        return [
            self.row(*(p(v) if p is not None else v for p, v in zip(procs, r, strict=True)))
            for r in raw
        ]


class LiteResult:
    """What ``create_once`` uses of a Core ``Result``."""

    def __init__(self, rows: list[Any], lastrowid: int | None) -> None:
        self._rows = rows
        self.inserted_primary_key: tuple[Any, ...] = (lastrowid,)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def scalar_one(self) -> Any:
        (row,) = self._rows
        return row[0]


class LoopWriter:
    """One SQLite connection that writes on the event loop's thread only (see module doc)."""

    def __init__(self, path: str, lock: threading.Lock, dialect: Dialect) -> None:
        self.path = path
        self.dialect = dialect
        self._lock = lock
        self._prepared: dict[tuple[int, tuple[str, ...]], tuple[Any, Prepared]] = {}
        self._in_turn = False
        self._commits = 0
        self._checkpoint: asyncio.Task[None] | None = None
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in (
            "journal_mode=WAL",
            "synchronous=NORMAL",
            "foreign_keys=ON",
            "busy_timeout=0",  # never wait on the loop: fall back to the thread path instead
            "wal_autocheckpoint=0",  # checkpoints run in a worker thread (see checkpoint_soon)
        ):
            self._conn.execute(f"PRAGMA {pragma}")

    def begin(self) -> bool:
        """Take the writers' turn and open a write transaction, if both are free right now.
        False (nothing held) when not: the caller writes through the thread path instead."""
        if not self._lock.acquire(blocking=False):
            return False
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:  # another process holds the file's write lock
            self._lock.release()
            return False
        self._in_turn = True
        return True

    def execute(self, statement: Any, params: Mapping[str, Any]) -> LiteResult:
        keys = tuple(params) if isinstance(statement, Insert) else ()
        cached = self._prepared.get((id(statement), keys))
        if cached is None:
            # The statement is kept alongside: its id() stays its own while we hold it.
            cached = (statement, Prepared(statement, self.dialect, keys))
            self._prepared[(id(statement), keys)] = cached
        prepared = cached[1]
        args = prepared.parameters(params)
        try:
            cursor = self._conn.execute(prepared.sql, args)
        except sqlite3.IntegrityError as exc:
            raise IntegrityError(prepared.sql, args, exc) from exc
        except sqlite3.OperationalError as exc:
            raise OperationalError(prepared.sql, args, exc) from exc
        if prepared.row is None:
            return LiteResult([], cursor.lastrowid)
        return LiteResult(prepared.rows(cursor.fetchall()), None)

    def commit(self) -> None:
        try:
            self._conn.execute("COMMIT")
            self._commits += 1
        finally:
            self._end()

    def rollback(self) -> None:
        self._end()

    def _end(self) -> None:
        """Roll back whatever is still open and give the turn back."""
        if self._conn.in_transaction:
            self._conn.execute("ROLLBACK")
        if self._in_turn:
            self._in_turn = False
            self._lock.release()

    def checkpoint_soon(self, gate: asyncio.Lock) -> None:
        """After every ``CHECKPOINT_EVERY`` commits, start a passive checkpoint in a worker
        thread, in the writers' turn (``gate``); the caller does not wait for it.

        Why in the turn: a checkpoint that writes go past never catches up with the WAL's end,
        and SQLite starts the WAL over only after one has (the first version, without the turn,
        let the WAL grow by every write under a steady stream of them)."""
        if self._commits < CHECKPOINT_EVERY:
            return
        if self._checkpoint is not None and not self._checkpoint.done():
            return
        self._commits = 0
        self._checkpoint = asyncio.get_running_loop().create_task(self._checkpoint_in(gate))

    async def _checkpoint_in(self, gate: asyncio.Lock) -> None:
        try:
            async with gate:
                await asyncio.to_thread(checkpoint, self.path)
        except Exception:  # noqa: BLE001 - the next one tries again; SQLite's WAL stays valid
            log.exception("WAL checkpoint failed")

    def close(self) -> None:
        self._conn.close()


def checkpoint(path: str) -> tuple[int, int, int]:
    """A passive WAL checkpoint on a connection of its own: (busy, WAL frames, checkpointed).

    Passive: it copies what no reader still needs and never waits for readers or writers."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=1000")
        busy, frames, done = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        return int(busy), int(frames), int(done)
    finally:
        conn.close()
