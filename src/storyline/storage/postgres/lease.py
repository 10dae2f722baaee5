"""The writer lease of a PostgreSQL store: a session advisory lock (``pg_try_advisory_lock``) held on
a connection of its own for as long as the lease. The server drops it when that connection ends,
however its process ends, so a killed writer never leaves a stale lease behind. Waiters name the
holder from ``pg_stat_activity`` (its application name says its pid and command)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable

import psycopg

from storyline.errors import StoreError
from storyline.storage.postgres.connect import LOCK_WRITER, Target, connect, lock_key, redact

_POLL_SECONDS = (0.05, 0.1, 0.2, 0.5)  # waits between tries, the last repeated


class AdvisoryLease:
    """``with AdvisoryLease(url, target, schema):`` — hold the schema's writer lease, waiting for the
    holder if there is one. ``on_wait`` is told once when another writer holds it; ``timeout`` (seconds,
    None = as long as it takes) bounds the wait, after which :class:`StoreError` is raised."""

    def __init__(self, location: str, target: Target, schema: str, *, on_wait: Callable[[str], None],
                 timeout: float | None = None) -> None:
        self.location = location
        self.target = target
        self.key = lock_key(LOCK_WRITER, schema)
        self.on_wait = on_wait
        self.timeout = timeout
        self._conn: psycopg.Connection | None = None

    def __enter__(self) -> AdvisoryLease:
        conn = connect(self.location, self.target)
        try:
            self._wait_for(conn)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return self

    def __exit__(self, *exc: object) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()  # ending the session drops the lock

    def _wait_for(self, conn: psycopg.Connection) -> None:
        started = time.monotonic()
        told = False
        shown = redact(self.location)
        for attempt in itertools.count():
            row = conn.execute("SELECT pg_try_advisory_lock(%s, %s)", self.key).fetchone()
            if row and row[0]:
                return
            holder = self._holder(conn)
            if not told:
                self.on_wait(f"waiting for another writer ({holder}) to finish with {shown} …")
                told = True
            if self.timeout is not None and time.monotonic() - started >= self.timeout:
                raise StoreError(
                    f"another writer ({holder}) is still writing to {shown} after {self.timeout:g} s",
                    hint="try again when it has finished; only one process assigns stories at a time",
                )
            time.sleep(_POLL_SECONDS[min(attempt, len(_POLL_SECONDS) - 1)])

    def _holder(self, conn: psycopg.Connection) -> str:
        """What the holder's session calls itself ('storyline pid N: command'), and its host if remote."""
        row = conn.execute(
            "SELECT a.application_name, a.client_addr::text FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database"
            " WHERE datname = current_database()) AND l.classid = %s::oid AND l.objid = %s::oid"
            " AND l.objsubid = 2 LIMIT 1",
            self.key,
        ).fetchone()
        if row is None:
            return "pid unknown"
        name = (row[0] or "").removeprefix("storyline ") or "another client"
        return f"{name} on {row[1]}" if row[1] else name
