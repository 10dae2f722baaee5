"""Smoke test of the speed harness (run.py and its sections) on a tiny synthetic stream (no timing assertions)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_kit
import ingest_speed
import results_report
import scaling
import synth
from machine import describe as machine

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture(scope="module")
def stream(tmp_path_factory) -> Path:
    return synth.write(200, path=tmp_path_factory.mktemp("bench") / "stream.jsonl")


def test_stream_is_in_time_order_with_gold_stories(stream):
    rows = [json.loads(line) for line in stream.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 200
    assert len({r["id"] for r in rows}) == 200
    assert [r["published"] for r in rows] == sorted(r["published"] for r in rows)
    sizes = Counter(r["story"] for r in rows)
    assert 40 < len(sizes) < 200  # many stories, some with several articles
    assert all(r["title"] and r["text"] and r["lang"] for r in rows)


def test_stream_is_reproducible_and_story_vocabulary_is_consistent():
    first = list(synth.stream(50, seed=3))
    assert first == list(synth.stream(50, seed=3))
    assert first != list(synth.stream(50, seed=4))


def test_end_to_end_times_every_stage(stream):
    result = ingest_speed.end_to_end(stream, 120, "hashing")
    assert result["articles"] > 100
    assert set(result["stage_articles_per_s"]) == set(ingest_speed.STAGES)
    assert all(v is not None and v > 0 for v in result["stage_articles_per_s"].values())


def test_scaling_points_cost_ratio_and_report(stream, tmp_path):
    scale = scaling.scaling(stream, chunk=50, quiet=True)
    points = scale["points"]
    assert [p["articles_seen"] for p in points][-1] > 180
    assert points[-1]["stories_seen"] >= points[0]["stories_seen"] > 0
    ratio = scaling.cost_ratio(points, low=10, high=10_000)
    assert ratio["ratio"] is not None and ratio["at_stories"] >= 10
    results = {
        "date": "today", "machine": machine(), "quick": True, "load_start": bench_kit.load_average(),
        "load_end": bench_kit.load_average(), "end_to_end": ingest_speed.end_to_end(stream, 60, "hashing"),
        "encoder_processes": {"one_process": 1.0, "two_processes": 1.0, "ratio": 1.0},
        "dedup_signatures": ingest_speed.dedup_signatures(stream, 50),
        "html_extraction_per_s": ingest_speed.html_extraction(stream, 5),
        "scaling": scale, "cost_ratio": ratio,
        "cost_ratio_cpu": scaling.cost_ratio(points, low=10, high=10_000, key="assign_store_cpu_ms_per_article"),
        "storylines": ingest_speed.storyline_overhead(stream, 120, rounds=1),
    }
    assert results["cost_ratio_cpu"]["ms_early"] > 0
    assert results["end_to_end"]["assign_plus_store_cpu_per_s"] > 0
    assert results["dedup_signatures"]["identical"] is True
    (tmp_path / "RESULTS.md").write_text(f"# old\n\n{bench_kit.HAND_WRITTEN}\n## By hand\nkept\n")
    results_report.write_results(results, out=tmp_path)
    text = (tmp_path / "RESULTS.md").read_text()
    assert "# old" not in text and text.endswith(f"{bench_kit.HAND_WRITTEN}\n## By hand\nkept\n")
    assert "articles/s" in text and "Load average" in text and "on CPU time" in text
    assert "of story assignment" in text and results["storylines"]["assign_cpu_s"] > 0
    assert json.loads((tmp_path / "results.json").read_text())["cost_ratio"] == ratio


def test_word_hash_encoder_separates_stories():
    rows = list(synth.stream(400, seed=5))
    by_story: dict[str, list[dict]] = {}
    for row in rows:
        by_story.setdefault(row["story"], []).append(row)
    pairs = [v[:2] for v in by_story.values() if len(v) >= 2][:10]
    encoder = bench_kit.WordHashEncoder()
    texts = [f"{r['title']}\n\n{r['text']}" for pair in pairs for r in pair]
    vectors = encoder.encode(texts)
    same = [float(vectors[i] @ vectors[i + 1]) for i in range(0, len(texts), 2)]
    other = [float(vectors[i] @ vectors[(i + 2) % len(texts)]) for i in range(0, len(texts), 2)]
    assert sum(same) / len(same) > sum(other) / len(other) + 0.2


def test_scaling_stops_soon_after_the_story_target(stream):
    scale = scaling.scaling(stream, chunk=20, quiet=True, stop_at_stories=10, extra_chunks=1)
    reached = [p["stories_seen"] >= 10 for p in scale["points"]]
    assert reached[-2:] == [True, True] and reached.count(True) == 2


def test_the_warm_up_starts_every_encoder_helper():
    from storyline.embed.use import MIN_PARALLEL_CHARS, _split

    assert sum(map(len, ingest_speed.WARM_UP)) >= MIN_PARALLEL_CHARS
    # the helper gets a share, so its model loads before the timed run
    assert all(_split(list(ingest_speed.WARM_UP), 2))


def test_store_backends_are_compared_or_skipped_saying_why(stream, monkeypatch):
    import bench_store

    import pg_cluster

    result = bench_store.compare(stream, 150, rounds=1, batch_size=64)  # two full batches: written in the background
    if "skipped" not in result:
        assert result["sqlite"]["articles"] == result["postgres"]["articles"] == result["articles"] > 120
        assert result["sqlite"]["writer_per_s"] > 0 and result["postgres"]["writer_per_s"] > 0
        assert any("PostgreSQL writes at" in line for line in bench_store.report_lines(result))

    def no_cluster(settings):
        raise pg_cluster.NoPostgres(pg_cluster.INSTALL_HINT)

    monkeypatch.delenv("STORYLINE_BENCH_POSTGRES", raising=False)
    monkeypatch.setattr(pg_cluster, "start_cluster", no_cluster)
    skipped = bench_store.compare(stream, 40, rounds=1)
    assert "apt-get install postgresql" in skipped["skipped"]
    assert "not measured" in bench_store.report_lines(skipped)[-1]


def test_a_results_page_keeps_its_hand_written_part(tmp_path):
    page = tmp_path / "STORE.md"
    assert bench_kit.kept_tail(page) == []
    page.write_text(f"# Store backends\nold figures\n\n{bench_kit.HAND_WRITTEN}\n## Size\nkept\n", encoding="utf-8")
    assert bench_kit.kept_tail(page) == ["", f"{bench_kit.HAND_WRITTEN}\n## Size\nkept"]


def test_two_writers_of_one_stream_leave_it_whole(tmp_path, monkeypatch):
    """A rival process writing the same stream meanwhile (here: started from inside the first one's write)
    neither breaks the first one's rename nor leaves a mixed file or a temporary one behind."""
    target = tmp_path / "stream.jsonl"
    plain = synth.stream

    def stream_with_a_rival(n, seed, days):
        for k, row in enumerate(plain(n, seed=seed, days=days)):
            if k == n // 2:
                monkeypatch.setattr(synth, "stream", plain)
                assert synth.write(n, path=target, seed=seed, days=days) == target
            yield row

    monkeypatch.setattr(synth, "stream", stream_with_a_rival)
    assert synth.write(60, path=target, seed=3) == target
    whole = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in plain(60, seed=3, days=42.0))
    assert target.read_text(encoding="utf-8") == whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["stream.jsonl"]


def test_run_wires_the_sections_and_every_harness_module_stays_small():
    import run

    assert run.scaling is scaling.scaling and run.write_results is results_report.write_results
    assert run.end_to_end is ingest_speed.end_to_end and run.in_child is bench_kit.in_child
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in BENCHMARKS.glob("*.py")}
    assert not {name: lines for name, lines in sizes.items() if lines >= 500}
