"""Watches: saved searches that catch the stories an ingest creates or grows, and tell a webhook.

After each ingest (``storyline ingest``, ``fetch``, ``follow``, a web POST: every path goes through
``Engine.ingest_records``) the engine hands its report to a :class:`Watcher`. It matches each watch's
query against the stories the ingest created or grew only (by meaning, from the encoder's stricter
``watch_cosine``, or by words: ``story_search.matching``), records each catch in the store, and queues
a JSON notice for the watch's webhook. Notices go out on a background thread (:mod:`storyline.webhooks`),
so ingest never waits on a receiver; how each went (sent, failed after its retries, still pending) is
stored with the hit and shown by ``storyline watch list``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from storyline.errors import InputError, NotFoundError
from storyline.storage import Store, StoryFilter, Watch, WatchHit, open_existing
from storyline.story_search import cut_off, matching, query_encoder
from storyline.types import Assignment

log = logging.getLogger("storyline.watches")

__all__ = ["Changed", "TouchedStories", "Watcher", "add_watch", "changed_stories", "notice", "remove_watch"]


@dataclass(frozen=True)
class Changed:
    """A story an ingest created (``kind`` "new") or grew ("grown")."""

    story_id: str
    kind: str


@dataclass
class TouchedStories:
    """The stories an ingest's assignments touched, in the order first touched, each with whether it was
    created then: one entry per story, not per article, so an ingest of millions keeps what watches need
    without its assignments. A story is created by its first assignment (nothing touches it before)."""

    created: dict[str, bool] = field(default_factory=dict)

    def add(self, assignments: Iterable[Assignment]) -> None:
        for assignment in assignments:
            self.created[assignment.story_id] = self.created.get(assignment.story_id, False) or assignment.is_new
            for _, into in assignment.merged:
                self.created.setdefault(into, False)


def changed_stories(store: Store, touched: TouchedStories | Sequence[Assignment]) -> list[Changed]:
    """The stories created or grown (``touched``, or the assignments that touched them), under their final
    ids, in the order first touched: a story merged away on the way is reported as the one it joined, with
    the kind of the first story that led to it; a story created and never merged away is new."""
    if not isinstance(touched, TouchedStories):
        summary = TouchedStories()
        summary.add(touched)
        touched = summary
    kinds: dict[str, str] = {}
    for story_id, created in touched.created.items():
        final = store.final_story(story_id)  # one lookup per story, not per article
        if final not in kinds or (created and final == story_id):
            kinds[final] = "new" if created else kinds.get(final, "grown")
    return [Changed(story_id, kind) for story_id, kind in kinds.items()]


def check_webhook(url: str | None) -> str | None:
    """The webhook URL if it is an http(s) URL with a host; InputError otherwise."""
    if url is None or not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(f"webhook {url!r} is not an http(s) URL", hint="give e.g. --webhook https://example.org/hook")
    return url.strip()


def add_watch(store: Store, query: str, *, encoder_name: str | None, webhook: str | None = None,
              lang: str | None = None) -> Watch:
    """Store a watch for ``query``; its vector is made now, once, by ``encoder_name`` (the database's)
    when that encoder's vectors carry meaning."""
    if not query.strip():
        raise InputError("the watch's query is empty",
                         hint='give the words to watch for: storyline watch add "port strike"')
    vector = None
    if encoder_name is not None and cut_off(encoder_name, watch=True) is not None:
        vector = np.asarray(query_encoder(encoder_name).encode([query])[0], dtype=np.float32)
    return store.add_watch(query.strip(), lang=lang.lower() if lang else None, webhook=check_webhook(webhook),
                           encoder=encoder_name if vector is not None else None, vector=vector)


def remove_watch(store: Store, watch_id: int) -> None:
    """Delete a watch and its hits; NotFoundError when there is none."""
    if not store.remove_watch(watch_id):
        raise NotFoundError(f"no watch {watch_id} in {store.path}", hint="list them with `storyline watch list`")


def notice(watch: Watch, hit: WatchHit, story: dict[str, Any]) -> dict[str, Any]:
    """The JSON a webhook receives for one catch."""
    return {
        "event": f"story.{hit.kind}", "hit_id": hit.id, "at": hit.at,
        "watch": {"id": watch.id, "query": watch.query, "lang": watch.lang},
        "story": {key: story.get(key) for key in
                  ("id", "headline", "size", "copies", "languages", "sources", "first_published", "last_published")},
    }


class Watcher:
    """Matches the watches of one store against what each ingest changed; sends notices in the background."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._webhooks: Any = None  # a webhooks.Deliverer, started on the first notice
        self._prepared = False  # the text index exists (made once per watcher)

    def after_ingest(self, touched: TouchedStories | Sequence[Assignment]) -> list[WatchHit]:
        """Record what the watches catch among the stories an ingest created or grew (``touched``, or its
        assignments); queue the notices. Cheap when nothing changed or no watch exists (one read)."""
        if not (touched.created if isinstance(touched, TouchedStories) else touched):
            return []
        watches = self.store.list_watches()
        if not watches:
            return []
        changed = changed_stories(self.store, touched)
        kinds = {c.story_id: c.kind for c in changed}
        if not self._prepared:
            self.store.prepare_reads()
            self._prepared = True
        self.store.sync_search()
        rows = {row["id"]: row for row in self.store.story_rows(list(kinds))}
        caught: list[tuple[int, str, str, int]] = []
        for watch in watches:
            f = StoryFilter(langs=(watch.lang,) if watch.lang else ())
            found = matching(self.store, watch.query, watch.vector, f, list(kinds), encoder_name=watch.encoder)
            caught += [(watch.id, story_id, kinds[story_id], rows[story_id]["size"])
                       for story_id in kinds if story_id in found and story_id in rows]
        hits = self.store.record_hits(caught)
        by_id = {w.id: w for w in watches}
        for hit in hits:
            watch = by_id[hit.watch_id]
            if hit.delivery == "pending" and watch.webhook:
                self._deliverer().send(hit.id, watch.webhook, notice(watch, hit, rows[hit.story_id]))
        return hits

    def _deliverer(self) -> Any:
        if self._webhooks is None:
            from storyline.webhooks import Deliverer

            self._webhooks = Deliverer(self.store.path, fallback=self.store)
        return self._webhooks

    def close(self, wait: float = 10.0) -> None:
        """Give queued notices up to ``wait`` seconds to go out; those still queued stay "pending"."""
        if self._webhooks is not None:
            self._webhooks.close(wait)
            self._webhooks = None


def open_watch_store(db: str) -> Store:
    """The database ``db`` for managing its watches (it must exist: a watch needs its encoder)."""
    return open_existing(db, "ingest something first, so the watch knows the database's encoder")
