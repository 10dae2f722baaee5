"""A few worker threads that fetch from different hosts at once, one request at a time per host.

A slow host then holds one worker, not the run. Jobs of one host run in the order they were
submitted, and the next one starts only after the caller has taken the previous result, so the
caller (the only thread that touches the database and the engine) sees each host in order and a
stop request never finds more than one result per host already fetched.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Hashable, Iterator
from typing import Any


class HostPool:
    """Runs ``submit``-ted jobs on ``workers`` daemon threads; ``results()`` yields them as they finish.

    When ``stop`` is set, jobs not yet started are dropped (never yielded); those running finish.
    """

    def __init__(self, workers: int, stop: threading.Event) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.stop = stop
        self._cond = threading.Condition()
        self._pending: dict[Hashable, deque[tuple[Any, Callable[[], Any]]]] = {}
        self._ready: deque[Hashable] = deque()  # hosts with a job waiting and none running or unread
        self._done: deque[tuple[Hashable, Any, bool, Any]] = deque()
        self._outstanding = 0  # submitted, not yet taken by the caller nor dropped
        self._closed = False
        self._threads = [threading.Thread(target=self._work, name=f"fetch-{i}", daemon=True) for i in range(workers)]
        for thread in self._threads:
            thread.start()

    def submit(self, host: Hashable, tag: Any, job: Callable[[], Any]) -> None:
        """Queue ``job`` behind the other jobs of ``host``; its result comes back with ``tag``."""
        with self._cond:
            queue = self._pending.get(host)
            busy = queue is not None  # a host is in _pending while it has a job queued, running or unread
            if queue is None:
                queue = self._pending[host] = deque()
            queue.append((tag, job))
            self._outstanding += 1
            if not busy:
                self._ready.append(host)
                self._cond.notify()

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (not self._ready or self.stop.is_set()):
                    self._cond.wait(0.5)  # a stop is an Event, not a notify: look again now and then
                if self._closed:
                    return
                host = self._ready.popleft()
                tag, job = self._pending[host][0]
            try:
                ok, value = True, job()
            except BaseException as exc:  # handed to the caller, who re-raises it
                ok, value = False, exc
            with self._cond:
                self._done.append((host, tag, ok, value))
                self._cond.notify_all()

    def _drop_unstarted(self) -> None:
        """Forget every job that has not started (called with the lock held, once stop is set)."""
        waiting = set(self._ready)  # a host not ready has its first job running or finished: that one stays
        for host in list(self._pending):
            queue = self._pending[host]
            keep = 0 if host in waiting else 1
            while len(queue) > keep:
                queue.pop()
                self._outstanding -= 1
            if not queue:
                del self._pending[host]
        self._ready.clear()

    def results(self) -> Iterator[tuple[Any, Any]]:
        """``(tag, result)`` of each job as it finishes, until none is left; jobs may be submitted meanwhile."""
        while True:
            with self._cond:
                while True:
                    if self.stop.is_set():
                        self._drop_unstarted()
                    if self._done or self._outstanding == 0:
                        break
                    self._cond.wait(0.1)  # short: a stop request or a Ctrl-C is noticed soon
                if not self._done:
                    return
                host, tag, ok, value = self._done.popleft()
            if not ok:
                raise value
            yield tag, value
            with self._cond:
                self._outstanding -= 1
                queue = self._pending[host]
                queue.popleft()
                if queue:
                    self._ready.append(host)
                    self._cond.notify()
                else:
                    del self._pending[host]
                if self.stop.is_set():
                    self._drop_unstarted()

    def close(self) -> None:
        """Let the workers go once their job in hand is done (they are daemons: exit never waits)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def __enter__(self) -> HostPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
