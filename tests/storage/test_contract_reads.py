"""The Store contract's reads for the web page, the API and search, run against each backend (conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from storage_kit import add_to_story as _add
from storage_kit import make_article as _article
from storyline.storage import Store, StoryFilter, to_iso
from storyline.types import Article


# ---------- reads for the web and search ----------
def _search_corpus(store: Store) -> None:
    _add(store, "s1", 1,
         _article("p1", title="Port strike in Valencia", text="Dockers stopped the cranes.", lang="en",
                  source="Diário do Porto", published=datetime(2026, 3, 2, 8, tzinfo=UTC)),
         _article("p2", title="Huelga en el puerto", text="Los estibadores pararon las grúas.", lang="es",
                  source="El Faro", published=None))
    _add(store, "s2", 2,
         _article("m1", title="Museum reopens", text="The museum opened its doors again.", lang="it",
                  source="Écho du Léman", published=datetime(2026, 3, 4, 8, tzinfo=UTC)))


def test_story_page_filters_sorts_and_pages(store):
    store.prepare_reads()
    store.prepare_reads()  # idempotent
    _search_corpus(store)
    rows, more = store.story_page(StoryFilter(sort="latest"))
    assert [r["id"] for r in rows] == ["s2", "s1"] and not more
    assert store.story_page(StoryFilter(sort="size"))[0][0]["id"] == "s1"
    rows, more = store.story_page(StoryFilter(limit=1))
    assert len(rows) == 1 and more
    assert [r["id"] for r in store.story_page(StoryFilter(langs=("es",)))[0]] == ["s1"]
    assert [r["id"] for r in store.story_page(StoryFilter(sources=("ÉCHO DU LÉMAN",)))[0]] == ["s2"]
    assert [r["id"] for r in store.story_page(StoryFilter(since=datetime(2026, 3, 3, tzinfo=UTC)))[0]] == ["s2"]
    assert [r["id"] for r in store.story_page(StoryFilter(until=datetime(2026, 3, 3, tzinfo=UTC)))[0]] == ["s1"]
    first = store.story_page(StoryFilter(langs=("es",)))[0][0]
    assert (first["first_published"], first["last_published"], first["undated"]) == (
        "2026-03-02T08:00:00Z", "2026-03-02T08:00:00Z", 1)
    assert first["languages"] == ["en", "es"] and first["size"] == 2



def test_biggest_pages_are_the_full_order_by_originals(store):
    """Biggest reads stories by stored size and stops early; every page, filtered or not, is the one
    ordering all stories by originals (copies counted once), then newest story first, would give."""
    import random

    chance = random.Random(7)
    truth: dict[str, tuple[int, int, str]] = {}  # story: (originals, seq, language)
    store.prepare_reads()
    for seq in range(1, 191):  # the last 70: the biggest by stored size, the smallest by originals
        originals, copies = (chance.randint(1, 6), chance.choice([0, 0, 0, 1, 2, 5])) if seq <= 120 else (1, 12)
        lang, story = chance.choice(["en", "es"]), f"s{seq}"
        members = [_article(f"{story}-{n}", lang=lang) for n in range(originals + copies)]
        with store.transaction():
            store.create_story(story, seq)
            store.insert_articles(
                [(a, story, 1.0, members[0].id if n >= originals else None, np.full(4, 1.0, dtype=np.float32),
                  np.arange(8, dtype=np.uint32)) for n, a in enumerate(members)], "test")
            store.grow_story(story, [(a.lang, a.source, to_iso(a.ingested)) for a in members])
        truth[story] = (originals, seq, lang)
    for langs in [(), ("es",)]:
        ranked = [s for s, (o, seq, lang) in sorted(truth.items(), key=lambda kv: (-kv[1][0], -kv[1][1]))
                  if not langs or lang in langs]
        for offset, limit in [(0, 30), (30, 30), (0, 1), (7, 13), (100, 30)]:
            rows, more = store.story_page(StoryFilter(sort="size", langs=langs, offset=offset, limit=limit))
            assert [r["id"] for r in rows] == ranked[offset:offset + limit], (langs, offset, limit)
            assert [r["size"] for r in rows] == [truth[r["id"]][0] for r in rows]
            assert more == (len(ranked) > offset + limit)


def test_text_search_finds_words_any_case_and_accent_once_synced(store):
    store.prepare_reads()
    _search_corpus(store)
    assert store.sync_search() == 3 and store.sync_search() == 0

    def found(q: str) -> list[str]:
        return [r["id"] for r in store.story_page(StoryFilter(q=q))[0]]

    assert found("gruas") == ["s1"] and found("MUSEUM") == ["s2"] and found("estib") == ["s1"]
    assert found("port cranes") == ["s1"] and found("port museum") == [] and found("?!") == []


def test_reads_for_pages_and_api(store):
    store.prepare_reads()
    version = store.content_version()
    _search_corpus(store)
    assert store.content_version() > version
    assert store.story_row("s1")["undated"] == 1 and store.story_row("nope") is None
    assert [(r["id"], r["time"], r["undated"]) for r in store.story_article_rows("s1")] == [
        ("p1", "2026-03-02T08:00:00Z", False), ("p2", None, True)]
    article = store.article_row("p1")
    assert article["story_id"] == "s1" and article["removed"] == [] and article["extra"] == {}
    assert store.article_row("nope") is None
    assert store.story_vector_encoder("s1") == "test" and store.story_vector_encoder("nope") is None
    langs, sources = store.known_values()
    assert langs[0] == "en" or set(langs) == {"en", "es", "it"}
    assert set(sources) == {"Diário do Porto", "El Faro", "Écho du Léman"}
    spans = store.dated_spans(["s1", "s2", "nope"])
    assert spans["s2"] == ("2026-03-04T08:00:00Z", "2026-03-04T08:00:00Z", 0) and "nope" not in spans
    assert store.dated_spans([]) == {}


def test_active_sources_count_dated_named_articles_in_the_span_per_source_and_language(store):
    day = datetime(2026, 3, 2, tzinfo=UTC)
    _add(store, "s1", 1, _article("w1", source="Wire", published=day),
         _article("w2", source="Wire", published=day + timedelta(hours=5)),
         _article("w3", source="Wire", lang="es", published=day + timedelta(hours=6)),
         _article("t1", source="Tribune", published=day + timedelta(days=1)),  # the last instant counts
         _article("late", source="Late", published=day + timedelta(days=1, seconds=1)),
         _article("nameless", published=day), _article("undated", source="Undated"))
    store.prepare_reads()  # with the index, and without it (below): the same answer
    found = store.active_sources(day, day + timedelta(days=1))
    assert [(a.source, a.lang, a.articles) for a in found] == [("Wire", "en", 2), ("Tribune", "en", 1),
                                                               ("Wire", "es", 1)]
    assert store.active_sources(day + timedelta(days=3), day + timedelta(days=4)) == []


# ---------- search index: story centroids, ranked text, rows by id ----------
def _add_vectors(store: Store, story_id: str, seq: int, *rows: tuple[Article, list[float]]) -> None:
    """Store articles in a story with the given vectors."""
    with store.transaction():
        store.create_story(story_id, seq)
        store.insert_articles([(a, story_id, 1.0, None, np.asarray(v, dtype=np.float32), np.arange(8, dtype=np.uint32))
                               for a, v in rows], "test")
        store.grow_story(story_id, [(a.lang, a.source, to_iso(a.published or a.ingested)) for a, _ in rows])


def _centroids(store: Store, **filters) -> dict[str, list[float]]:
    found = store.story_vectors(StoryFilter(**filters))
    return {story_id: [round(float(x), 4) for x in row] for story_id, row in zip(found.ids, found.matrix, strict=True)}


def test_story_vectors_are_unit_centroids_once_synced_and_follow_merges(store):
    store.prepare_reads()
    _add_vectors(store, "s1", 1, (_article("a1", lang="en"), [1, 0, 0, 0]), (_article("a2", lang="es"), [0, 1, 0, 0]))
    _add_vectors(store, "s2", 2, (_article("b1", lang="it"), [0, 0, 1, 0]))
    assert store.story_vectors(StoryFilter()).ids == ()  # not synced yet
    store.sync_search()
    assert _centroids(store) == {"s1": [0.7071, 0.7071, 0.0, 0.0], "s2": [0.0, 0.0, 1.0, 0.0]}
    assert store.story_vectors(StoryFilter()).encoder == "test"
    assert list(_centroids(store, langs=("es",))) == ["s1"]
    assert store.story_vectors(StoryFilter(), among=["s2", "nope"]).ids == ("s2",)
    with store.transaction():
        store.merge_story("s2", "s1")
    _add_vectors(store, "s1", 1, (_article("a3", lang="en"), [0, 1, 0, 0]))
    store.sync_search()
    assert _centroids(store) == {"s1": [0.4082, 0.8165, 0.4082, 0.0]}  # (1, 2, 1, 0) over its four members
    store.sync_search()  # nothing new: nothing counted twice
    assert _centroids(store) == {"s1": [0.4082, 0.8165, 0.4082, 0.0]}


def test_story_vectors_come_oldest_story_first_whatever_order_they_were_summed(store):
    """Equal scores rank alike on both backends: the centroids come in story order, not in table order."""
    store.prepare_reads()
    _add_vectors(store, "later", 2, (_article("l1"), [1, 0, 0, 0]))  # summed first
    _add_vectors(store, "earlier", 1, (_article("e1"), [1, 0, 0, 0]))
    store.sync_search()
    assert store.story_vectors(StoryFilter()).ids == ("earlier", "later")
    assert store.story_vectors(StoryFilter(), among=["later", "earlier"]).ids == ("earlier", "later")


def test_reads_of_many_ids_find_them_all_in_one_order(store):
    """More ids than one SQLite statement takes parameters for (it reads them in slices)."""
    many = 1200
    with store.transaction():
        for n in range(many):
            store.create_story(f"s{n}", n + 1)
        store.insert_articles([(_article(f"a{n}"), f"s{n}", 1.0, None, np.full(4, n, dtype=np.float32),
                                np.arange(8, dtype=np.uint32)) for n in reversed(range(many))], "test")
    store.prepare_reads()
    store.sync_search()
    ids = [f"s{n}" for n in range(many)]
    assert len(store.get_vectors([f"a{n}" for n in range(many)])) == many
    assert [s for s, _ in store.articles_of_stories(ids)] == [f"s{n}" for n in reversed(range(many))]
    assert [r["id"] for r in store.story_rows(ids[::-1])] == ids[::-1]
    assert len(store.dated_spans(ids)) == many
    assert store.story_vectors(StoryFilter(), among=ids[::-1]).ids == tuple(ids)


def test_text_ranked_orders_stories_by_relevance_under_the_filters(store):
    store.prepare_reads()
    _search_corpus(store)
    _add(store, "s3", 3, _article("q1", title="Strike, strike, strike", text="A port strike and a rail strike.",
                                  lang="en"))
    _add(store, "s4", 4, _article("q2", title="Weather", text="A strike of lightning hit a long old tree.", lang="en"))
    store.sync_search()
    assert store.text_ranked("strike", StoryFilter(), 10)[0] == "s3"
    assert set(store.text_ranked("strike", StoryFilter(), 10)) == {"s1", "s3", "s4"}
    assert store.text_ranked("strike", StoryFilter(), 1) == ["s3"]
    assert store.text_ranked("strike", StoryFilter(), 10, among=["s4", "s2"]) == ["s4"]
    assert store.text_ranked("gruas", StoryFilter(langs=("es",)), 10) == ["s1"]
    assert store.text_ranked("gruas", StoryFilter(langs=("it",)), 10) == []
    assert store.text_ranked("?!", StoryFilter(), 10) == []


def test_story_rows_in_the_order_asked(store):
    _search_corpus(store)
    rows = store.story_rows(["s2", "nope", "s1"])
    assert [r["id"] for r in rows] == ["s2", "s1"] and rows[1]["undated"] == 1
    assert rows[0] == store.story_row("s2") and store.story_rows([]) == []


# ---------- watches ----------
def test_watches_their_hits_and_deliveries(store):
    hooked = store.add_watch("port strike", lang="es", webhook="http://127.0.0.1:9/hook", encoder="test",
                             vector=np.array([1, 0, 0], dtype=np.float32))
    quiet = store.add_watch("museum", lang=None, webhook=None, encoder=None, vector=None)
    assert hooked.id != quiet.id
    listed = store.list_watches()
    assert [(w.id, w.query, w.lang, w.webhook) for w in listed] == [
        (hooked.id, "port strike", "es", "http://127.0.0.1:9/hook"), (quiet.id, "museum", None, None)]
    assert listed[0].vector.tolist() == [1.0, 0.0, 0.0] and listed[1].vector is None
    hits = store.record_hits([(hooked.id, "s1", "new", 1), (quiet.id, "s2", "grown", 3), (9999, "s3", "new", 1)])
    assert [(h.watch_id, h.story_id, h.kind, h.size, h.delivery) for h in hits] == [
        (hooked.id, "s1", "new", 1, "pending"), (quiet.id, "s2", "grown", 3, "none")]  # no watch 9999
    store.record_delivery(hits[0].id, "failed", 4, "HTTP 500")
    (failed,) = store.watch_hits(hooked.id)
    assert (failed.delivery, failed.attempts, failed.error) == ("failed", 4, "HTTP 500")
    with pytest.raises(ValueError):
        store.record_delivery(hits[0].id, "lost", 1)
    store.record_hits([(hooked.id, "s1", "grown", 2)])
    assert [h.kind for h in store.watch_hits(hooked.id)] == ["grown", "new"]  # newest first
    assert [h.kind for h in store.watch_hits(hooked.id, limit=1)] == ["grown"]
    counts = {w.id: (w.hits, w.deliveries) for w in store.list_watches()}
    assert counts == {hooked.id: (2, {"failed": 1, "pending": 1}), quiet.id: (1, {"none": 1})}
    assert store.remove_watch(hooked.id) and not store.remove_watch(hooked.id)
    assert store.watch_hits(hooked.id) == [] and [w.id for w in store.list_watches()] == [quiet.id]


