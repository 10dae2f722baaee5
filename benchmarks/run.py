"""Speed and scale harness: per-stage and end-to-end articles/s, cost growth, peak memory.

    python benchmarks/run.py            # full: 3,000 articles end to end; scaling until 100,000 stories are seen
    python benchmarks/run.py --quick    # a few minutes: 400 end to end, 30,000 for scaling
    python benchmarks/run.py --million  # adds the 1,000,000-article memory run (long)

Writes benchmarks/RESULTS.md (and results.json) with the date, the machine and its load.
The scaling and memory runs go in child processes, so each peak RSS is that run's own.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_dbsize  # noqa: E402
import bench_pairs  # noqa: E402
import bench_store  # noqa: E402
import cli_memory  # noqa: E402
import synth  # noqa: E402
from machine import describe as machine  # noqa: E402

from storyline.embed import get_encoder, normalise  # noqa: E402
from storyline.engine import Engine  # noqa: E402
from storyline.settings import Settings  # noqa: E402
from storyline.sources import read_paths  # noqa: E402
from storyline.storylines import StorylineLinker, StorylineUpdate  # noqa: E402

STAGES = ("extract", "clean", "language", "dedup", "encode", "keys", "assign", "storylines", "store")
_CONTENT_WORD = re.compile(r"[^\W\d_]{4,}", re.UNICODE)


class WordHashEncoder:
    """A fast stand-in for the model in the scaling runs: hashed content words (4+ letters).

    Its cosines separate the synthetic stories about as USE does (same story ≈ 0.65, other
    stories ≈ 0.15), unlike character trigrams, under which every same-language pair looks alike
    and the clusterer would see a few huge stories instead of many thousands.
    """

    name = "bench-words"
    languages = None

    def __init__(self, dim: int = 512) -> None:
        self.dim = dim

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _CONTENT_WORD.findall(text.lower())
            idx = np.fromiter((zlib.crc32(w.encode()) % self.dim for w in words), np.int64, len(words))
            np.add.at(out[row], idx, 1.0)
        return normalise(np.sqrt(out))


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, where there is one: ru_maxrss of a process
    started by fork + exec also counts the parent's size at the fork."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _head(stream_path: Path, n: int) -> Path:
    subset = Path(tempfile.mkdtemp()) / "subset.jsonl"
    with stream_path.open(encoding="utf-8") as src, subset.open("w", encoding="utf-8") as dst:
        dst.writelines(islice(src, n))
    return subset


# Long enough for the USE encoder to share it with its helper: the model loads here and in the helper
# before the timed run (a short warm-up left the helper's ~3 s load inside it).
WARM_UP = ["warm up " * 60] * 16


def end_to_end(stream_path: Path, n: int, encoder_name: str = "use") -> dict:
    """One real ingest with the given encoder; every stage timed in the same run."""
    subset = _head(stream_path, n)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "e2e.db"), encoder=encoder_name)
        encoder = get_encoder(encoder_name)
        with Engine(settings.db, settings=settings, encoder=encoder) as engine:
            engine.encoder.encode(WARM_UP)
            report = engine.ingest_paths([str(subset)])
        getattr(encoder, "close", lambda: None)()
    seconds, cpu = report.stage_seconds, report.stage_cpu_seconds
    stages = {s: round(report.ingested / seconds[s], 1) if seconds[s] else None for s in STAGES}
    return {
        "articles": report.ingested, "seconds": round(report.seconds, 1),
        "articles_per_s": round(report.ingested / report.seconds, 1), "stage_articles_per_s": stages,
        "assign_plus_store_per_s": round(report.ingested / (seconds["assign"] + seconds["store"]), 1),
        "assign_plus_store_cpu_per_s": round(report.ingested / max(cpu["assign"] + cpu["store"], 1e-9), 1),
        # the batches are written on a background thread: "store" above is the wait for it, this its own time
        "store_writer_per_s": round(report.ingested / report.writer_seconds, 1) if report.writer_seconds else None,
        "stories": report.stories_created,
    }


def dask_ingest(stream_path: Path, n: int, warm: int = 64, encoder_name: str = "use") -> dict:
    """Ingest throughput of the same input plainly (the encoder with its helper process, as users get it;
    and on one process, as a Dask worker runs it) and with ``--dask local:1`` / ``local:2``. Each run first
    ingests ``warm`` other articles into its database, so the model load and the cluster start are left out."""
    subset = _head(stream_path, warm + n)
    records = list(read_paths([str(subset)]))
    one_process = {"workers": 0} if encoder_name == "use" else None  # USE without its helper process
    runs = {"plain": ("", None), "plain_one_process": ("", one_process),
            "dask_local_1": ("local:1", None), "dask_local_2": ("local:2", None)}
    out: dict = {"articles": n, "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
                 "load_start": load_average()}
    for name, (dask, encoder_options) in runs.items():
        with tempfile.TemporaryDirectory() as tmp:
            settings = Settings(db=str(Path(tmp) / "dask.db"), encoder=encoder_name, dask=dask)
            encoder = get_encoder(encoder_name, **(encoder_options or {}))
            with Engine(settings.db, settings=settings, encoder=encoder) as engine:
                engine.ingest_records(records[:warm])
                workers_cpu = getattr(engine.preparer, "worker_cpu_seconds", lambda: 0.0)
                cpu_before = time.process_time() + workers_cpu()
                report = engine.ingest_records(records[warm:])
                cpu = time.process_time() + workers_cpu() - cpu_before
            getattr(encoder, "close", lambda: None)()
        out[name] = {"articles_per_s": round(report.ingested / report.seconds, 1), "seconds": round(report.seconds, 1),
                     "stories": report.stories_created,
                     # this process (driver and, for local:N, the scheduler) plus the workers; the plain run's
                     # helper process is not counted
                     "cpu_seconds": None if name == "plain" else round(cpu, 2)}
        print(f"  {name}: {out[name]}", file=sys.stderr, flush=True)
    for name in ("dask_local_1", "dask_local_2"):
        for base in ("plain", "plain_one_process"):
            out[f"{name}_vs_{base}"] = round(out[name]["articles_per_s"] / out[base]["articles_per_s"], 2)
        base_cpu = out["plain_one_process"]["cpu_seconds"]
        out[f"{name}_cpu_vs_plain_one_process"] = round(out[name]["cpu_seconds"] / base_cpu, 2)
    out["load_end"] = load_average()
    return out


def encoder_processes(stream_path: Path, n: int = 320, batch: int = 64, rounds: int = 3) -> dict:
    """USE texts/s with one process vs. with a helper process (both cores), and one BLAS thread vs two (the
    thread count is chosen by this measurement on the machine as loaded), alternating rounds."""
    from storyline.embed.use import USEEncoder

    with stream_path.open(encoding="utf-8") as handle:
        texts = [f"{r['title']}\n\n{r['text']}" for r in map(json.loads, islice(handle, n))]
    encoders = {"one_process": USEEncoder(workers=0), "two_processes": USEEncoder(workers=1),
                "two_threads": USEEncoder(threads=2, workers=0)}
    rates: dict[str, list[float]] = {name: [] for name in encoders}
    for encoder in encoders.values():
        encoder.encode(texts[:batch])
    for _ in range(rounds):
        for name, encoder in encoders.items():
            started = time.perf_counter()
            for start in range(0, len(texts), batch):
                encoder.encode(texts[start : start + batch])
            rates[name].append(len(texts) / (time.perf_counter() - started))
    encoders["two_processes"].close()
    medians = {name: round(float(np.median(v)), 1) for name, v in rates.items()}
    return {**medians, "ratio": round(medians["two_processes"] / medians["one_process"], 2),
            "threads_ratio": round(medians["two_threads"] / medians["one_process"], 2)}


def dedup_signatures(stream_path: Path, n: int = 3000) -> dict:
    """MinHash signatures/s: datasketch's MinHash object per text vs. storyline's vectorised one
    (byte-identical signatures)."""
    from datasketch import MinHash

    from storyline.dedup import SCHEME, minhash, shingles

    with stream_path.open(encoding="utf-8") as handle:
        grams = [shingles(f"{r['title']}\n\n{r['text']}") for r in map(json.loads, islice(handle, n))]
    started = time.perf_counter()
    reference = []
    for g in grams:
        m = MinHash(num_perm=64, scheme=SCHEME)
        m.update_batch(list(g))
        reference.append(m.hashvalues)
    datasketch_rate = len(grams) / (time.perf_counter() - started)
    started = time.perf_counter()
    ours = [minhash(g, 64) for g in grams]
    our_rate = len(grams) / (time.perf_counter() - started)
    identical = all(np.array_equal(a, b) for a, b in zip(reference, ours, strict=True))
    return {"datasketch_per_s": round(datasketch_rate), "storyline_per_s": round(our_rate),
            "ratio": round(our_rate / datasketch_rate, 2), "identical": identical}


def html_extraction(stream_path: Path, n: int) -> float:
    """Articles/s of HTML → text with trafilatura, on pages wrapped in realistic chrome."""
    from storyline.extract import extract
    from storyline.types import RawRecord

    pages = []
    with stream_path.open(encoding="utf-8") as handle:
        for line in islice(handle, n):
            row = json.loads(line)
            paragraphs = "".join(f"<p>{p}</p>" for p in row["text"].split("\n\n"))
            pages.append(
                f"<html><head><title>{row['title']}</title></head><body><nav><a href='/'>Home</a>"
                f"<a href='/world'>World</a></nav><article><h1>{row['title']}</h1>{paragraphs}</article>"
                "<footer>© Outlet. All rights reserved.</footer></body></html>"
            )
    started = time.perf_counter()
    for k, page in enumerate(pages):
        extract(RawRecord(origin=f"page:{k}", html=page))
    return round(len(pages) / (time.perf_counter() - started), 1)


class _NoStorylines(StorylineLinker):
    """Links nothing and writes nothing: the engine as it was before storylines, for a same-run comparison."""

    def link(self, items, assignments, merges) -> StorylineUpdate:
        return StorylineUpdate()


def storyline_overhead(stream_path: Path, n: int = 6000, rounds: int = 3) -> dict:
    """What storylines add to story assignment: the same ``n`` articles ingested with and without them
    (fast stand-in encoder), alternating, ``rounds`` times each; CPU time of this process (the background
    writer's included). Medians of the rounds."""
    subset = _head(stream_path, n)
    cpu: dict[str, list[dict[str, float]]] = {"with": [], "without": []}
    for _ in range(rounds):
        for mode in ("without", "with"):
            with tempfile.TemporaryDirectory() as tmp:
                settings = Settings(db=str(Path(tmp) / "lines.db"), encoder="bench-words", clean_with_encoder=False)
                with Engine(settings.db, settings=settings, encoder=WordHashEncoder()) as engine:
                    if mode == "without":
                        engine.storylines = _NoStorylines()
                    report = engine.ingest_paths([str(subset)])
                    lines = len(engine.store.list_storylines(min_stories=2))
            took = report.stage_cpu_seconds
            cpu[mode].append({"assign": took["assign"], "storylines": took["storylines"], "store": took["store"],
                              "lines": lines})

    def median(mode: str, key: str) -> float:
        return float(np.median([r[key] for r in cpu[mode]]))

    assign = median("with", "assign")
    linking = median("with", "storylines")
    total_with = assign + linking + median("with", "store")
    total_without = median("without", "assign") + median("without", "store")
    writes = median("with", "store") - median("without", "store")  # the storyline rows, on the writer thread
    return {"articles": n, "rounds": rounds, "assign_cpu_s": round(assign, 3), "storylines_cpu_s": round(linking, 3),
            "linking_share_of_assign": round(linking / assign, 4) if assign else None,
            "storyline_writes_cpu_s": round(writes, 3),
            "assign_store_cpu_s_without": round(total_without, 3), "assign_store_cpu_s_with": round(total_with, 3),
            "added_share": round(total_with / total_without - 1, 4) if total_without else None,
            "storylines_of_two_or_more": int(median("with", "lines"))}


def scaling(stream_path: str | Path, chunk: int = 5000, quiet: bool = False, stop_at_stories: int | None = None,
            extra_chunks: int = 2) -> dict:
    """Assign + store cost per article as the number of stories seen grows (fast stand-in encoder).

    ``stop_at_stories``: end ``extra_chunks`` chunks after that many stories were seen.
    """
    points = []
    left = extra_chunks
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "scale.db"), encoder="bench-words", clean_with_encoder=False)
        with Engine(settings.db, settings=settings, encoder=WordHashEncoder()) as engine:
            records = read_paths([str(stream_path)])
            while True:
                # small chunks at first, so the cost near 1,000 stories is measured there (chunks of 1,000
                # put the first point at 1.2k stories, after most of the growth)
                size = min(chunk, 250) if len(points) < 20 else chunk
                block = list(islice(records, size))
                if not block:
                    break
                report = engine.ingest_records(block)
                cost = report.stage_seconds["assign"] + report.stage_seconds["store"]
                cpu = report.stage_cpu_seconds["assign"] + report.stage_cpu_seconds["store"]
                points.append({
                    "articles_seen": engine.store.count_articles(),
                    "stories_seen": engine.store.counter("story"),
                    "active_stories": len(engine.clusterer.active_story_ids()),
                    "assign_store_ms_per_article": round(1000 * cost / max(report.ingested, 1), 3),
                    "assign_store_cpu_ms_per_article": round(1000 * cpu / max(report.ingested, 1), 3),
                    "assign_ms": round(1000 * report.stage_seconds["assign"] / max(report.ingested, 1), 3),
                    "store_ms": round(1000 * report.stage_seconds["store"] / max(report.ingested, 1), 3),
                    "storylines_ms": round(1000 * report.stage_seconds["storylines"] / max(report.ingested, 1), 3),
                    "rss_mb": round(peak_rss_mb(), 1),
                })
                if not quiet:
                    print(f"  {points[-1]}", file=sys.stderr, flush=True)
                if stop_at_stories is not None and points[-1]["stories_seen"] >= stop_at_stories:
                    if left == 0:
                        break
                    left -= 1
            db_mb = os.path.getsize(settings.db) / 2**20
    return {"points": points, "peak_rss_mb": round(peak_rss_mb(), 1), "seconds": round(time.perf_counter() - started),
            "db_mb": round(db_mb, 1)}


