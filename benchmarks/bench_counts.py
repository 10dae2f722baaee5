"""CPU of the story list page (GET / and GET /api/stories, "Biggest" too) with near-copies counted once.

    .venv/bin/python benchmarks/bench_counts.py build DIR [--articles 10000]   # DIR/plain.db, DIR/copies.db
    .venv/bin/python benchmarks/bench_counts.py time DB [--repeat 200]          # one line of JSON

``build`` ingests bench_web's synthetic articles (hashing encoder) into ``plain.db`` and the same plus a
near-copy of every tenth article (its text under another id and source: 10 % copies) into ``copies.db``.
``time`` serves the database in-process (FastAPI's TestClient, no sockets) and prints the CPU seconds
(``time.process_time``) of ``repeat`` requests of each page, after a warm-up. Run it with the code to compare
first on PYTHONPATH (``PYTHONPATH=/work/main/src``) and alternate the two in one session (A B A B …).
Under load, count instructions instead: ``valgrind --tool=callgrind`` of ``time DB --pages list --repeat 20``
minus ``--repeat 0`` (start-up and warm-up), divided by 20, is one request's instructions.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

PAGES = {"list": "/", "api": "/api/stories", "biggest": "/api/stories?sort=size", "biggest_page": "/?sort=size"}


def build(folder: Path, n: int) -> None:
    """``plain.db``: ``n`` synthetic articles; ``copies.db``: the same and a near-copy of every tenth."""
    from bench_web import synthetic_rows

    from storyline.embed import HashingEncoder
    from storyline.engine import Engine
    from storyline.settings import Settings
    from storyline.types import RawRecord

    rows = synthetic_rows(n)
    copies = [{**row, "id": f"{row['id']}-copy", "source": f"mirror{k % 7}.example"} for k, row in enumerate(rows)
              if k % 10 == 0]
    for name, batch in (("plain.db", rows), ("copies.db", rows + copies)):
        path = folder / name
        settings = Settings(db=str(path), encoder="hashing", batch_size=256, clean_with_encoder=False)
        with Engine(path, encoder=HashingEncoder(), settings=settings) as engine:
            report = engine.ingest_records([RawRecord(origin=f"bench:{k}", **row) for k, row in enumerate(batch)])
        print(f"built {name}: {report.summary()}", file=sys.stderr)


def timed(db: Path, repeat: int, pages: list[str]) -> dict[str, float]:
    """CPU seconds of ``repeat`` requests of each of ``pages`` (after two warm-up requests)."""
    from fastapi.testclient import TestClient

    from storyline.embed import HashingEncoder
    from storyline.web import create_app, views

    views.prepare_front_page = lambda state, limit=30: 0  # no background briefs: only the pages are timed
    out: dict[str, float] = {}
    with TestClient(create_app(db, HashingEncoder()), base_url="http://127.0.0.1:8765") as client:
        for name in pages:
            path = PAGES[name]
            for _ in range(2):
                assert client.get(path).status_code == 200
            started = time.process_time()
            for _ in range(repeat):
                client.get(path)
            out[name] = round(time.process_time() - started, 4)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["build", "time"])
    parser.add_argument("path", type=Path)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--pages", default=",".join(PAGES), help="which of " + ", ".join(PAGES))
    args = parser.parse_args()
    if args.what == "build":
        args.path.mkdir(parents=True, exist_ok=True)
        build(args.path, args.articles)
    else:
        import storyline

        print(json.dumps({"code": str(Path(storyline.__file__).parents[1]), "db": args.path.name,
                          **timed(args.path, args.repeat, args.pages.split(","))}))


if __name__ == "__main__":
    main()
