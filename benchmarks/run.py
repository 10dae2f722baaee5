"""Speed and scale harness: per-stage and end-to-end articles/s, cost growth, peak memory.

    python benchmarks/run.py            # full: 3,000 articles end to end; scaling until 100,000 stories are seen
    python benchmarks/run.py --quick    # a few minutes: 400 end to end, 30,000 for scaling
    python benchmarks/run.py --million  # adds the 1,000,000-article memory run (long)

Writes benchmarks/RESULTS.md (and results.json) with the date, the machine and its load.
The scaling and memory runs go in child processes, so each peak RSS is that run's own.
Its sections live in their own modules: ingest_speed.py (end to end, Dask, encoder, MinHash, HTML,
storylines), scaling.py (cost as stories pile up), results_report.py (RESULTS.md); bench_kit.py holds
what they share.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_dbsize  # noqa: E402
import bench_pairs  # noqa: E402
import bench_store  # noqa: E402
import cli_memory  # noqa: E402
import synth  # noqa: E402
from bench_kit import in_child, load_average  # noqa: E402
from ingest_speed import (  # noqa: E402
    dask_ingest,
    dedup_signatures,
    encoder_processes,
    end_to_end,
    html_extraction,
    storyline_overhead,
)
from machine import describe as machine  # noqa: E402
from results_report import write_results  # noqa: E402
from scaling import cost_ratio, scaling  # noqa: E402


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
