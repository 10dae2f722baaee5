"""Batch writes: the background writer stores exactly what a write in the caller's thread stores,
surfaces its errors in the caller, and keeps earlier batches when a later one fails."""

from __future__ import annotations

import random
import sqlite3
import time

import pytest

import storyline.engine as engine_module
from builders import fail_write
from storyline.clustering import StoryClusterer, StoryParams
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.settings import Settings
from storyline.types import RawRecord
from storyline.writer import Writer


def _stream(n: int = 160, seed: int = 5) -> list[RawRecord]:
    """Invented articles about two dozen events (each with its own words), a few bridging two events
    (so stories merge), and what crosses batches: near-copies of recent articles, the same article
    sent again, and an id reused for other content."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ran", "tes", "vu", "zor", "pel", "qui", "dan", "sor", "bel"]
    words = [[("".join(rng.choice(syllables) for _ in range(3))).capitalize() if j < 3 else
              "".join(rng.choice(syllables) for _ in range(3)) for j in range(14)] for _ in range(24)]
    rows: list[RawRecord] = []
    for k in range(n):
        if k > 20 and k % 5 == 0:  # a near-copy of a recent or older article
            src = rows[-rng.randrange(1, 24)]
            rows.append(RawRecord(origin=f"m:{k}", id=f"copy{k}", title=src.title,
                                  text=src.text + " More at our site.", published=src.published, lang="en"))
            continue
        if k > 20 and k % 13 == 0:  # the same article again (already stored) or its id with other content
            src = rows[-rng.randrange(1, 24)]
            rows.append(src if k % 2 else RawRecord(origin=f"m:{k}", id=src.id, text=f"Other words {k} on taxes."))
            continue
        event = min(k // 7 + rng.randrange(-3, 4), 23) if k // 7 >= 3 else rng.randrange(4)
        vocabulary = words[event] + (words[(event + 1) % 24] if k % 17 == 0 else [])  # a bridge
        body = " ".join(rng.choice(vocabulary) for _ in range(40))
        rows.append(RawRecord(origin=f"m:{k}", id=f"a{k}", title=" ".join(rng.sample(vocabulary, 5)),
                              text=f"{body}.", published=f"2026-03-{1 + k // 16:02d}T{k % 24:02d}:00:00Z", lang="en"))
    return rows


def _engine(path, background: bool) -> Engine:
    # a low merge threshold, so stories merge often and merges are in flight when later batches read
    params = StoryParams(threshold=0.5, merge_threshold=0.6, window_days=4.0)
    settings = Settings(db=str(path), encoder="hashing", batch_size=8, store_in_background=background)
    return Engine(path, encoder=HashingEncoder(), settings=settings,
                  clusterer=StoryClusterer(params, new_story_id=None))


def _contents(path) -> dict:
    with sqlite3.connect(path) as conn:
        return {
            "articles": conn.execute("SELECT id, story_id, duplicate_of, similarity FROM articles"
                                     " ORDER BY seq").fetchall(),
            "stories": conn.execute("SELECT id, size, first_seen, last_seen, languages, sources, status, headline,"
                                    " headline_article, merged_into FROM stories ORDER BY seq").fetchall(),
            "lineage": conn.execute("SELECT story_id, kind, other_id FROM story_lineage ORDER BY rowid").fetchall(),
            "rejections": conn.execute("SELECT origin, reason FROM rejections ORDER BY rowid").fetchall(),
            "vectors": conn.execute("SELECT COUNT(*) FROM vectors").fetchone(),
        }


def _summary(report) -> tuple:
    return (report.ingested, report.duplicates, report.already_stored, dict(report.rejected),
            report.stories_created, report.stories_updated, report.assignments)


def _new_engine(path, background: bool) -> Engine:
    engine = _engine(path, background)
    engine.clusterer.new_story_id = engine.story_ids  # the engine's story counter, as by default
    return engine


def test_background_writes_store_exactly_what_writes_in_the_callers_thread_store(tmp_path, monkeypatch):
    records = _stream()
    real = engine_module.write_batch

    def slow(store, *args):  # each write lands after the next batch has read what it needs
        time.sleep(0.05)
        return real(store, *args)

    results = {}
    for background in (False, True):
        path = tmp_path / f"{background}.db"
        monkeypatch.setattr(engine_module, "write_batch", slow if background else real)
        with _new_engine(path, background) as engine:
            report = engine.ingest_records(records)
        results[background] = (_summary(report), _contents(path))
        if background:
            assert report.writer_seconds > 0 and report.stage_cpu_seconds["store"] > 0
    (summary, contents), (summary_bg, contents_bg) = results[False], results[True]
    # what the stream must exercise across batches for the comparison to mean something
    assert summary[1] > 0 and summary[2] > 0 and summary[3].get("duplicate_id")
    assert any(kind == "merged_into" for _, kind, _ in contents["lineage"])
    assert summary_bg == summary
    assert contents_bg == contents


def test_a_failed_background_write_raises_in_the_caller_and_earlier_batches_stay(tmp_path, monkeypatch):
    records = _stream()
    path = tmp_path / "f.db"
    fail_write(monkeypatch, at=3)
    with _new_engine(path, True) as engine, pytest.raises(sqlite3.OperationalError, match="simulated"):
        engine.ingest_records(records)
    with sqlite3.connect(path) as conn:
        stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert 0 < stored <= 16  # the first two batches, not the failed one
    monkeypatch.undo()  # writes work again
    with _new_engine(path, True) as engine:  # a new run resumes: nothing lost, nothing twice
        engine.ingest_records(records)
    reference = tmp_path / "r.db"
    with _new_engine(reference, False) as engine:
        engine.ingest_records(records)
    assert sorted(a[0] for a in _contents(path)["articles"]) == sorted(a[0] for a in _contents(reference)["articles"])


@pytest.mark.parametrize("background", [False, True])
def test_an_engine_that_goes_on_after_a_failed_write_stores_what_a_clean_run_stores(tmp_path, monkeypatch, background):
    records = _stream()
    path = tmp_path / "f.db"
    fail_write(monkeypatch, at=4)
    with _new_engine(path, background) as engine:  # one long-lived engine, as the web app keeps
        with pytest.raises(sqlite3.OperationalError, match="simulated"):
            engine.ingest_records(records)
        engine.ingest_records(records)  # the same records again: the unstored batches go in now
    reference = tmp_path / "r.db"
    with _new_engine(reference, background) as engine:
        engine.ingest_records(records)
    got, want = _contents(path), _contents(reference)
    assert sorted(a[:3] for a in got["articles"]) == sorted(a[:3] for a in want["articles"])
    assert got["vectors"] == want["vectors"]


def test_an_in_memory_database_is_written_in_the_callers_thread():
    with Engine(":memory:", encoder=HashingEncoder(), settings=Settings(db=":memory:", batch_size=8)) as engine:
        report = engine.ingest_records(_stream(40))
        assert engine.store.count_articles() == report.ingested > 0
    assert report.writer_seconds == 0


def test_writer_runs_one_job_at_a_time_and_hands_back_results_and_errors(tmp_path):
    from storyline.storage import open_store

    open_store(tmp_path / "w.db").close()
    writer = Writer(str(tmp_path / "w.db"))
    try:
        writer.submit(lambda store, x: (store.count_articles(), x), 7)
        with pytest.raises(RuntimeError):
            writer.submit(lambda store: None)
        result, wall, cpu = writer.wait()
        assert result == (0, 7) and wall >= 0 and cpu >= 0
        writer.submit(lambda store: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            writer.wait()
        with pytest.raises(RuntimeError):
            writer.wait()
    finally:
        writer.close()


class _ScriptedClusterer:
    """Stories by the title's first word ("s1", "s2"); the article titled "bridge" merges s1 into s2.
    Records where near-copies were sent."""

    params = StoryParams()

    def __init__(self) -> None:
        self.seen: set[str] = set()
        self.copies_sent_to: list[str] = []

    def learn_one(self, item):
        from storyline.types import Assignment

        story, merged = item.title.split()[0], ()
        if story == "bridge":
            story, merged = "s2", (("s1", "s2"),)
        is_new = story not in self.seen
        self.seen.add(story)
        return Assignment(item.article_id, story, 1.0, is_new, merged=merged)

    def add_to(self, item, story_id):
        from storyline.types import Assignment

        self.copies_sent_to.append(story_id)
        return Assignment(item.article_id, story_id, 1.0, False)

    def active_story_ids(self):
        return sorted(self.seen)

    def emptied(self):
        return _ScriptedClusterer()


@pytest.mark.parametrize("background", [False, True])
def test_a_near_copy_read_while_a_merge_is_in_flight_joins_the_merged_story(tmp_path, monkeypatch, background):
    real = engine_module.write_batch

    def slow(store, *args):  # the merge lands only after the next batch has assigned its articles
        time.sleep(0.1)
        return real(store, *args)

    monkeypatch.setattr(engine_module, "write_batch", slow)
    text = " ".join(f"word{n} about the harbour strike and its many consequences" for n in range(12))
    rows = [("a1", "s1 harbour strike", text), ("a2", "s2 dock workers", "Dock workers meet today. " * 9),
            ("b1", "bridge both", "A bridge between the two stories. " * 9), ("b2", "s2 more", "More on docks. " * 9),
            ("c1", "s1 harbour strike", text + " Read more."), ("c2", "s2 later", "Later on docks. " * 9)]
    records = [RawRecord(origin=f"m:{i}", id=i, title=t, text=x, lang="en") for i, t, x in rows]
    clusterer = _ScriptedClusterer()
    settings = Settings(db=str(tmp_path / "m.db"), batch_size=2, store_in_background=background)
    with Engine(tmp_path / "m.db", encoder=HashingEncoder(), settings=settings, clusterer=clusterer) as engine:
        report = engine.ingest_records(records)
        assert report.duplicates == 1
        assert engine.store.story_of("c1") == "s2"
    assert clusterer.copies_sent_to == ["s2"]  # where the store puts its original after the merge
