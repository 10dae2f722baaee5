"""`storyline ingest --dask`: the per-article stages on a real LocalCluster (worker processes) give the
same stories, rejections and messages as a plain ingest; a bad cluster address is a clear error."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import storyline
from storyline.errors import EXIT_BAD_INPUT, EXIT_FAILED

pytest.importorskip("distributed", reason="the dask extra is not installed: pip install -e '.[dask]'")

DEMO = Path(__file__).resolve().parents[1] / "examples" / "demo-corpus.jsonl"
# Inputs a plain ingest rejects or skips, mixed into the demo corpus: each must be counted and named alike.
BAD_LINES = [
    '{"id": "broken", "text": "a line cut off in the middle',  # malformed JSON: the reader's rejection
    json.dumps({"id": "short-1", "title": "", "text": "Too short."}),  # under min_words
    json.dumps({"id": "demo-001", "title": "Another article", "text": "A different text under an id already used "
                "by the first article of the corpus, which must be refused."}),  # duplicate_id
]
# Small batches, so several are in flight on the workers at once (the window) and results come back out of order.
BATCH = "16"


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True,
                          env=env or dict(os.environ), timeout=300)


def _summary(stdout: str) -> str:
    """The ingest summary without its timing."""
    return re.sub(r" — [\d.]+ s, [\d.]+ articles/s", "", stdout)


def _partition(db: Path) -> dict[str, list[str]]:
    """Each story id with its article ids."""
    return {s.id: sorted(storyline.story(s.id, db=str(db)).article_ids) for s in storyline.stories(db=str(db))}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same input ingested plainly and through --dask local:2 (the default encoder: the real model)."""
    folder = tmp_path_factory.mktemp("dask")
    lines = DEMO.read_text(encoding="utf-8").splitlines()
    source = folder / "input.jsonl"
    source.write_text("\n".join(lines[:20] + BAD_LINES + lines[20:]) + "\n", encoding="utf-8")
    out = {}
    for name, extra in [("plain", []), ("dask", ["--dask", "local:2"])]:
        db = folder / f"{name}.db"
        result = _run("ingest", str(source), "--db", str(db), "--batch-size", BATCH, *extra)
        assert result.returncode == 0, result.stderr
        out[name] = (result, db)
    return source, out


@pytest.mark.slow
def test_dask_gives_the_stories_of_a_plain_run(runs):
    _, out = runs
    plain, dask = _partition(out["plain"][1]), _partition(out["dask"][1])
    assert sum(len(ids) for ids in plain.values()) == 57
    assert dask == plain  # same story ids, each with the same articles


@pytest.mark.slow
def test_dask_counts_and_names_rejections_as_a_plain_run(runs):
    _, out = runs
    (plain, _), (dask, _) = out["plain"], out["dask"]
    assert "rejected 3 (" in plain.stdout
    assert _summary(dask.stdout) == _summary(plain.stdout)
    named = [line for line in plain.stderr.splitlines() if line.strip().startswith("rejected ")]
    assert len(named) == 3 and any(":21 (malformed_json" in line for line in named)
    assert [line for line in dask.stderr.splitlines() if line.strip().startswith("rejected ")] == named


@pytest.mark.slow
def test_strict_stops_at_the_same_line_with_dask(runs):
    source, _ = runs
    env = dict(os.environ, STORYLINE_ENCODER="hashing")  # no model: this is about the error path
    folder = source.parent
    plain = _run("ingest", str(source), "--db", str(folder / "strict-plain.db"), "--strict", env=env)
    dask = _run("ingest", str(source), "--db", str(folder / "strict-dask.db"), "--strict", "--dask", "local:1", env=env)
    assert plain.returncode == dask.returncode == EXIT_BAD_INPUT
    assert "input.jsonl:21: malformed json" in plain.stderr
    assert plain.stderr.splitlines()[0] == dask.stderr.splitlines()[0]


def test_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch):
    from storyline.cli import main
    from storyline.compute import cluster

    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1.0)
    monkeypatch.setenv("STORYLINE_ENCODER", "hashing")
    result = CliRunner().invoke(main, ["ingest", str(DEMO), "--db", str(tmp_path / "x.db"),
                                       "--dask", "tcp://127.0.0.1:1"])
    assert result.exit_code == EXIT_FAILED, result.output
    assert "could not reach the Dask scheduler at tcp://127.0.0.1:1" in result.output
    assert "hint:" in result.output and "local:N" in result.output


def test_a_malformed_address_is_bad_usage(tmp_path, monkeypatch):
    from storyline.cli import main

    monkeypatch.setenv("STORYLINE_ENCODER", "hashing")
    result = CliRunner().invoke(main, ["ingest", str(DEMO), "--db", str(tmp_path / "x.db"), "--dask", "scheduler"])
    assert result.exit_code == EXIT_BAD_INPUT, result.output
    assert "neither a scheduler address nor local:N" in result.output