def in_child(function, *args):
    """Run ``function(*args)`` in a fresh (spawned) process: its peak RSS is its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(function, args)


def cost_ratio(points: list[dict], low: int = 1000, high: int = 100_000,
               key: str = "assign_store_ms_per_article") -> dict:
    """Cost per article near ``low`` stories seen vs. near ``high`` (or the end): medians of 3 chunks.

    ``key`` picks wall time (default) or ``assign_store_cpu_ms_per_article``, this process's CPU
    time, which other jobs sharing the cores do not inflate.
    """
    def median(values):
        values = sorted(values)
        return values[len(values) // 2]

    first = next((i for i, p in enumerate(points) if p["stories_seen"] >= low), 0)
    last = next((i for i, p in enumerate(points) if p["stories_seen"] >= high), len(points) - 1)
    early = median([p[key] for p in points[first : first + 3]])
    late = median([p[key] for p in points[max(0, last - 2) : last + 1]])
    return {"at_stories": points[first]["stories_seen"], "ms_early": early,
            "final_stories": points[last]["stories_seen"], "ms_late": late,
            "ratio": round(late / early, 2) if early else None}


def dask_lines(dask: dict) -> list[str]:
    """The RESULTS.md section of ``dask_ingest``."""
    rows = [("plain (encoder + its helper process)", "plain"), ("plain, encoder on one process", "plain_one_process"),
            ("`--dask local:1`", "dask_local_1"), ("`--dask local:2`", "dask_local_2")]
    lines = [f"## Dask: the per-article stages on workers ({dask['articles']} articles, same input, one run each)", "",
             f"Run on {dask['date']}, {dask['machine']}. Load average at start {dask['load_start']}, "
             f"at end {dask['load_end']}; model load and cluster start left out (each run first ingests 64 "
             "other articles).", "",
             "| run | articles/s | seconds | CPU seconds (all processes) | stories |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {label} | {dask[key]['articles_per_s']} | {dask[key]['seconds']} | "
              f"{dask[key].get('cpu_seconds') or '-'} | {dask[key]['stories']} |" for label, key in rows]
    lines += ["", f"- `local:1` vs plain: **{dask['dask_local_1_vs_plain']}×**; vs plain on one encoder process "
                  f"(what a worker runs): **{dask['dask_local_1_vs_plain_one_process']}×**; CPU time of all its "
                  f"processes vs that run's: **{dask.get('dask_local_1_cpu_vs_plain_one_process', '-')}×** "
                  "(immune to the load of other jobs)",
              f"- `local:2` vs plain: **{dask['dask_local_2_vs_plain']}×** (2 cores: no speed-up expected; the driver "
              "assigns and stores while the workers prepare)", ""]
    return lines


def write_results(results: dict, out: Path = HERE) -> None:
    """results.json and RESULTS.md in ``out`` (the benchmarks folder by default)."""
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    e2e, scale, ratio = results["end_to_end"], results["scaling"], results["cost_ratio"]
    enc, dedup = results["encoder_processes"], results["dedup_signatures"]
    lines = [
        "# Speed and scale results", "",
        f"Regenerated by `python benchmarks/run.py{' --quick' if results['quick'] else ''}` on {results['date']}.",
        f"Machine: {results['machine']}. Load average (1, 5, 15 min) at start {results['load_start']}, "
        f"at end {results['load_end']} (other jobs share these cores: compare ratios within this run).", "",
        f"## End to end, default encoder ({e2e['articles']} synthetic articles, one run)", "",
        f"- **{e2e['articles_per_s']} articles/s** end to end ({e2e['seconds']} s, {e2e['stories']} stories)",
        f"- HTML extraction (trafilatura, separate pass): {results['html_extraction_per_s']} pages/s", "",
        "| stage | articles/s |", "|---|---:|",
    ]
    lines += [f"| {s} | {v if v is not None else '-'} |" for s, v in e2e["stage_articles_per_s"].items()]
    lines += [
        f"| assign + store | {e2e['assign_plus_store_per_s']} |", "",
        "The keys row: the words, names and ages of each article's lead, extracted for story assignment before it "
        "(per-article work, out of the one-at-a-time assignment).", "",
    ]
    if e2e.get("store_writer_per_s"):
        lines += [f"Each batch is written on a background thread while the next is prepared: the store row is "
                  f"the time the ingest waited for it; the writer's own time is {e2e['store_writer_per_s']} "
                  "articles/s.", ""]
    lines += [
        f"Assign + store on this process's CPU time (what the code costs, whatever else runs, the background "
        f"writer's included): {e2e.get('assign_plus_store_cpu_per_s', '-')} articles/s.", "",
        "## Same-run comparisons", "",
        f"- USE encoding, batches of 64: one process {enc['one_process']} texts/s, with a helper process "
        f"(both cores) {enc['two_processes']} texts/s — **{enc['ratio']}×**",
        *([f"- USE encoding, one process: 1 BLAS thread {enc['one_process']} texts/s, 2 threads "
           f"{enc['two_threads']} texts/s — **{enc['threads_ratio']}×** (the encoders run on 1)"]
          if "two_threads" in enc else []),
        f"- MinHash signatures: datasketch MinHash per text {dedup['datasketch_per_s']}/s, storyline's "
        f"vectorised {dedup['storyline_per_s']}/s — **{dedup['ratio']}×** "
        f"(identical signatures: {dedup['identical']})",
    ]
    if results.get("storylines"):
        lines_cost = results["storylines"]
        lines.append(
            f"- storylines (#20), {lines_cost['articles']} articles ingested with and without them, content-word "
            f"hashing encoder, CPU medians of {lines_cost['rounds']} alternating rounds: linking "
            f"{lines_cost['storylines_cpu_s']} s = **{lines_cost['linking_share_of_assign']:.1%} of story assignment** "
            f"({lines_cost['assign_cpu_s']} s); assign + store {lines_cost['assign_store_cpu_s_without']} s without, "
            f"{lines_cost['assign_store_cpu_s_with']} s with linking and its writes "
            f"(writes {lines_cost.get('storyline_writes_cpu_s', '?')} s): **{lines_cost['added_share']:+.1%}**, "
            f"target ≤ +10 % "
            f"({lines_cost['storylines_of_two_or_more']} storylines of two or more stories)")
    lines.append("")
    if results.get("dask"):
        lines += dask_lines(results["dask"])
    lines += [
        f"## Story assignment + store as the stream grows ({scale['points'][-1]['articles_seen']} articles, "
        "content-word hashing encoder)", "",
        f"- cost per article at {ratio['at_stories']} stories seen: {ratio['ms_early']} ms; "
        f"at {ratio['final_stories']} stories: {ratio['ms_late']} ms — **ratio {ratio['ratio']}×** (wall time)",
    ]
    if results.get("cost_ratio_cpu"):
        cpu = results["cost_ratio_cpu"]
        lines.append(f"- the same on CPU time (immune to other jobs on the cores): {cpu['ms_early']} ms → "
                     f"{cpu['ms_late']} ms — **ratio {cpu['ratio']}×**")
    lines += [
        f"- assign + store at the end: {round(1000 / scale['points'][-1]['assign_store_ms_per_article'])} articles/s",
        f"- peak RSS of the scaling run: {scale['peak_rss_mb']} MB; database {scale['db_mb']} MB; "
        f"{scale['seconds']} s", "",
        "| articles | stories seen | active | assign ms | store ms | assign+store ms/article | CPU ms/article "
        "| RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    step = max(1, len(scale["points"]) // 12)
    shown = scale["points"][::step]
    if shown[-1] is not scale["points"][-1]:
        shown.append(scale["points"][-1])
    for p in shown:
        lines.append(f"| {p['articles_seen']} | {p['stories_seen']} | {p['active_stories']} | {p['assign_ms']} | "
                     f"{p['store_ms']} | {p['assign_store_ms_per_article']} | "
                     f"{p.get('assign_store_cpu_ms_per_article', '-')} | "
                     f"{p['rss_mb']} |")
    if results.get("million"):
        m = results["million"]
        last = m["points"][-1]
        lines += ["", "## One million articles (memory)", "",
                  f"- {last['articles_seen']} articles, {last['stories_seen']} stories, "
                  f"peak RSS **{m['peak_rss_mb']} MB**, database {m['db_mb']} MB, {m['seconds']} s; "
                  f"assign+store {last['assign_store_ms_per_article']} ms/article at the end"
                  + (f" (run on {m['date']}, `--million-only`)" if "date" in m else "")
                  + (f"; load average at start {m['load_start']}, at end {m['load_end']}: its timings are"
                     " those of shared cores, its memory is its own" if "load_end" in m else "")]
        if "assign_store_cpu_ms_per_article" in last:
            growth = cost_ratio(m["points"], high=10**9, key="assign_store_cpu_ms_per_article")
            lines.append(f"- cost per article on CPU time (medians of 3 points), at {growth['at_stories']} stories "
                         f"seen {growth['ms_early']} ms, at {growth['final_stories']} stories {growth['ms_late']} ms: "
                         f"**ratio {growth['ratio']}×**")
            cap = max(p["active_stories"] for p in m["points"])
            full = next(p["stories_seen"] for p in m["points"] if p["active_stories"] >= cap)
            flat = cost_ratio(m["points"], low=full, high=10**9, key="assign_store_cpu_ms_per_article")
            lines.append(f"- once the active window is full ({cap} active stories, {flat['at_stories']} seen): "
                         f"{flat['ms_early']} ms → {flat['ms_late']} ms at {flat['final_stories']} stories, "
                         f"**ratio {flat['ratio']}×** (closed stories cost nothing per new article)")
    lines += bench_dbsize.report_lines(results.get("db_size"))
    lines += cli_memory.report_lines(results.get("cli_memory"))
    lines += bench_store.report_lines(results.get("store_backends"))
    lines += bench_pairs.report_lines(results.get("pairs"))
    (out / "RESULTS.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument("--million", action="store_true", help="add the 1,000,000-article memory run")
    parser.add_argument("--million-only", action="store_true",
                        help="run only the 1,000,000-article memory run, into million.json "
                             "(picked up by the next report)")
    parser.add_argument("--encoder", default="use", help="encoder for the end-to-end run")
    args = parser.parse_args(argv)
    if args.million_only:
        million = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "load_start": load_average()}
        million.update(in_child(scaling, str(synth.write(1_000_000)), 20_000))
        million["load_end"] = load_average()
        (HERE / "million.json").write_text(json.dumps(million, indent=2) + "\n")
        print(json.dumps(million["points"][-1]))
        return 0
    n_stream = 30_000 if args.quick else 300_000
    n_e2e = 400 if args.quick else 3000
    stream_path = synth.write(n_stream)
    print(f"stream: {stream_path}", file=sys.stderr)
    results = {"date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
               "quick": args.quick, "load_start": load_average()}
    print("end to end …", file=sys.stderr)
    results["end_to_end"] = end_to_end(stream_path, n_e2e, args.encoder)
    print(f"  {results['end_to_end']}", file=sys.stderr, flush=True)
    print("dask …", file=sys.stderr)
    results["dask"] = dask_ingest(stream_path, 200 if args.quick else 600, encoder_name=args.encoder)
    results["encoder_processes"] = encoder_processes(stream_path)
    results["dedup_signatures"] = dedup_signatures(stream_path)
    results["html_extraction_per_s"] = html_extraction(stream_path, 300)
    print("storylines …", file=sys.stderr)
    results["storylines"] = storyline_overhead(stream_path, 2000 if args.quick else 6000)
    print(f"  {results['storylines']}", file=sys.stderr, flush=True)
    print("scaling …", file=sys.stderr)
    results["scaling"] = in_child(scaling, str(stream_path), 2000 if args.quick else 5000, False,
                                  None if args.quick else 100_000)
    results["cost_ratio"] = cost_ratio(results["scaling"]["points"])
    results["cost_ratio_cpu"] = cost_ratio(results["scaling"]["points"], key="assign_store_cpu_ms_per_article")
    if args.million:
        print("one million …", file=sys.stderr)
        results["million"] = in_child(scaling, str(synth.write(1_000_000)), 20_000)
    elif (HERE / "million.json").exists():
        results["million"] = json.loads((HERE / "million.json").read_text())
    print("database size, CLI memory …", file=sys.stderr)
    results["db_size"] = bench_dbsize.compare([stream_path], 2000 if args.quick else 8000)
    results["cli_memory"] = cli_memory.measure(synth.write(20_000 if args.quick else 100_000))
    print("store backends …", file=sys.stderr)
    results["store_backends"] = bench_store.compare(stream_path, 400 if args.quick else 2000)
    print(f"  {results['store_backends']}", file=sys.stderr, flush=True)
    results["pairs"] = bench_pairs.measure(quick=args.quick)
    results["load_end"] = load_average()
    write_results(results)
    print((HERE / "RESULTS.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
