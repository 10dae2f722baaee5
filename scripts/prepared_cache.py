"""The calibration's prepared databases: each labelled file ingested once by the engine, cached by the file's
content, the encoder and the code that prepares articles (prepared_code.py), under
~/.cache/storyline/calibration (never in the repo).

Beside each database a small JSON file records the labelled file's and the sources' digests, so that when
today's code has prepared nothing yet (``--cached``: a change that alters no prepared article, say in the
store) the replay takes the preparation by the code *nearest* today's — the fewest source files differing,
then the newest — and names the files that differ, instead of whatever checkout prepared last.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from prepared_code import code_digest, module_digests

CACHE = Path.home() / ".cache" / "storyline" / "calibration"


def cached_name(path: Path, encoder: str) -> str:
    """The database's file name for ``path`` prepared by today's code with ``encoder``."""
    key = hashlib.sha256(path.read_bytes() + encoder.encode() + code_digest()).hexdigest()[:24]
    return f"{encoder}-{path.stem}-{key}.db"


def code_file(db: Path) -> Path:
    """The JSON file beside a prepared database holding its sources' digests."""
    return db.with_suffix(".code.json")


def prepared_db(path: Path, encoder: str = "use") -> Path:
    """The file ingested by the engine itself (extraction, cleaning, language, near-duplicates, vectors)
    into a database cached by file content, encoder and the code that prepares articles: the model is
    calibrated on exactly what it will see."""
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / cached_name(path, encoder)
    if not db.exists():
        _prepare(path, encoder, db)
    if not code_file(db).exists():  # the name proves today's code made it (older preparations had no record)
        record = {"file_sha256": _file_digest(path), "sources": module_digests()}
        code_file(db).write_text(json.dumps(record, indent=1), encoding="utf-8")
    return db


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _prepare(path: Path, encoder: str, db: Path) -> None:
    from storyline.clustering import StoryClusterer, StoryParams
    from storyline.engine import Engine
    from storyline.settings import Settings

    partial = db.with_suffix(".partial")
    for leftover in CACHE.glob(f"{partial.name}*"):
        leftover.unlink()
    settings = Settings(db=str(partial), encoder=encoder)
    print(f"  preparing {path.name} with the engine ({encoder})…", file=sys.stderr, flush=True)
    # the stories of this run are never read: default parameters, so a feature change never blocks it
    with Engine(settings.db, settings=settings, clusterer=StoryClusterer(StoryParams())) as engine:
        engine.ingest_paths([str(path)])
        engine.store.checkpoint()
    partial.rename(db)


def _record(db: Path) -> dict | None:
    """The code record beside ``db`` (the labelled file's digest and the sources'), or None: none, or unreadable."""
    try:
        record = json.loads(code_file(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(record, dict) and isinstance(record.get("sources"), dict) and "file_sha256" in record
    return record if ok else None


def differing(recorded: dict[str, str], today: dict[str, str]) -> list[str]:
    """The source files whose digests differ between a preparation's code and today's (added and removed too)."""
    return sorted(name for name in recorded.keys() | today.keys() if recorded.get(name) != today.get(name))


def closest_prepared_db(path: Path, encoder: str = "use") -> Path:
    """Today's preparation of the file if there is one, else the cached preparation by the nearest code
    (fewest differing source files, then the newest; unrecorded code counts as farthest), said on stderr with
    the files that differ; a new preparation when none is cached. A preparation recorded as made from another
    version of the labelled file is never replayed."""
    today_db = CACHE / cached_name(path, encoder)
    today, file_sha256 = module_digests(), _file_digest(path)
    records = {db: _record(db) for db in CACHE.glob(f"{encoder}-{path.stem}-*.db") if db != today_db}
    # (files differing, or None: code not recorded) of each preparation of this very file
    cached = {db: None if record is None else differing(record["sources"], today) for db, record in records.items()
              if record is None or record["file_sha256"] == file_sha256}
    if today_db.exists() or not cached:
        return prepared_db(path, encoder)

    def distance(db: Path) -> tuple[int, float]:
        files = cached[db]
        return (len(today) + 1 if files is None else len(files), -db.stat().st_mtime)

    nearest = min(cached, key=distance)
    files = cached[nearest]
    what = ("code that was not recorded (older than the record): prepare the file first to be sure"
            if files is None else f"code differing in {', '.join(files)}")
    print(f"  {path.name}: no preparation by today's code; replaying {nearest.name}, prepared by {what}",
          file=sys.stderr, flush=True)
    return nearest
