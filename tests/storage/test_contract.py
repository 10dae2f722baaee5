"""What every storage backend must do: the Store contract, run against each backend.

The backends and the ``store``/``location`` fixtures are in conftest.py; the reads for the web and
search are in test_contract_reads.py. Everything here goes through ``open_store`` and the ``Store``
protocol only.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from storage_kit import add_to_story as _add
from storage_kit import make_article as _article
from storyline.errors import StoreError
from storyline.fetch_state import FetchState
from storyline.storage import StorylineUpdate, StoryLink, from_iso, open_store, to_iso
from storyline.types import RemovedLine


def test_the_backend_offers_every_method_of_the_protocol(store):
    from storyline.storage import protocol

    parts = [protocol.Database, protocol.Counters, protocol.ArticleStore, protocol.StoryStore,
             protocol.RejectionStore, protocol.SentenceStore, protocol.FetchLog, protocol.StoryReads,
             protocol.SearchIndex, protocol.WatchStore, protocol.StorylineStore]
    assert set(protocol.Store.__mro__) >= set(parts)
    wanted = {name for part in parts for name in vars(part) if not name.startswith("_")}
    missing = sorted(name for name in wanted if not hasattr(store, name))
    assert not missing and isinstance(store.path, str)


# ---------- migrations ----------
def test_migrations_run_once_and_reopening_is_idempotent(location):
    first = open_store(location)
    version = first.schema_version()
    assert version > 0
    _add(first, "s1", 1, _article("a1"))
    first.close()
    again = open_store(location)
    assert again.schema_version() == version and again.count_articles() == 1
    again.close()


def test_many_opens_at_once_migrate_a_new_database_once(location):
    errors: list[BaseException] = []

    def open_and_close() -> None:
        try:
            open_store(location).close()
        except BaseException as exc:  # collected: a thread's error must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=open_and_close) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert open_store(location).schema_version() > 0


# ---------- articles ----------
def test_article_round_trip_keeps_every_field(store):
    article = _article("a1", url="https://x.example/1", source="x.example",
                       published=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
                       removed=(RemovedLine("Leave a Reply", "comment_form"),),
                       extra={"section": "world", "n": 3})
    with store.transaction():
        store.create_story("s1", 1)
        store.insert_article(article, story_id="s1", similarity=1.0, duplicate_of=None)
        store.insert_vector("a1", "test", np.ones(4, dtype=np.float32))
    assert store.get_article("a1") == article
    assert store.find_article_by_url("https://x.example/1").id == "a1"
    assert store.get_vector("a1").tolist() == [1.0] * 4
    assert store.get_article("nope") is None and store.get_vector("nope") is None
    assert store.hashes_of(["nope", "a1", "a1"]) == {"a1": "h-a1"} and store.hashes_of([]) == {}
    assert store.lead_of("a1", 4) == (article.title, article.text[:4]) and store.lead_of("nope", 4) is None


def test_the_space_of_each_table_is_told_biggest_first(store):
    _add(store, "s1", 1, *[_article(f"a{n}", text="Body text here. " * 50) for n in range(40)])
    store.checkpoint()
    space = store.space_by_table()
    assert space["articles"] > 0 and space["vectors"] > 0
    assert list(space.values()) == sorted(space.values(), reverse=True)


def test_a_batch_of_articles_keeps_order_links_vectors_and_signatures(store):
    one, two = _article("a1", url="https://x.example/1", extra={"k": 1}), _article("a2", source="y.example")
    with store.transaction():
        store.create_story("s1", 1)
        store.insert_articles(
            [(one, "s1", 0.5, None, np.ones(4), np.arange(8, dtype=np.uint32)),
             (two, "s1", 0.9, "a1", np.zeros(4), np.arange(8, dtype=np.uint32) + 1)], "test")
    assert store.get_article("a1") == one and store.get_article("a2") == two
    assert store.article_meta("a2") == {"story_id": "s1", "duplicate_of": "a1", "similarity": 0.9}
    assert store.article_meta("nope") is None and store.story_of("a2") == "s1"
    assert set(store.get_vectors(["a1", "a2", "nope"])) == {"a1", "a2"}
    signatures = list(store.iter_minhashes(10))
    assert [(aid, dup) for aid, _, dup in signatures] == [("a1", None), ("a2", "a1")]
    assert signatures[1][1].tolist() == list(range(1, 9))
    assert [aid for aid, _, _ in store.iter_minhashes(1)] == ["a2"]  # the newest ones
    assert store.count_articles() == 2 and store.article_story_pairs() == [("a1", "s1"), ("a2", "s1")]
    assert store.duplicate_links("s1") == {"a1": None, "a2": "a1"}
    assert store.vector_encoder() == "test"
    assert [(s.id, s.origin, s.story_id, s.duplicate_of) for s in store.article_summaries()] == [
        ("a1", "test:a1", "s1", None), ("a2", "test:a2", "s1", "a1")]


def test_articles_of_stories_come_in_arrival_order(store):
    _add(store, "s1", 1, _article("a1"))
    _add(store, "s2", 2, _article("a2"))
    _add(store, "s1", 1, _article("a3"))
    assert [(sid, a.id) for sid, a in store.articles_of_stories(["s2", "s1"])] == [
        ("s1", "a1"), ("s2", "a2"), ("s1", "a3")]
    assert [a.id for a in store.story_articles("s1")] == ["a1", "a3"]
    assert store.text_start("a1", 4) == "Body" and store.text_start("nope", 4) == ""


def test_a_failed_transaction_writes_nothing(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.create_story("s1", 1)
        store.insert_article(_article("a1"), story_id="s1", similarity=1.0, duplicate_of=None)
        raise RuntimeError("killed")
    assert store.count_articles() == 0 and store.get_story("s1") is None


# ---------- stories ----------
def test_create_grow_refresh_and_reopen_a_story(store):
    with store.transaction():
        assert store.create_story("s1", 1) is True
        assert store.create_story("s1", 1) is False
    early, late = datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 5, tzinfo=UTC)
    _add(store, "s1", 1, _article("a1", lang="en", source="b.example", published=late))
    _add(store, "s1", 1, _article("a2", lang="es", source="a.example", published=early))
    grown = store.get_story("s1")
    assert (grown.size, grown.languages, grown.sources) == (2, ("en", "es"), ("a.example", "b.example"))
    assert (grown.first_seen, grown.last_seen) == (early, late) and grown.article_ids == ("a1", "a2")
    with store.transaction():
        assert store.grow_story("nope", [("en", None, None)]) == (0, 0)
        store.refresh_story("s1", "Head", "a1")
    full = store.get_story("s1")
    assert (full.size, full.first_seen, full.last_seen, full.languages, full.sources, full.headline) == (
        2, early, late, ("en", "es"), ("a.example", "b.example"), "Head")
    with store.transaction():
        assert store.close_stories_before(late + timedelta(days=1)) == 1
    assert store.get_story("s1").status == "closed"
    with store.transaction():
        store.create_story("s1", 1)  # a closed story comes back
    assert store.get_story("s1").status == "active"


def test_create_stories_makes_a_batch_and_reopens_closed_ones(store):
    with store.transaction():
        assert store.create_stories([]) == set()
        assert store.create_stories([("s1", 1), ("s2", 2)]) == {"s1", "s2"}
    _add(store, "s1", 1, _article("a1", published=datetime(2026, 3, 2, tzinfo=UTC)))
    with store.transaction():
        assert store.close_stories_before(datetime(2026, 3, 9, tzinfo=UTC)) == 1
    assert store.get_story("s1").status == "closed"
    with store.transaction():  # one existing closed story, one existing open, two new, one listed twice
        assert store.create_stories([("s3", 3), ("s1", 1), ("s2", 2), ("s4", 4), ("s3", 3)]) == {"s3", "s4"}
    assert [store.get_story(s).status for s in ("s1", "s2", "s3", "s4")] == ["active"] * 4
    assert store.last_story_number() == 4


def test_create_stories_reports_only_the_rows_it_made(store):
    with store.transaction():
        store.create_stories([("s1", 1)])
        assert store.create_stories([("s9", 1), ("s2", 2)]) == {"s2"}  # seq 1 is taken: s9 is not made
    assert store.get_story("s9") is None and store.get_story("s2") is not None


def test_merge_keeps_lineage_and_hides_the_absorbed_story(store):
    _add(store, "s1", 1, _article("a1", lang="en", source="a.example"))
    _add(store, "s2", 2, _article("a2", lang="es", source="b.example"))
    _add(store, "s3", 3, _article("a3", lang="de", source="c.example"))
    with store.transaction():
        store.merge_story("s2", "s1")
        store.merge_story("s1", "s3")
        store.refresh_story("s3", "head", "a3")
    merged = store.get_story("s3")
    assert merged.article_ids == ("a1", "a2", "a3") and merged.languages == ("de", "en", "es")
    assert merged.merged_from == ("s1",) and merged.size == 3
    assert store.get_story("s2").merged_into == "s1" and store.get_story("s2").status == "merged"
    assert [s.id for s in store.list_stories()] == ["s3"]
    assert {s.id for s in store.list_stories(include_merged=True)} == {"s1", "s2", "s3"}
    assert store.final_story("s2") == "s3" and store.final_story("s3") == "s3"
    assert store.recent_story_ids() == ["s3"]


def test_grow_stories_equals_grow_story_one_by_one(store):
    # the writer grows a batch's stories in one call: the same summary rows and sizes as one call per story,
    # a story named twice growing twice, a missing one (0, 0)
    with store.transaction():
        store.create_stories([("s1", 1), ("s2", 2), ("s3", 3), ("t1", 4), ("t2", 5), ("t3", 6)])
        assert store.grow_story("s1", [("en", "b.example", "2026-03-05T00:00:00Z")]) == (0, 1)
        assert store.grow_story("t1", [("en", "b.example", "2026-03-05T00:00:00Z")]) == (0, 1)
    batches = [
        [("s1", [("es", "a.example", "2026-03-02T00:00:00Z"), ("en", None, None)]), ("s2", [("fr", None, None)])],
        [("nope", [("en", None, None)]), ("s3", [(None, "c.example", "2026-03-09T00:00:00Z")]),
         ("s1", [("de", "b.example", "2026-03-11T00:00:00Z")])],
    ]
    for batch in batches:
        with store.transaction():
            one_by_one = [store.grow_story(story_id.replace("s", "t"), added) for story_id, added in batch]
            assert store.grow_stories(batch) == one_by_one
    assert store.grow_stories([]) == []
    for n in (1, 2, 3):
        grown, single = store.get_story(f"s{n}"), store.get_story(f"t{n}")
        assert (grown.size, grown.languages, grown.sources, grown.first_seen, grown.last_seen) == (
            single.size, single.languages, single.sources, single.first_seen, single.last_seen)
    assert store.get_story("s1").size == 4 and store.get_story("s1").languages == ("de", "en", "es")


def test_set_headlines_sets_each(store):
    with store.transaction():
        store.create_stories([("s1", 1), ("s2", 2)])
        store.set_headlines([("s1", "One", "a1"), ("s2", "", None)])
        store.set_headlines([])
    assert (store.get_story("s1").headline, store.get_story("s2").headline) == ("One", "")


def test_headline_candidates_are_the_newest_members_without_texts(store):
    with store.transaction():
        store.create_story("s1", 1)
        for n in range(1, 6):
            store.insert_article(_article(f"a{n}"), story_id="s1", similarity=1.0, duplicate_of=None)
            if n != 4:
                store.insert_vector(f"a{n}", "test", np.full(4, n, dtype=np.float32))
        store.set_headline("s1", "Title a5", "a5")
    rows = store.headline_candidates("s1", 3)
    assert [(aid, title) for aid, title, _ in rows] == [("a3", "Title a3"), ("a4", "Title a4"), ("a5", "Title a5")]
    assert rows[1][2] is None and rows[2][2].tolist() == [5.0] * 4
    assert store.get_story("s1").headline == "Title a5"


def test_headline_candidates_of_many_stories_are_each_ones(store):
    # one statement for many stories (over the hundred a statement takes): each story's newest members, oldest
    # first, as the one-story read gives them; a story without members, or unknown, has none
    from storyline.storage.portable import headlines

    with store.transaction():
        store.create_stories([(f"s{n}", n) for n in range(1, 106)])
        for n in range(1, 106):
            for k in range(n % 5):
                store.insert_article(_article(f"a{n}-{k}"), story_id=f"s{(n * 7 + k) % 105 + 1}", similarity=1.0,
                                     duplicate_of=None)
                if k != 2:
                    store.insert_vector(f"a{n}-{k}", "test", np.full(4, n + k / 8, dtype=np.float32))
    wanted = [f"s{n}" for n in range(105, 0, -1)] + ["s404", "s1"]
    many = store.headline_candidates_of(wanted, 3)
    assert list(many) == list(dict.fromkeys(wanted)) and many["s404"] == []
    assert headlines._PER_STATEMENT < 106
    for story_id, rows in many.items():
        one = store.headline_candidates(story_id, 3)
        assert [(aid, title) for aid, title, _ in rows] == [(aid, title) for aid, title, _ in one]
        assert [None if v is None else v.tolist() for *_, v in rows] == [None if v is None else v.tolist()
                                                                          for *_, v in one]
    assert sum(len(rows) for rows in many.values()) > 80 and store.headline_candidates_of([], 3) == {}


def test_story_list_pages_newest_first(store):
    for n in range(1, 4):
        _add(store, f"s{n}", n, _article(f"a{n}", published=datetime(2026, 3, n, tzinfo=UTC)))
    assert [s.id for s in store.list_stories()] == ["s3", "s2", "s1"]
    assert [s.id for s in store.list_stories(limit=1, offset=1)] == ["s2"]
    assert store.recent_story_ids(limit=2) == ["s2", "s3"]


# ---------- story ids and counters ----------
def test_counters_never_go_backwards_and_story_numbers_see_stored_stories(store):
    assert store.counter("story") == 0 and store.last_story_number() == 0
    with store.transaction():
        store.set_counter("story", 5)
        store.set_counter("story", 3)
        store.bump_counter("writes")
        store.bump_counter("writes")
    assert store.counter("story") == 5 and store.counter("writes") == 2
    _add(store, "s9", 9, _article("a1"))  # a story past the counter (an older writer's)
    assert store.last_story_number() == 9


def test_story_ids_are_read_inside_the_write_transaction(location):
    """A writer that read the story counter, then lost a race, must see the taken ids inside its own
    write transaction and write nothing (storyline.writer.write_batch)."""
    from storyline.writer import write_batch

    mine, other = open_store(location), open_store(location)
    counter_before = mine.last_story_number()
    _add(other, "s1", 1, _article("a1"))
    with other.transaction():
        other.set_counter("story", 1)
    with pytest.raises(StoreError, match="taken by another writer"):
        write_batch(mine, [], [], [], [], [_rejection()], counter_before, 1, "test", None)
    assert mine.rejection_counts() == {}  # nothing of the refused batch was written
    mine.close()
    other.close()


def _rejection():
    from storyline.types import Rejection

    return Rejection("x.jsonl:1", "empty", "no text")


# ---------- rejections ----------
def test_a_rejection_is_stored_once_per_input_and_reason(store):
    with store.transaction():
        store.insert_rejections([("x.jsonl:1", "empty", "no text"), ("x.jsonl:2", "too_short", "2 words")])
    store.insert_rejection("x.jsonl:1", "empty", "no text, again")
    assert store.rejection_counts() == {"empty": 1, "too_short": 1}


# ---------- sentence cache ----------
def test_sentence_vectors_are_replaced_per_article_and_encoder(store):
    _add(store, "s1", 1, _article("a1"))
    with store.transaction():
        store.replace_sentences("a1", "enc", [("sentence", "One.", None, np.ones(3)),
                                              ("quote", "Two.", "Eva", np.zeros(3))])
        store.replace_sentences("a1", "other", [("sentence", "One.", None, np.full(3, 2.0))])
    assert {text: v.tolist() for text, v in store.sentence_vectors(["a1"], "enc")["a1"].items()} == {
        "One.": [1.0] * 3, "Two.": [0.0] * 3}
    with store.transaction():
        store.replace_sentences("a1", "enc", [("sentence", "Three.", None, np.ones(3))])
    assert list(store.sentence_vectors(["a1", "nope"], "enc")["a1"]) == ["Three."]
    assert store.sentence_vectors(["a1"], "none") == {}


# ---------- fetch state ----------
def test_fetch_state_counts_attempts_and_keeps_what_it_learnt(store):
    state = FetchState(store, max_attempts=2)
    assert state.get("https://n.example/a") is None and state.counts() == {}
    state.record("https://n.example/a", "failed", reason="timeout", feed_url="https://n.example/rss")
    state.record("https://n.example/a", "ingested", article_id="a1", etag='"x"')
    got = state.get("https://n.example/a")
    assert (got.status, got.attempts, got.article_id, got.feed_url, got.etag) == (
        "ingested", 2, "a1", "https://n.example/rss", '"x"')
    state.record_feed("https://n.example/rss", "ok", etag='"v1"', items_new=2)
    state.record_feed("https://n.example/rss", "interrupted", etag='"v2"', keep_validators=True, items_new=1)
    feed = state.feed("https://n.example/rss")
    assert (feed.etag, feed.polls, feed.items_new, feed.last_status) == ('"v1"', 2, 3, "interrupted")
    assert state.counts() == {"ingested": 1}


def test_fetch_writes_roll_back_with_the_callers_transaction(store):
    state = FetchState(store)
    with pytest.raises(RuntimeError), store.transaction():
        state.record("https://n.example/a", "ingested")
        raise RuntimeError("the batch failed")
    assert state.get("https://n.example/a") is None
    state.record("https://n.example/a", "rejected", reason="http_404")
    assert state.get("https://n.example/a").status == "rejected"


# ---------- storylines ----------
def _link(story_id: str, line_id: str, step: int, size: int = 1) -> StoryLink:
    return StoryLink(story_id, line_id, (("n:varga", size), ("n:lena", 1)), size, 1.0e9 + step, 1.0e9 + step, step)


def test_storylines_round_trip_links_in_change_order(store):
    assert store.last_storyline_number() == 0 and store.storyline_links(10) == [] and store.storyline_of("s1") is None
    with store.transaction():
        store.save_storylines(StorylineUpdate(created=(("L1", 1),), links=(_link("s1", "L1", 1),)))
    store.save_storylines(StorylineUpdate(created=(("L2", 2),), links=(_link("s2", "L2", 2), _link("s1", "L1", 3, 2))))
    assert store.last_storyline_number() == 2 and store.storyline_of("s1") == "L1"
    assert store.storyline_links(10) == [_link("s2", "L2", 2), _link("s1", "L1", 3, 2)]  # oldest change first
    assert store.storyline_links(1) == [_link("s1", "L1", 3, 2)]
    assert not StorylineUpdate() and StorylineUpdate(dropped=("s9",))


def test_a_storyline_merge_moves_its_stories_and_keeps_where_it_went(store):
    _add(store, "s1", 1, _article("a1", published=datetime(2026, 4, 1, tzinfo=UTC)))
    _add(store, "s2", 2, _article("a2", published=datetime(2026, 4, 9, tzinfo=UTC)),
         _article("a3", published=datetime(2026, 4, 10, tzinfo=UTC)))
    _add(store, "s3", 3, _article("a4"))
    store.set_headline("s2", "Varga charged", "a2")
    store.save_storylines(StorylineUpdate(created=(("L1", 1), ("L2", 2)),
                                          links=(_link("s1", "L1", 1), _link("s2", "L2", 1), _link("s3", "L2", 1))))
    store.save_storylines(StorylineUpdate(merges=(("L2", "L1"),), dropped=("s3",)))
    assert store.storyline_of("s2") == "L1" and store.storyline_of("s3") is None
    merged = store.get_storyline("L2")
    assert merged is not None and merged.merged_into == "L1" and merged.stories == 0
    line = store.get_storyline("L1")
    assert line is not None and (line.stories, line.articles, line.headline) == (2, 3, "Varga charged")
    assert (line.first, line.last) == ("2026-04-01T00:00:00Z", "2026-04-10T00:00:00Z")
    assert [s.id for s in store.list_storylines()] == ["L1"] and store.list_storylines(min_stories=3) == []
    assert store.get_storyline("L9") is None and store.storyline_events("L9") == []
    events = store.storyline_events("L1")
    assert [(e.story_id, e.size, e.languages, e.first) for e in events] == [
        ("s1", 1, ("en",), "2026-04-01T00:00:00Z"), ("s2", 2, ("en",), "2026-04-09T00:00:00Z")]
    assert events[1].headline == "Varga charged" and events[1].summary == "Body text here."


def test_storyline_writes_roll_back_with_the_callers_transaction(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.save_storylines(StorylineUpdate(created=(("L1", 1),), links=(_link("s1", "L1", 1),)))
        raise RuntimeError("the batch failed")
    assert store.last_storyline_number() == 0 and store.storyline_of("s1") is None


# ---------- connections, snapshots and the writer lease ----------
def test_a_second_store_sees_committed_writes(location):
    writer, reader = open_store(location), open_store(location)
    assert writer.shared_connections()
    _add(writer, "s1", 1, _article("a1"))
    assert reader.count_articles() == 1
    writer.close()
    reader.close()


def test_a_snapshot_reads_one_moment(location):
    reader, writer = open_store(location), open_store(location)
    _add(writer, "s1", 1, _article("a1"))
    with reader.snapshot():
        before = reader.count_articles()
        _add(writer, "s2", 2, _article("a2"))
        assert reader.count_articles() == before == 1
    assert reader.count_articles() == 2
    reader.close()
    writer.close()


def test_one_writer_lease_at_a_time_and_the_waiter_is_told(location):
    holder, waiter = open_store(location), open_store(location)
    told: list[str] = []
    with holder.writer_lease(), pytest.raises(StoreError, match="still writing"), \
            waiter.writer_lease(timeout=0.2, on_wait=told.append):
        pass
    assert told and "waiting for another writer" in told[0]
    with waiter.writer_lease(timeout=0.2):  # free once its holder let go
        pass
    holder.close()
    waiter.close()


def test_times_round_trip_through_the_stored_form():
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    assert to_iso(moment) == "2026-03-02T09:30:00Z" and from_iso(to_iso(moment)) == moment
    assert to_iso(None) is None and from_iso(None) is None
