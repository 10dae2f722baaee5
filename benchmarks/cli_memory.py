"""Peak memory of ``storyline ingest`` itself over a long stream (#21): the CLI command's own code, one
ingest of one file, not the chunked harness of the scaling runs (``scaling.py``).

    python benchmarks/cli_memory.py 100000      # prints JSON: peak RSS, RSS as the articles grow, database size

The command runs in a child process as ``storyline ingest STREAM --db DB --encoder bench-words``, with the
content-word hashing encoder of ``bench_kit.py`` registered for it (the model would take many hours over a
million articles on these cores) and ``STORYLINE_CLEAN_WITH_ENCODER=0``, as the scaling runs. The parent
samples the child's resident memory and the articles stored every few seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
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


def measure(stream: Path, every: float = 5.0) -> dict:
    """Run the CLI ingest of ``stream`` into a fresh database; sample its memory until it ends."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "cli.db"
        env = dict(os.environ, STORYLINE_CLEAN_WITH_ENCODER="0")
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, __file__, "--child", str(stream), str(db)], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
            "growth_mb_per_100k": growth(points)}


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
    return lines


def child(stream: str, db: str) -> int:
    """The CLI command with the bench's encoder registered; prints its summary and peak RSS as JSON."""
    import contextlib
    import io
    from dataclasses import replace

    from bench_kit import WordHashEncoder, peak_rss_mb

    from storyline.embed import registry

    hashing = next(e for e in registry.ENCODERS if e.option == "hashing")
    registry.ENCODERS = (*registry.ENCODERS, replace(hashing, name=WordHashEncoder.name, option="bench-words",
                                                     dim=512, factory=WordHashEncoder))
    from storyline.cli import main  # after the registry knows the encoder: --encoder's choices are read at import

    said = io.StringIO()
    with contextlib.redirect_stdout(said):
        try:
            main(["ingest", stream, "--db", db, "--encoder", "bench-words"], standalone_mode=False)
        except SystemExit as end:
            if end.code:
                raise
    print(json.dumps({"summary": said.getvalue().strip().splitlines()[0], "peak_mb": peak_rss_mb()}))
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        return child(argv[1], argv[2])
    import synth

    n = int(argv[0]) if argv else 100_000
    stream = synth.write(n)
    print(json.dumps(measure(stream), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
