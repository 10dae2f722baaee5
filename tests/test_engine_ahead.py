"""Encoding ahead (issue #21): batch N+1 encodes while batch N is assigned and stored; the stories, the
store, errors and resumes are those of one batch at a time."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pytest

import storyline.engine as engine_module
from builders import fail_write
from storyline.embed import HashingEncoder
from storyline.embed.ahead import EncodesAhead
from storyline.errors import InputError
from storyline.types import RawRecord
from test_writer import _contents, _engine, _stream, _summary


class _Pending:
    def __init__(self, owner: ThreadedAhead, future: Future) -> None:
        self._owner, self._future = owner, future

    def result(self) -> np.ndarray:
        vectors = self._future.result()
        with self._owner.lock:
            self._owner.open -= 1
        return vectors


class ThreadedAhead(HashingEncoder):
    """The hashing encoder, encoding ahead on a real thread (slowly, so the engine's work overlaps it);
    notes how many batches were started while an earlier one was still unread."""

    def __init__(self) -> None:
        super().__init__()
        self.pool = ThreadPoolExecutor(1)
        self.lock = threading.Lock()
        self.open = 0
        self.started = 0
        self.overlapped = 0  # batches started before the one before them was read

    def _slow(self, texts: Sequence[str]) -> np.ndarray:
        time.sleep(0.01)
        return super().encode(texts)

    def encode_ahead(self, texts: Sequence[str]) -> _Pending | None:
        if not texts:
            return None
        with self.lock:
            self.overlapped += self.open > 0
            self.open += 1
            self.started += 1
        return _Pending(self, self.pool.submit(self._slow, list(texts)))


def _ahead_engine(path, background: bool = True):
    engine = _engine(path, background)
    engine.encoder = engine.preparer._encoder = ThreadedAhead()  # type: ignore[attr-defined]
    engine.clusterer.new_story_id = engine.story_ids
    return engine


def _plain_engine(path, background: bool = True):
    engine = _engine(path, background)
    engine.clusterer.new_story_id = engine.story_ids
    return engine


def _slow_writes(monkeypatch) -> None:
    real = engine_module.write_batch

    def slow(store, *args):  # each write lands after the next batches have read what they need
        time.sleep(0.03)
        return real(store, *args)

    monkeypatch.setattr(engine_module, "write_batch", slow)


def test_the_test_encoder_has_the_capability_and_the_plain_one_not():
    assert isinstance(ThreadedAhead(), EncodesAhead)
    assert not isinstance(HashingEncoder(), EncodesAhead)


@pytest.mark.parametrize("background", [False, True])
def test_encoding_ahead_stores_exactly_what_one_batch_at_a_time_stores(tmp_path, monkeypatch, background):
    _slow_writes(monkeypatch)
    records = _stream()
    with _plain_engine(tmp_path / "plain.db", background) as engine:
        plain = _summary(engine.ingest_records(records)), _contents(tmp_path / "plain.db")
    with _ahead_engine(tmp_path / "ahead.db", background) as engine:
        ahead = _summary(engine.ingest_records(records)), _contents(tmp_path / "ahead.db")
        encoder = engine.encoder
    assert isinstance(encoder, ThreadedAhead)
    assert encoder.started >= len(records) // 8 - 1 and encoder.overlapped >= encoder.started - 2
    # what crosses batches, for the comparison to mean something: copies, re-sent articles, reused ids, merges
    assert plain[0][1] > 0 and plain[0][2] > 0 and plain[0][3].get("duplicate_id")
    assert any(kind == "merged_into" for _, kind, _ in plain[1]["lineage"])
    assert ahead == plain


def test_an_article_sent_again_in_the_next_batch_is_already_stored_while_its_first_copy_waits(tmp_path):
    text = "Heavy rain floods the old town of Valmare on Monday, and the harbour closes for the day."
    first = [RawRecord(origin=f"x:{k}", id=f"a{k}", text=f"{text} Item {k}.") for k in range(8)]
    again = [first[3], RawRecord(origin="x:9", id="a5", text="Other words about taxes in another town.")]
    with _ahead_engine(tmp_path / "a.db") as engine:
        report = engine.ingest_records(first + again)
    assert report.ingested == 8 and report.already_stored == 1 and report.rejected["duplicate_id"] == 1


def test_a_strict_error_in_the_next_batch_keeps_the_batch_before_it(tmp_path):
    records = _stream(40)
    records[20] = RawRecord(origin="bad:1", id="bad", text="")  # batch 3 of 8: rejected, strict stops there
    stored = {}
    for name, make in (("plain", _plain_engine), ("ahead", _ahead_engine)):
        with make(tmp_path / f"{name}.db") as engine, pytest.raises(InputError, match=r"^bad:1: "):
            engine.ingest_records(records, strict=True)
        stored[name] = _contents(tmp_path / f"{name}.db")
    assert len(stored["plain"]["articles"]) > 0
    assert stored["ahead"] == stored["plain"]


def test_a_failed_write_with_a_batch_encoding_ahead_keeps_earlier_batches_and_a_new_run_resumes(tmp_path, monkeypatch):
    records = _stream()
    path = tmp_path / "f.db"
    fail_write(monkeypatch, at=3)
    with _ahead_engine(path) as engine, pytest.raises(sqlite3.OperationalError, match="simulated"):
        engine.ingest_records(records)
    with sqlite3.connect(path) as conn:
        assert 0 < conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] <= 16
    monkeypatch.undo()  # writes work again
    with _ahead_engine(path) as engine:  # a new run resumes: nothing lost, nothing twice
        engine.ingest_records(records)
    with _plain_engine(tmp_path / "r.db") as engine:
        engine.ingest_records(records)
    got, want = _contents(path), _contents(tmp_path / "r.db")
    assert sorted(a[0] for a in got["articles"]) == sorted(a[0] for a in want["articles"])
    assert got["vectors"] == want["vectors"]


def test_an_interrupted_ingest_resumes_without_loss_or_duplicates(tmp_path):
    records = _stream()
    path = tmp_path / "i.db"
    seen = []

    def interrupt(count: int) -> None:  # Ctrl-C after the fourth batch is stored, one batch encoding ahead
        seen.append(count)
        if len(seen) == 4:
            raise KeyboardInterrupt

    with _ahead_engine(path) as engine, pytest.raises(KeyboardInterrupt):
        engine.ingest_records(records, progress=interrupt)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] > 0
    with _ahead_engine(path) as engine:
        engine.ingest_records(records)
    with _plain_engine(tmp_path / "r.db") as engine:
        engine.ingest_records(records)
    got, want = _contents(path), _contents(tmp_path / "r.db")
    assert sorted(a[0] for a in got["articles"]) == sorted(a[0] for a in want["articles"])
    assert got["vectors"] == want["vectors"] and len(got["rejections"]) == len(want["rejections"])


EVENTS = ["heavy rain flooded the harbour district of Valmare", "the parliament of Nordia passed a budget",
          "a fire destroyed the old textile mill in Brenton", "miners at Kessel went on strike over pay",
          "a new bridge over the river Aln opened to traffic"]


def _use_records() -> list[RawRecord]:
    """Five events told 16 times each over five batches of 16 (each batch long enough to share with a helper)."""
    return [RawRecord(origin=f"u:{k}", id=f"u{k}", lang="en", published=f"2026-03-02T{k % 24:02d}:00:00Z",
                      title=EVENTS[k % 5].capitalize(),
                      text=f"{EVENTS[k % 5].capitalize()}. " * 3 + f"It was the {k}th account of it.")
            for k in range(80)]


def _use_partition(path, workers: int, kill_after: int | None = None) -> tuple[dict, int]:
    from storyline.embed import USEEncoder
    from storyline.engine import Engine
    from storyline.settings import Settings

    encoder = USEEncoder(workers=workers)
    done = []

    def progress(count: int) -> None:
        done.append(count)
        if len(done) == kill_after:  # the helper dies with the next batch in its queue
            proc = encoder._helpers[0]._proc
            assert proc is not None
            proc.kill()

    settings = Settings(db=str(path), encoder="use", batch_size=16)
    try:
        with Engine(path, encoder=encoder, settings=settings) as engine:
            report = engine.ingest_records(_use_records(), progress=progress)
            assert report.ingested == 80
            stories = {a.article_id: a.story_id for a in report.assignments}
            if kill_after is not None:
                # batches 1-3 were started ahead before the kill; whether the fourth is depends on when the
                # death is noticed (a loaded machine noticed it first once in three runs)
                assert encoder.share.batches >= 3
                assert not encoder._helpers[0].alive
    finally:
        encoder.close()
    groups: dict[str, set[str]] = {}
    for article, story in stories.items():
        groups.setdefault(story, set()).add(article)
    return {min(g): g for g in groups.values()}, len(stories)


def test_use_with_its_helper_encoding_ahead_and_dying_mid_run_loses_nothing(tmp_path):
    one_process, _ = _use_partition(tmp_path / "one.db", workers=0)
    ahead, count = _use_partition(tmp_path / "ahead.db", workers=1, kill_after=2)
    assert count == 80 and ahead == one_process and len(one_process) >= 5
    with sqlite3.connect(tmp_path / "ahead.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] == 80


@pytest.mark.parametrize("ahead", [False, True])
def test_a_near_copys_headline_is_read_from_the_batch_waiting_for_its_vectors(tmp_path, ahead):
    """A boilerplate body under another headline is no copy, its original in the batch just before (not yet
    assigned when this one is prepared ahead)."""
    from storyline.engine import Engine
    from storyline.settings import Settings

    # the crime desk's box names the gunfire, so the cleaner keeps it as a body (clean: unrelated_body)
    box = ("Get email notifications on gunfire and crime reports daily! Your notification has been saved. Whenever "
           "a reporter posts new content, you'll get an email delivered to your inbox with a link to it.")
    rows = [("marion", "Four injured by gunfire outside Marion nightclub"),
            ("vortex", "Police: Vortex gunman in custody after gunfire"),
            ("again", "Four injured by gunfire outside a Marion nightclub")]
    records = [RawRecord(origin=f"b:{i}", id=i, title=t, text=box, lang="en",
                         published=f"2026-03-0{k + 1}T08:00:00Z") for k, (i, t) in enumerate(rows)]
    settings = Settings(db=str(tmp_path / "b.db"), encoder="hashing", batch_size=1)
    encoder = ThreadedAhead() if ahead else HashingEncoder()
    with Engine(tmp_path / "b.db", encoder=encoder, settings=settings) as engine:
        report = engine.ingest_records(records)
        assert report.duplicates == 1
        assert engine.store.article_meta("vortex")["duplicate_of"] is None
        assert engine.store.article_meta("again")["duplicate_of"] == "marion"
    assert not ahead or encoder.overlapped >= 1  # type: ignore[union-attr]
