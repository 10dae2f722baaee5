"""A batch's per-article work done away from the store (as a Dask worker does it), read back by the
engine: the same articles, stories, rejections and counts as the plain in-process stages."""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import fields
from pathlib import Path

import pytest

from storyline.assign import story_items_of
from storyline.compute import PendingBatch, Records, WorkOptions
from storyline.compute.work import RecordFailed, RemoteBatch, work_records
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.sources import read_paths
from storyline.storage import utcnow
from storyline.types import RawRecord

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo-corpus.jsonl"


class WorkedHere:
    """A preparer that does a worker's whole-batch work in this process and hands back RemoteBatches."""

    def __init__(self, encoder) -> None:
        self.encoder = encoder

    def run(self, batches: Iterable[Records], options: WorkOptions) -> Generator[PendingBatch, None, None]:
        for records in batches:
            done = work_records(records, options, self.encoder, utcnow())
            yield RemoteBatch(records, lambda done=done: done, self.encoder.dim)

    def close(self) -> None:
        pass


def _records() -> list[RawRecord]:
    """The demo corpus with what a plain ingest refuses or skips mixed in."""
    records = [r for r in read_paths([str(DEMO)]) if isinstance(r, RawRecord)]
    extra = [
        RawRecord(origin="x:1", id="short", text="Too short."),
        RawRecord(origin="x:2", id="demo-001", title="Other", text="A different article under a used id, refused."),
        RawRecord(origin="x:3", text=records[3].text, title=records[3].title),  # id made from content, a copy
        RawRecord(origin="x:4", text=records[3].text, title=records[3].title),  # the same again in the batch
        RawRecord(origin="x:5", id="lone", text="Word salad \ud83d with a lone surrogate in the text of it."),
    ]
    return records[:10] + extra + records[10:]


def _ingest(tmp_path: Path, name: str, remote: bool, rounds: int = 2):
    """Ingest the records ``rounds`` times (the second finds them stored); the reports and the stories."""
    encoder = HashingEncoder()
    with Engine(tmp_path / f"{name}.db", encoder=encoder) as engine:
        engine.settings = engine.settings.with_overrides({"batch_size": 8})
        if remote:
            engine.preparer = WorkedHere(encoder)
        reports = [engine.ingest_records(_records()) for _ in range(rounds)]
        stories = {s.id: sorted(engine.store.get_story(s.id).article_ids) for s in engine.store.list_stories()}
    return reports, stories


def _comparable(report) -> dict:
    """Everything a report says but its timings."""
    timings = {"seconds", "stage_seconds", "stage_cpu_seconds", "writer_seconds"}
    return {f.name: getattr(report, f.name) for f in fields(report) if f.name not in timings}


def test_remote_work_gives_what_the_plain_stages_give(tmp_path):
    plain_reports, plain_stories = _ingest(tmp_path, "plain", remote=False)
    remote_reports, remote_stories = _ingest(tmp_path, "remote", remote=True)
    first, again = plain_reports
    assert first.ingested > 50 and set(first.rejected) >= {"too_short", "duplicate_id"} and first.repaired_surrogates
    assert again.ingested == 0 and again.already_stored > 50
    assert [_comparable(r) for r in remote_reports] == [_comparable(r) for r in plain_reports]
    assert remote_stories == plain_stories


def test_a_record_that_breaks_a_stage_is_named(monkeypatch):
    from storyline.compute import work

    real = work.extract_record

    def breaks_on_the_second(record, *, min_words):
        if record.origin == "f.jsonl:2":
            raise ValueError("parser gave up")
        return real(record, min_words=min_words)

    monkeypatch.setattr(work, "extract_record", breaks_on_the_second)
    records = [RawRecord(origin=f"f.jsonl:{n}", text="Storm floods the valley of Sora again today.") for n in (1, 2)]
    with pytest.raises(RecordFailed, match=r"f\.jsonl:2: ValueError: parser gave up"):
        work_records(records, WorkOptions(3, False, 64, story_items_of), HashingEncoder(), utcnow())
