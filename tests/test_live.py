"""A live input on stdin: its articles are stored when it pauses, not only when a batch fills or it ends."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storyline.sources.live import PAUSE, batched, marking_pauses

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo-corpus.jsonl"


def slow(items: list[int], gap_after: int, gap: float) -> Iterator[int]:
    for item in items:
        yield item
        if item == gap_after:
            time.sleep(gap)


def test_a_quiet_spell_is_marked_once_between_the_records_around_it() -> None:
    marked = list(marking_pauses(slow([1, 2, 3], gap_after=2, gap=1.0), idle=0.1))
    assert [m for m in marked if m is not PAUSE] == [1, 2, 3]  # a starved reader may add a pause, never lose a record
    assert marked.index(3) - marked.index(2) == 2  # the one quiet spell: exactly one PAUSE between 2 and 3
    assert marked[0] == 1  # never a pause before the first record


def test_no_pause_is_marked_when_records_keep_coming() -> None:
    assert list(marking_pauses(range(5000), idle=5)) == list(range(5000))


def test_the_readers_error_is_raised_to_the_consumer_after_the_records_before_it() -> None:
    def failing() -> Iterator[int]:
        yield 1
        raise ValueError("line 2 of <stdin>: not JSON")

    seen = []
    with pytest.raises(ValueError, match="line 2"):
        for item in marking_pauses(failing(), idle=5):
            seen.append(item)
    assert seen == [1]


def test_batches_are_cut_at_pauses_and_at_the_end_only() -> None:
    assert list(batched([PAUSE, 1, 2, 3, 4, 5], 2)) == [([1, 2], True), ([3, 4], True), ([5], False)]
    assert list(batched([], 3)) == []


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or its schema is being written
        return 0


LINES = DEMO.read_text(encoding="utf-8").splitlines(keepends=True)


@contextmanager
def three_stored(db: Path, *options: str) -> Iterator[subprocess.Popen]:
    """A real `storyline ingest -` given three articles, stdin kept open until they are stored (killed if left)."""
    env = {**os.environ, "STORYLINE_ENCODER": "hashing"}
    proc = subprocess.Popen([sys.executable, "-m", "storyline.cli", "ingest", "-", "--db", str(db), *options],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdin is not None
    try:
        proc.stdin.writelines(LINES[:3])
        proc.stdin.flush()
        deadline = time.monotonic() + 180
        while _stored(db) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert _stored(db) == 3, "the first three articles were not stored while stdin stayed open"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        if not proc.stdin.closed:
            proc.stdin.close()


def _three_then_two(db: Path, *options: str) -> None:
    with three_stored(db, *options) as proc:
        out, err = proc.communicate("".join(LINES[3:5]), timeout=180)  # two more, then stdin ends
    assert proc.returncode == 0, err
    assert "ingested 5" in out
    assert _stored(db) == 5


def test_a_stdin_stream_that_pauses_has_its_articles_stored_before_it_goes_on(tmp_path) -> None:
    """Batches hold 256 articles: a stream of three then a pause must not wait for 253 more to be stored."""
    _three_then_two(tmp_path / "live.db")


@pytest.mark.slow
def test_with_dask_a_pause_also_hands_over_the_batches_submitted_ahead(tmp_path) -> None:
    """The Dask preparer submits a window of batches ahead: at a pause it must not wait to fill it."""
    pytest.importorskip("distributed", reason="the dask extra is not installed: pip install -e '.[dask]'")
    _three_then_two(tmp_path / "live.db", "--dask", "local:1", "--batch-size", "2")


def test_ctrl_c_on_a_paused_stdin_stream_keeps_what_was_read_and_says_how_to_go_on(tmp_path) -> None:
    db = tmp_path / "live.db"
    with three_stored(db) as proc:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)  # stdin stays open: only the Ctrl-C can end this run
        out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    assert proc.returncode == 0, err
    assert out.startswith("stopped. ingested 3")
    assert "stopping after the articles read so far" in err and "the same command again goes on" in err
    assert "Traceback" not in err and _stored(db) == 3
