"""Webhook notices sent on a background thread: a bounded queue, retries with backoff, every outcome stored.

A notice is one JSON POST. A 2xx answer is "sent"; anything else (a connection error, a timeout, a 4xx or
5xx) is tried again after 0.5, 1, 2 … seconds, up to ``RETRIES`` more times, then "failed" with the last
error. The outcome goes to the store (``record_delivery``), so a failure is counted and shown by
``storyline watch list``, never lost; a notice still queued when the process leaves stays "pending".
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import Counter
from typing import Any

import httpx

from storyline.storage import Store, open_store

log = logging.getLogger("storyline.webhooks")

RETRIES = 3  # tries after the first
BACKOFF = 0.5  # seconds before the first retry; doubled each time
TIMEOUT = 5.0  # seconds for one POST, connecting to last byte
QUEUE_SIZE = 10_000  # notices waiting; past it a notice is recorded "failed" at once (queue full)
USER_AGENT = "Storyline-Watch/1 (+https://github.com/storyline)"


class Deliverer:
    """One background thread POSTing notices in order. ``path``: the database the outcomes are recorded in
    (the thread opens its own connection); ``fallback``: the store to record through when no second
    connection can open it (``:memory:``)."""

    def __init__(self, path: str, *, fallback: Store, backoff: float | None = None, retries: int | None = None,
                 timeout: float | None = None) -> None:
        self.path = path
        self.backoff = BACKOFF if backoff is None else backoff  # the module's values when not given
        self.retries = RETRIES if retries is None else retries
        self.timeout = TIMEOUT if timeout is None else timeout
        self.outcomes: Counter[str] = Counter()  # sent / failed in this process
        self._fallback = fallback
        self._queue: queue.Queue[tuple[int, str, dict[str, Any]] | None] = queue.Queue(QUEUE_SIZE)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="storyline-webhooks", daemon=True)
        self._thread.start()

    def send(self, hit_id: int, url: str, payload: dict[str, Any]) -> None:
        """Queue one notice; never blocks (a full queue records the hit "failed" at once)."""
        try:
            self._queue.put_nowait((hit_id, url, payload))
        except queue.Full:
            self._fallback.record_delivery(hit_id, "failed", 0, "queue full: too many notices waiting")
            self.outcomes["failed"] += 1

    def _run(self) -> None:
        store = self._own_store()
        try:
            with httpx.Client(timeout=self.timeout, headers={"user-agent": USER_AGENT}) as client:
                while True:
                    item = self._queue.get()
                    if item is None or self._stop.is_set():
                        return
                    hit_id, url, payload = item
                    delivery, attempts, error = self._deliver(client, url, payload)
                    self.outcomes[delivery] += 1
                    try:
                        store.record_delivery(hit_id, delivery, attempts, error)
                    except Exception:  # the outcome is still counted here, and the hit stays "pending"
                        log.exception("could not record the delivery of watch hit %s", hit_id)
        finally:
            if store is not self._fallback:
                store.close()

    def _own_store(self) -> Store:
        if self._fallback.shared_connections():
            return open_store(self.path)
        return self._fallback

    def _deliver(self, client: httpx.Client, url: str, payload: dict[str, Any]) -> tuple[str, int, str]:
        """POST until a 2xx or the retries run out: (delivery, attempts, last error)."""
        error = ""
        for attempt in range(1, self.retries + 2):
            try:
                response = client.post(url, json=payload)
                if 200 <= response.status_code < 300:
                    return "sent", attempt, ""
                error = f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            if attempt <= self.retries and not self._stop.wait(self.backoff * 2 ** (attempt - 1)):
                continue
            if attempt <= self.retries:  # stopping: what is left stays pending
                return "pending", attempt, error
        log.warning("webhook %s failed after %d tries: %s", url, self.retries + 1, error)
        return "failed", self.retries + 1, error

    def close(self, wait: float = 10.0) -> None:
        """Let queued notices go for up to ``wait`` seconds, then stop (the rest stay "pending")."""
        self._queue.put(None)
        self._thread.join(wait)
        if self._thread.is_alive():
            self._stop.set()
            self._thread.join(self.timeout + 1)
