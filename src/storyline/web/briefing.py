"""Briefs built off the request path: one worker thread builds each asked brief once, a request takes
what is ready and never waits for the rest (the first brief of a big story costs seconds of encoding).

>>> from storyline.types import Brief
>>> briefs = BriefWorker(capacity=4)
>>> first = briefs.ask(("s1", 1, "t", None), lambda: Brief("s1", "Bridge", (), (), (), (), (), {}))
>>> first.status in ("pending", "ready")
True
>>> briefs.wait(("s1", 1, "t", None), timeout=5).status, briefs.peek(("s1", 1, "t", None)).headline
('ready', 'Bridge')
>>> briefs.close()
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Literal

from storyline.types import Brief

__all__ = ["BriefState", "BriefWorker"]

log = logging.getLogger("storyline.web")

BriefStatus = Literal["ready", "pending", "failed"]
# The last failures remembered (a failed brief is not retried while its story is unchanged; a grown story's
# brief has a new key and is tried again).
_FAILURES_KEPT = 64


@dataclass(frozen=True)
class BriefState:
    """What a request can show of a brief now: the brief when ``ready``, why not when ``failed``."""

    status: BriefStatus
    brief: Brief | None = None
    error: str | None = None


class BriefWorker:
    """Builds asked briefs one at a time in a daemon thread; keeps the last ``capacity`` built ones.

    A key names a brief as the story is now (id, size, update time, language): a grown story asks anew.
    """

    def __init__(self, capacity: int = 256) -> None:
        self.capacity = capacity
        self._ready: OrderedDict[Hashable, Brief] = OrderedDict()
        self._failed: OrderedDict[Hashable, str] = OrderedDict()
        self._pending: set[Hashable] = set()
        self._jobs: queue.Queue[tuple[Hashable, Callable[[], Brief]] | None] = queue.Queue()
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def peek(self, key: Hashable) -> Brief | None:
        """The brief of ``key`` if it is built (never asks for it)."""
        with self._changed:
            brief = self._ready.get(key)
            if brief is not None:
                self._ready.move_to_end(key)
            return brief

    def ask(self, key: Hashable, build: Callable[[], Brief]) -> BriefState:
        """The brief of ``key`` if built; else ``build`` is queued (once) and the answer is ``pending``."""
        with self._changed:
            if key in self._ready:
                self._ready.move_to_end(key)
                return BriefState("ready", self._ready[key])
            if key in self._failed:
                return BriefState("failed", error=self._failed[key])
            if key not in self._pending:
                self._pending.add(key)
                self._jobs.put((key, build))
                self._start()
            return BriefState("pending")

    def wait(self, key: Hashable, timeout: float) -> BriefState:
        """The state of an asked brief after waiting up to ``timeout`` seconds for it to be built."""
        with self._changed:
            self._changed.wait_for(lambda: key not in self._pending, timeout=timeout)
            if key in self._ready:
                return BriefState("ready", self._ready[key])
            if key in self._failed:
                return BriefState("failed", error=self._failed[key])
            return BriefState("pending")

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="storyline-briefs", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            key, build = job
            brief: Brief | None = None
            error = None
            try:
                brief = build()
            except Exception as exc:  # a brief that fails must not take the story page down with it
                log.exception("brief %r failed", key)
                error = f"the brief could not be built: {type(exc).__name__}: {exc}"
            with self._changed:
                self._pending.discard(key)
                if brief is not None:
                    self._ready[key] = brief
                    while len(self._ready) > self.capacity:
                        self._ready.popitem(last=False)
                else:
                    self._failed[key] = error or "the brief could not be built"
                    while len(self._failed) > _FAILURES_KEPT:
                        self._failed.popitem(last=False)
                self._changed.notify_all()

    def close(self, timeout: float = 10.0) -> None:
        """Stop after the brief being built (queued ones are dropped: they are rebuilt when asked again)."""
        with self._changed:
            thread, self._thread = self._thread, None
            while not self._jobs.empty():
                try:
                    self._jobs.get_nowait()
                except queue.Empty:
                    break
            self._pending.clear()
            self._changed.notify_all()
        if thread is not None and thread.is_alive():
            self._jobs.put(None)
            thread.join(timeout)
