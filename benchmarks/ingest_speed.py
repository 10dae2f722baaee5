"""Per-stage and same-run speed measurements: one ingest end to end (every stage timed), the Dask runs,
the encoder's processes and threads, MinHash signatures, HTML extraction and what storylines cost."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import numpy as np
from bench_kit import WordHashEncoder, head, load_average
from machine import describe as machine

from storyline.embed import get_encoder
from storyline.engine import Engine
from storyline.settings import Settings
from storyline.sources import read_paths
from storyline.storylines import StorylineLinker, StorylineUpdate

STAGES = ("extract", "clean", "language", "dedup", "encode", "keys", "assign", "storylines", "store")

# Long enough for the USE encoder to share it with its helper: the model loads here and in the helper
# before the timed run (a short warm-up left the helper's ~3 s load inside it).
WARM_UP = ["warm up " * 60] * 16


def end_to_end(stream_path: Path, n: int, encoder_name: str = "use") -> dict:
    """One real ingest with the given encoder; every stage timed in the same run."""
    subset = head(stream_path, n)
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
    subset = head(stream_path, warm + n)
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
    subset = head(stream_path, n)
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
