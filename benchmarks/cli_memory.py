"""Peak memory of ``storyline ingest`` itself over a long stream (#21): the CLI command's own code, one
ingest of one file, not the chunked harness of the scaling runs (``scaling.py``).

    python benchmarks/cli_memory.py 100000      # prints JSON: peak RSS, RSS as the articles grow, database size
    python benchmarks/cli_memory.py 100000 --trace 15   # and where the memory goes: top allocation sites
    python benchmarks/cli_memory.py 100000 --trace 15 --frames 1   # the same, cheaper: the allocating line alone

``--trace`` runs the command under ``tracemalloc`` (``--frames``, 8: ~4x the CPU of 1) and reports, per line of
Storyline's code that allocated (itself or through a library: the innermost Storyline frame), the memory of
the snapshot taken when the traced memory was largest (sampled every 30 s after the first minute; the
command's end frees it all). Tracing slows the run and adds its own memory, so its RSS figures are not
those of an untraced run.

The command runs in a child process as ``storyline ingest STREAM --db DB --encoder bench-words``, with the
content-word hashing encoder of ``bench_kit.py`` registered for it (the model would take many hours over a
million articles on these cores) and ``STORYLINE_CLEAN_WITH_ENCODER=0``, as the scaling runs. The parent
samples the child's resident memory and the articles stored every few seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _status(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (MB) of a live process; empty once it is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return {line.split(":")[0]: int(line.split()[1]) / 1024 for line in lines if line.startswith(("VmRSS", "VmHWM"))}


def _stored(db: Path) -> int:
    """Articles stored so far, read beside the writer (WAL); 0 before the database exists."""
    from storyline.errors import StorylineError
    from storyline.storage import open_existing

    try:
        store = open_existing(str(db))
    except StorylineError:
        return 0
    try:
        return store.count_articles()
    finally:
        store.close()


def measure(stream: Path, every: float = 5.0, trace: int = 0, frames: int = 8) -> dict:
    """Run the CLI ingest of ``stream`` into a fresh database; sample its memory until it ends (``trace``: also
    the command's top allocation sites, that many)."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cli.db"
        env = dict(os.environ, STORYLINE_CLEAN_WITH_ENCODER="0")
        started = time.perf_counter()
        command = [sys.executable, __file__, "--child", str(stream), str(db), str(trace), str(frames)]
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        points: list[dict] = []
        peak = 0.0
        while child.poll() is None:
            status = _status(child.pid)
            peak = max(peak, status.get("VmHWM", 0.0))
            if status:
                points.append({"seconds": round(time.perf_counter() - started), "articles": _stored(db),
                               "rss_mb": round(status.get("VmRSS", 0.0), 1)})
                print(f"  {points[-1]}", file=sys.stderr, flush=True)
            time.sleep(every)
        out, err = child.communicate()
        if child.returncode != 0:
            raise SystemExit(f"storyline ingest failed ({child.returncode}): {err[-2000:]}")
        final = json.loads(out.strip().splitlines()[-1])
        db_mb = sum(p.stat().st_size for p in Path(tmp).glob("cli.db*")) / 2**20
    return {"stream": stream.name, "summary": final["summary"], "peak_rss_mb": round(max(peak, final["peak_mb"]), 1),
            "seconds": round(time.perf_counter() - started), "db_mb": round(db_mb, 1), "points": points,
            "growth_mb_per_100k": growth(points), **({"trace": final["trace"]} if "trace" in final else {})}


def growth(points: list[dict], skip: int = 200_000) -> float | None:
    """RSS growth per 100,000 articles past the first ``skip`` (dedup index and active stories full by then):
    a least-squares slope; None for a run too short to tell."""
    late = [p for p in points if p["articles"] >= min(skip, max((p["articles"] for p in points), default=0) // 2)]
    if len(late) < 3 or late[-1]["articles"] == late[0]["articles"]:
        return None
    n = len(late)
    mx = sum(p["articles"] for p in late) / n
    my = sum(p["rss_mb"] for p in late) / n
    slope = (sum((p["articles"] - mx) * (p["rss_mb"] - my) for p in late)
             / sum((p["articles"] - mx) ** 2 for p in late))
    return round(slope * 100_000, 1)


def report_lines(result: dict | None) -> list[str]:
    """The RESULTS.md section."""
    if not result:
        return []
    last = result["points"][-1] if result["points"] else {"articles": 0}
    lines = ["", "## `storyline ingest` memory (#21: the CLI command, one ingest of one file)", "",
             f"- {result['stream']}: peak RSS **{result['peak_rss_mb']} MB**, database {result['db_mb']} MB, "
             f"{result['seconds']} s (`{result['summary'][:80]}…`)"]
    if result.get("growth_mb_per_100k") is not None:
        lines.append(f"- RSS growth past the start: {result['growth_mb_per_100k']} MB per 100,000 articles "
                     f"(least squares over the samples from {last['articles'] // 2} articles on)")
    step = max(1, len(result["points"]) // 8)
    lines += ["", "| articles stored | RSS MB |", "|---:|---:|"]
    lines += [f"| {p['articles']} | {p['rss_mb']} |" for p in result["points"][::step]]
    return lines + trace_lines(result.get("trace"))


def trace_lines(trace: dict | None) -> list[str]:
    """The allocation sites of a ``--trace`` run, biggest first."""
    if not trace:
        return []
    lines = ["", f"tracemalloc at its largest snapshot ({trace['articles']} articles stored, {trace['traced_mb']} MB "
             f"traced; peak traced {trace['peak_traced_mb']} MB):", "",
             "| allocated at | MB | blocks |", "|---|---:|---:|"]
    return lines + [f"| `{site['where']}` | {site['mb']} | {site['blocks']} |" for site in trace["top"]]


def _start_tracing(top: int, db: str, frames: int, every: float = 30.0) -> Callable[[], dict]:
    """Trace allocations and keep the snapshot taken when the traced memory was largest; the returned function
    stops tracing and gives that snapshot's ``top`` allocation sites (file:line, MB, blocks)."""
    tracemalloc.start(frames)
    best: dict = {"traced": -1}
    done = threading.Event()

    def sample() -> None:
        wait = 2.0  # soon at first (a short run), then every ``every`` seconds
        while not done.wait(wait):
            wait = min(every, 2 * wait)
            traced = tracemalloc.get_traced_memory()[0]
            if traced > best["traced"]:
                best.update(traced=traced, snapshot=tracemalloc.take_snapshot(), articles=_stored(Path(db)))

    sampler = threading.Thread(target=sample, name="trace-sampler", daemon=True)
    sampler.start()

    def stop() -> dict:
        done.set()
        sampler.join()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        if "snapshot" not in best:
            return {"articles": 0, "traced_mb": 0.0, "peak_traced_mb": round(peak / 2**20, 1), "top": []}
        snapshot = best["snapshot"].filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
        stats = snapshot.statistics("traceback")
        sites: dict[str, list[int]] = {}
        for stat in stats:
            site = sites.setdefault(_site(stat.traceback), [0, 0])
            site[0] += stat.size
            site[1] += stat.count
        biggest = sorted(sites.items(), key=lambda item: -item[1][0])[:top]
        return {"articles": best["articles"], "traced_mb": round(best["traced"] / 2**20, 1),
                "peak_traced_mb": round(peak / 2**20, 1),
                "top": [{"where": where, "mb": round(size / 2**20, 1), "blocks": count}
                        for where, (size, count) in biggest]}

    return stop


def _site(traceback: tracemalloc.Traceback) -> str:
    """Where an allocation is charged: its innermost frame in Storyline's code (and the library line that
    allocated, when it was not Storyline's own), else its innermost frame."""
    frames = list(traceback)[::-1]  # most recent first
    innermost = f"{_short(frames[0].filename)}:{frames[0].lineno}"
    for frame in frames:
        if f"{os.sep}storyline{os.sep}" in frame.filename:
            own = f"{_short(frame.filename)}:{frame.lineno}"
            return own if frame is frames[0] else f"{own} (via {innermost})"
    return innermost


def _short(filename: str) -> str:
    """A source path from its package on (``storyline/dedup.py``, ``numpy/...``)."""
    parts = Path(filename).parts
    for anchor in ("site-packages", "src", "lib"):
        if anchor in parts:
            return "/".join(parts[len(parts) - parts[::-1].index(anchor):])
    return filename


def child(stream: str, db: str, trace: int = 0, frames: int = 8) -> int:
    """The CLI command with the bench's encoder registered; prints its summary and peak RSS as JSON (``trace``:
    and its top allocation sites)."""
    import contextlib
    import io
    from dataclasses import replace

    from bench_kit import WordHashEncoder, peak_rss_mb

    from storyline.embed import registry

    hashing = next(e for e in registry.ENCODERS if e.option == "hashing")
    registry.ENCODERS = (*registry.ENCODERS, replace(hashing, name=WordHashEncoder.name, option="bench-words",
                                                     dim=512, factory=WordHashEncoder))
    from storyline.cli import main  # after the registry knows the encoder: --encoder's choices are read at import

    stop_tracing = _start_tracing(trace, db, frames) if trace else None
    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        try:
            main(["ingest", stream, "--db", db, "--encoder", "bench-words"], standalone_mode=False)
        except SystemExit as end:
            if end.code:
                raise
    traced = {"trace": stop_tracing()} if stop_tracing else {}
    print(json.dumps({"summary": said.getvalue().strip().splitlines()[0], "peak_mb": peak_rss_mb(), **traced}))
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        return child(argv[1], argv[2], *(int(a) for a in argv[3:5]))
    import synth

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("articles", type=int, nargs="?", default=100_000)
    parser.add_argument("--trace", type=int, nargs="?", const=15, default=0, metavar="TOP",
                        help="also report the TOP allocation sites (tracemalloc; 15 if no number)")
    parser.add_argument("--frames", type=int, default=8, help="frames kept per traced allocation (8)")
    args = parser.parse_args(argv)
    result = measure(synth.write(args.articles), trace=args.trace, frames=args.frames)
    print(json.dumps(result, indent=2))
    print("\n".join(report_lines(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
