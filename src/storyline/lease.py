"""The writer lease: one process at a time assigns articles to stories in a database.

Assignment keeps the active stories and the next story id in memory, so two processes assigning at
once would each issue ids from their own counter and join each other's stories. The lease is an
exclusive OS lock (``flock``) on a file beside the database (``x.db-lock``): the kernel drops it when
its holder exits, however it exits, so a killed writer never leaves a stale lease behind. Waiters
name the holder (pid and command line, which the holder writes into the file).
"""

from __future__ import annotations

import itertools
import os
import sys
import time
from collections.abc import Callable

from storyline.errors import StoreError

try:
    import fcntl
except ImportError:  # Windows: no flock; one writer per database is then the user's to keep
    fcntl = None  # type: ignore[assignment]

_POLL_SECONDS = (0.05, 0.1, 0.2, 0.5)  # waits between tries, the last repeated


def lock_path(db_path: str) -> str | None:
    """The lock file of a database file; None for databases no other process can open (in memory)."""
    if db_path in ("", ":memory:") or db_path.startswith("file:"):
        return None
    return f"{db_path}-lock"


def say_on_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class WriterLease:
    """``with WriterLease(db):`` — hold the database's writer lease, waiting for the holder if there is one.

    ``on_wait`` is told once, with the holder's pid, when another writer holds the lease; ``timeout``
    (seconds, None = as long as it takes) bounds the wait, after which :class:`StoreError` is raised.
    """

    def __init__(self, db_path: str, *, on_wait: Callable[[str], None] = say_on_stderr,
                 timeout: float | None = None) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self.on_wait = on_wait
        self.timeout = timeout
        self._fd: int | None = None

    def __enter__(self) -> WriterLease:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        if self.path is None or fcntl is None or self._fd is not None:
            return
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(f"cannot open the writer lock {self.path}: {exc.strerror or exc}",
                             hint="writers need the database's folder to be writable") from exc
        try:
            self._wait_for(fd)
            # the holder's name for waiters; rewritten in place, the file is never replaced or removed
            # (a waiter may be blocked on this very inode)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()} {' '.join(sys.argv)[:300]}\n".encode("utf-8", "replace"), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # closing the descriptor drops the lock

    def _wait_for(self, fd: int) -> None:
        started = time.monotonic()
        told = False
        for attempt in itertools.count():
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            holder = _holder(fd)
            if not told:
                self.on_wait(f"waiting for another writer ({holder}) to finish with {self.db_path} …")
                told = True
            if self.timeout is not None and time.monotonic() - started >= self.timeout:
                raise StoreError(
                    f"another writer ({holder}) is still writing to {self.db_path} after {self.timeout:g} s",
                    hint="try again when it has finished; only one process assigns stories at a time",
                )
            time.sleep(_POLL_SECONDS[min(attempt, len(_POLL_SECONDS) - 1)])


def _holder(fd: int) -> str:
    """'pid N: command' of the lease holder, from what it wrote into the lock file."""
    try:
        text = os.pread(fd, 400, 0).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    pid, _, command = text.partition(" ")
    if not pid.isdigit():
        return "pid unknown"
    return f"pid {pid}: {command}" if command else f"pid {pid}"
