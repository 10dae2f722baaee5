"""A cold `storyline brief` (issue #21): a new process, an empty sentence cache, a story of invented articles.

    python benchmarks/bench_cold_brief.py [--articles 20] [--sentences 24] [--runs 3] [--against OTHER_PYTHON]

The story is ``bench_briefs.make_articles`` stored once (USE article vectors); each run copies that database
fresh and times ``storyline brief s1`` in its own process: wall seconds, and CPU seconds of the command and
the encoder helper it starts (what a loaded machine inflates less). ``--against`` times another installation
(its Python, e.g. main's ``.venv/bin/python``) the same way, its database stored by its own code (its schema),
run for run in turn (same load for both). Results: benchmarks/COLDSTART.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_briefs import build_store, make_articles  # noqa: E402
from machine import describe as machine  # noqa: E402

from storyline.embed import get_encoder  # noqa: E402


def timed_brief(python: str, db: Path, fresh: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of ``storyline brief s1`` (run by ``python``) on a fresh copy of ``db``."""
    shutil.copy(db, fresh)
    before = os.times()
    start = time.perf_counter()
    subprocess.run([python, "-m", "storyline.cli", "brief", "s1", "--db", str(fresh)], check=True,
                   stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = os.times()
    return wall, (after.children_user - before.children_user) + (after.children_system - before.children_system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20)
    parser.add_argument("--sentences", type=int, default=24)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", help="another installation's Python to time the same way, in turn")
    parser.add_argument("--build-only", help=argparse.SUPPRESS)  # store the story in this file and stop
    args = parser.parse_args()
    if args.build_only:
        build_store(Path(args.build_only), make_articles(args.articles, args.sentences), get_encoder("use")).close()
        return
    commands = {"this": sys.executable}
    if args.against:
        commands["against"] = args.against
    with tempfile.TemporaryDirectory() as tmp:
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for name, python in commands.items():
            subprocess.run([python, __file__, "--build-only", str(Path(tmp) / f"{name}-story.db"),
                            "--articles", str(args.articles), "--sentences", str(args.sentences)], check=True)
        for _ in range(args.runs):
            for name, python in commands.items():
                times[name].append(timed_brief(python, Path(tmp) / f"{name}-story.db", Path(tmp) / f"{name}.db"))
    load = os.getloadavg()[0]
    print(f"{time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC · {machine()} · load average {load:.1f}")
    print(f"cold `storyline brief` of a {args.articles}-article story ({args.sentences} sentences each),"
          f" {args.runs} runs")
    for name, runs in times.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"{name:8} {commands[name]}: wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}),"
              f" CPU median {statistics.median(cpus):.2f} s (min {min(cpus):.2f})")


if __name__ == "__main__":
    main()
