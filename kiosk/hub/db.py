"""Database engine, sessions and migrations.

SQLite (the default) runs in WAL mode with a busy timeout so readers never block the writer;
PostgreSQL uses a connection pool. Alembic migrations in ``migrations/`` run at every start; on
PostgreSQL an advisory lock makes instances that start together migrate one at a time.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import SingletonThreadPool

from kiosk.core.errors import ConfigError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Any constant shared by all instances: the key of PostgreSQL advisory locks we take.
MIGRATION_LOCK = 0x6B696F736B01
EVENT_LOCK = 0x6B696F736B02


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    read_only: bool = False,
    loop_reader: bool = False,
    write_lock: threading.Lock | None = None,
) -> Engine:
    """An engine for ``url``; for SQLite the folder is made and pragmas set per connection.

    ``loop_reader`` (SQLite): read-only, one connection per thread (only the event loop's thread
    uses it, see ``Hub.read``) that gives up after 50 ms if the file is busy, not 30 s.
    ``write_lock`` (SQLite): the lock its writers queue on, when others share it (see
    ``lite.LoopWriter``); a new one by default.
    """
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        read_only = read_only or loop_reader
        args: dict[str, Any] = {"check_same_thread": False, "timeout": 30}
        lock = threading.Lock() if write_lock is None else write_lock
        if not read_only:
            args["factory"] = _writer_connection(lock)
        if loop_reader:
            engine = create_engine(url, connect_args=args, poolclass=SingletonThreadPool)
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "connect", _short_busy_timeout)
        else:
            # Why the sizes: up to 40 worker threads (anyio's limit) read at once under load;
            # a pool smaller than that opened and closed connections (and ran the pragmas)
            # over and over, seen in the benchmark's profile.
            pool = {"pool_size": 40, "max_overflow": 20} if path not in ("", ":memory:") else {}
            engine = create_engine(url, connect_args=args, **pool)
            event.listen(engine, "connect", _sqlite_pragmas)
        # Why: pysqlite's own transaction handling is off (see _sqlite_pragmas). Writers take
        # the write lock up front (BEGIN IMMEDIATE), so they queue on the busy timeout instead
        # of failing with "database is locked" when a read turns into a write; readers use a
        # plain BEGIN and never wait (WAL).
        if read_only:
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
        else:
            _serialise_writers(engine, lock)
        return engine
    if url.startswith("postgresql"):
        return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
    raise ConfigError("hub settings", "database.url", f"unsupported database {url.split(':')[0]!r}")


def _writer_connection(lock: threading.Lock) -> type[sqlite3.Connection]:
    """A sqlite3 connection class that lets go of ``lock`` once its COMMIT/ROLLBACK is done."""

    class WriterConnection(sqlite3.Connection):
        holds_lock = False

        def commit(self) -> None:
            try:
                super().commit()
            finally:
                self.release()

        def rollback(self) -> None:
            try:
                super().rollback()
            finally:
                self.release()

        def release(self) -> None:
            if self.holds_lock:
                self.holds_lock = False
                lock.release()

    return WriterConnection


def _serialise_writers(engine: Engine, lock: threading.Lock) -> None:
    """One writer at a time per process, queued on ``lock``, then BEGIN IMMEDIATE.

    Why: SQLite allows one writer; waiting in SQLite's busy handler sleeps in coarse steps (up
    to 100 ms), which under load turns a 2 ms write into a long, unfair wait. A Python lock
    hands the database over as soon as the previous COMMIT is done, in arrival order; the busy
    timeout remains for writers in other processes.
    """

    def begin(conn: Any) -> None:
        raw = conn.connection.dbapi_connection
        if not lock.acquire(timeout=30):
            raise TimeoutError("the database stayed busy for 30 s")
        raw.holds_lock = True
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            raw.release()
            raise

    event.listen(engine, "begin", begin)


def _short_busy_timeout(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA busy_timeout=50")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" listener issues BEGIN
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision (idempotent)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
