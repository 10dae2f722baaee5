"""Speed and scale harness: per-stage and end-to-end articles/s, cost growth, peak memory.

    python benchmarks/run.py            # full: 3,000 articles end to end, 100,000 for scaling
    python benchmarks/run.py --quick    # a few minutes: 400 end to end, 20,000 for scaling
    python benchmarks/run.py --million  # adds the 1,000,000-article memory run (long)

Writes benchmarks/RESULTS.md (and results.json) with the date and the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from itertools import islice
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import synth  # noqa: E402

from storyline.embed import HashingEncoder, get_encoder  # noqa: E402
from storyline.engine import Engine  # noqa: E402
from storyline.settings import Settings  # noqa: E402
from storyline.sources import read_paths  # noqa: E402

STAGES = ("extract", "clean", "language", "dedup", "encode", "assign", "store")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GiB RAM, Python {platform.python_version()}"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def end_to_end(stream_path: Path, n: int, encoder_name: str) -> dict:
    """One real ingest with the default encoder; every stage timed in the same run."""
    subset = Path(tempfile.mkdtemp()) / "subset.jsonl"
    with stream_path.open(encoding="utf-8") as src, subset.open("w", encoding="utf-8") as dst:
        dst.writelines(islice(src, n))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "e2e.db"), encoder=encoder_name)
        with Engine(settings.db, settings=settings) as engine:
            engine.encoder.encode(["warm up"])
            report = engine.ingest_paths([str(subset)])
    stages = {s: round(report.ingested / report.stage_seconds[s], 1) if report.stage_seconds[s] else None
              for s in STAGES}
    return {"articles": report.ingested, "seconds": round(report.seconds, 1),
            "articles_per_s": round(report.ingested / report.seconds, 1), "stage_articles_per_s": stages,
            "assign_plus_store_per_s": round(report.ingested / (report.stage_seconds["assign"] + report.stage_seconds["store"]), 1)}


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


def scaling(stream_path: Path, chunk: int = 2000) -> dict:
    """Assign + store cost per article as the number of stories seen grows (fast encoder)."""
    points = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=str(Path(tmp) / "scale.db"), encoder="hashing", clean_with_encoder=False)
        with Engine(settings.db, settings=settings, encoder=HashingEncoder(dim=512)) as engine:
            records = read_paths([str(stream_path)])
            while True:
                block = list(islice(records, chunk))
                if not block:
                    break
                report = engine.ingest_records(block)
                cost = report.stage_seconds["assign"] + report.stage_seconds["store"]
                points.append({
                    "articles_seen": engine.store.count_articles(),
                    "stories_seen": engine.store.counter("story"),
                    "active_stories": len(engine.clusterer.active_story_ids()),
                    "assign_store_ms_per_article": round(1000 * cost / max(report.ingested, 1), 3),
                })
                print(f"  {points[-1]}", file=sys.stderr)
    return {"points": points, "peak_rss_mb": round(peak_rss_mb(), 1)}


def cost_ratio(points: list[dict], low: int = 1000) -> dict:
    """Cost per article near ``low`` stories seen vs. at the end of the stream (medians of 3 chunks)."""
    def median(values):
        values = sorted(values)
        return values[len(values) // 2]

    first = next((i for i, p in enumerate(points) if p["stories_seen"] >= low), 0)
    early = median([p["assign_store_ms_per_article"] for p in points[first : first + 3]])
    late = median([p["assign_store_ms_per_article"] for p in points[-3:]])
    return {"at_stories": points[first]["stories_seen"], "ms_early": early,
            "final_stories": points[-1]["stories_seen"], "ms_late": late,
            "ratio": round(late / early, 2) if early else None}


def write_results(results: dict) -> None:
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    e2e, scale = results["end_to_end"], results["scaling"]
    ratio = results["cost_ratio"]
    lines = [
        "# Speed and scale results", "",
        f"Regenerated by `python benchmarks/run.py{' --quick' if results['quick'] else ''}` on {results['date']}.",
        f"Machine: {results['machine']}.", "",
        f"## End to end, default encoder ({e2e['articles']} synthetic articles, one run)", "",
        f"- **{e2e['articles_per_s']} articles/s** end to end ({e2e['seconds']} s)",
        f"- HTML extraction (trafilatura, separate pass): {results['html_extraction_per_s']} pages/s", "",
        "| stage | articles/s |", "|---|---:|",
    ]
    lines += [f"| {s} | {v if v is not None else '-'} |" for s, v in e2e["stage_articles_per_s"].items()]
    lines += [
        f"| assign + store | {e2e['assign_plus_store_per_s']} |", "",
        f"## Story assignment + store as the stream grows ({scale['points'][-1]['articles_seen']} articles, hashing encoder)", "",
        f"- cost per article at {ratio['at_stories']} stories seen: {ratio['ms_early']} ms; "
        f"at {ratio['final_stories']} stories: {ratio['ms_late']} ms — **ratio {ratio['ratio']}×**",
        f"- peak RSS of the whole run: {scale['peak_rss_mb']} MB", "",
        "| articles | stories seen | active | assign+store ms/article |", "|---:|---:|---:|---:|",
    ]
    step = max(1, len(scale["points"]) // 12)
    for p in scale["points"][::step] + [scale["points"][-1]]:
        lines.append(f"| {p['articles_seen']} | {p['stories_seen']} | {p['active_stories']} | {p['assign_store_ms_per_article']} |")
    if results.get("million"):
        m = results["million"]
        lines += ["", "## One million articles (memory)", "",
                  f"- {m['articles']} articles, {m['stories']} stories, peak RSS **{m['peak_rss_mb']} MB**, {m['seconds']} s"]
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n")


def million_run() -> dict:
    """Ingest 1,000,000 synthetic articles (fast encoder) in a child process; report its peak RSS."""
    path = synth.write(1_000_000)
    code = (
        "import resource, sys, time; sys.path.insert(0, %r)\n"
        "from storyline.engine import Engine\nfrom storyline.embed import HashingEncoder\n"
        "from storyline.settings import Settings\nimport tempfile, json\n"
        "t = time.time()\n"
        "with tempfile.TemporaryDirectory() as d:\n"
        "    s = Settings(db=d + '/m.db', encoder='hashing', clean_with_encoder=False)\n"
        "    with Engine(s.db, settings=s, encoder=HashingEncoder(dim=512)) as e:\n"
        "        r = e.ingest_paths([%r])\n"
        "        print(json.dumps({'articles': r.ingested, 'stories': e.store.counter('story'),\n"
        "              'seconds': round(time.time() - t), 'peak_rss_mb': round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))\n"
    ) % (str(HERE), str(path))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument("--million", action="store_true", help="add the 1,000,000-article memory run")
    parser.add_argument("--encoder", default="use", help="encoder for the end-to-end run")
    args = parser.parse_args(argv)
    n_stream = 20_000 if args.quick else 100_000
    n_e2e = 400 if args.quick else 3000
    stream_path = synth.write(n_stream)
    print(f"stream: {stream_path}", file=sys.stderr)
    results = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "machine": machine(),
               "quick": args.quick}
    print("end to end …", file=sys.stderr)
    results["end_to_end"] = end_to_end(stream_path, n_e2e, args.encoder)
    results["html_extraction_per_s"] = html_extraction(stream_path, 300)
    print("scaling …", file=sys.stderr)
    results["scaling"] = scaling(stream_path)
    results["cost_ratio"] = cost_ratio(results["scaling"]["points"])
    if args.million:
        print("one million …", file=sys.stderr)
        results["million"] = million_run()
    write_results(results)
    print((HERE / "RESULTS.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
