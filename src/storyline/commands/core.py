"""Core commands: ingest, stories, show, and `eval stories`."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import click

from storyline.commands.ahead import briefs_option, report_briefs
from storyline.embed.registry import options as encoder_options
from storyline.errors import InputError, NotFoundError
from storyline.settings import Settings
from storyline.sources.stopping import stop_on_signals

db_option = click.option(
    "--db", default=None, metavar="DB",
    help="Database: a SQLite file or a postgresql:// URL (default: STORYLINE_DB, else storyline.db here).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def open_engine(db: str | None, **overrides):
    """An Engine on the database the user named, with settings from file, env and flags."""
    from storyline.engine import Engine

    settings = Settings.load(db=db, **overrides)
    return Engine(settings.db, settings=settings)


def open_named_store(db: str | None):
    """The database the user named (flag, env or file), which must exist: the commands here only read."""
    from storyline.storage import open_existing

    return open_existing(Settings.load(db=db).db)


def _progress_bar(total: int | None):
    from tqdm import tqdm

    return tqdm(total=total, unit="art", disable=not sys.stderr.isatty(), file=sys.stderr,
                dynamic_ncols=True, leave=False)


def _count_inputs(paths: tuple[str, ...]) -> int | None:
    """Lines of the JSONL inputs, for the progress bar; None when unknowable (stdin, folders)."""
    total = 0
    for path in paths:
        p = Path(path)
        if path == "-" or not p.is_file():
            return None
        if p.suffix == ".jsonl":
            with p.open("rb") as handle:
                total += sum(1 for line in handle if line.strip())
        else:
            total += 1
    return total


@click.command()
@click.argument("paths", nargs=-1, required=True)
@db_option
@click.option("--strict", is_flag=True, help="Stop at the first bad input, naming its file and line (exit code 2).")
@click.option("--encoder", default=None, type=click.Choice(encoder_options()),
              help="Text encoder (default: the one the database was built with; use, the bundled "
                   "multilingual model, for a new database).")
@click.option("--batch-size", default=None, type=click.IntRange(1, 100_000),
              help="Articles per batch (default 256; smaller: results sooner from a slow stream, more per-batch cost).")
@click.option("--dask", default=None, metavar="ADDRESS",
              help="Run extract, clean, language, MinHash and encoding on Dask workers: a scheduler address "
                   "(tcp://HOST:8786) or local:N for N worker processes here (needs the dask extra).")
@briefs_option
def ingest(paths, db, strict, encoder, batch_size, dask, briefs):
    """Ingest articles from PATHS: JSONL files, folders (.txt .html .jsonl), or - for stdin."""
    from storyline.storage import utcnow

    for path in paths:
        if path != "-" and not Path(path).exists():
            raise InputError(f"{path} does not exist", hint="give a JSONL file, a folder, or - for stdin")
    started = utcnow()
    stop = threading.Event()
    with open_engine(db, encoder=encoder, batch_size=batch_size, dask=dask) as engine:
        total = _count_inputs(paths) if sys.stderr.isatty() else None  # counting reads the input once more
        with _progress_bar(total) as bar, stop_on_signals(stop, after="the articles read so far"):
            # counts, not every article's assignment: memory stays flat over a stream of any length
            report = engine.ingest_paths(list(paths), strict=strict, progress=bar.update, keep_assignments=False,
                                         stop=stop)
        click.echo(("stopped. " if stop.is_set() else "") + report.summary())
        if stop.is_set():
            click.echo("note: the rest of the input was not read; the same command again goes on "
                       "(what is stored already is skipped)", err=True)
        report_briefs(engine.store, started, briefs, engine.encoder)
    if report.seen == 0:
        click.echo("note: the input held no articles (empty files, blank lines or an empty stdin)", err=True)
    _show_rejections(report.rejections, sum(report.rejected.values()), engine.store.path)


def _show_rejections(rejections, total: int, db_path: str, limit: int = 5) -> None:
    """Name the first rejected inputs (file:line, reason) on stderr; the rest are in the database."""
    for rejection in rejections[:limit]:
        detail = f": {rejection.detail}" if rejection.detail else ""
        click.echo(f"  rejected {rejection.origin} ({rejection.reason}{detail[:120]})", err=True)
    if total > limit:
        click.echo(f"  … and {total - limit} more: all are in the `rejections` table of {db_path}", err=True)


def _story_row(story) -> dict:
    from storyline.dates import to_iso

    return {
        "id": story.id,
        "size": story.size,
        "copies": story.copies,
        "languages": list(story.languages),
        "sources": list(story.sources),
        "first_seen": to_iso(story.first_seen),
        "last_seen": to_iso(story.last_seen),
        "headline": story.headline,
    }


@click.command()
@db_option
@json_option
@click.option("--limit", default=None, type=click.IntRange(1, None), help="Show at most this many stories.")
def stories(db, as_json, limit):
    """List stories, newest first: id, size, languages, sources, time span, headline."""
    store = open_named_store(db)
    from storyline.coverage.counts import counted_stories

    rows = [_story_row(story) for story in counted_stories(store, store.list_stories(limit=limit))]
    spans = store.dated_spans([row["id"] for row in rows])
    store.close()
    for row in rows:  # the span of the dated articles: an ingest time is no publication date
        first, last, undated = spans.get(row["id"], (None, None, 0))
        row.update(first_published=first, last_published=last, undated=undated)
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("no stories yet: run `storyline ingest PATH` first")
        return
    from storyline.briefs import plain  # stored text as one line, no terminal control characters
    from storyline.coverage.counts import short_size

    for row in rows:
        span = _span(row["first_published"], row["last_published"])
        if row["undated"]:
            span = "undated" if not row["first_published"] else f"{span} (+{row['undated']} undated)"
        sources = plain(", ".join(row["sources"][:4]) + (" …" if len(row["sources"]) > 4 else ""))
        size = short_size(row["size"], row["copies"])
        click.echo(
            f"{plain(row['id']):>6}  {size}  [{plain(' '.join(row['languages']))}]  {span}\n"
            f"        {plain(row['headline'])}\n        sources: {sources or '-'}"
        )


def _span(first: str | None, last: str | None) -> str:
    if not first:
        return "(no dates)"
    first, last = first[:16].replace("T", " "), (last or first)[:16].replace("T", " ")
    return first if first == last else f"{first} → {last}"


@click.command()
@click.argument("story_id")
@db_option
@json_option
def show(story_id, db, as_json):
    """Show one story's articles: language, source, date, title, and near-duplicate links."""
    from storyline.dates import to_iso

    store = open_named_store(db)
    story = store.get_story(story_id)
    if story is None:
        raise NotFoundError(f"no story {story_id!r} in {store.path}", hint="list them with `storyline stories`")
    if story.merged_into:  # its articles are in the story it joined (followed through later merges)
        target = _final_story(store, story)
        store.close()
        if as_json:
            click.echo(json.dumps({"id": story.id, "status": "merged", "merged_into": target, "articles": []},
                                  ensure_ascii=False, indent=2))
        else:
            click.echo(f"story {story.id}: merged into {target} (its articles are there: storyline show {target})")
        return
    links = store.duplicate_links(story.id)
    line = store.storyline_of(story.id)
    events = store.storyline_events(line) if line else []
    # the dated in publication order, then the undated in the order they arrived
    members = sorted(store.story_articles(story.id), key=lambda a: (a.published is None, to_iso(a.published) or ""))
    articles = [
        {"id": a.id, "lang": a.lang, "source": a.source, "published": to_iso(a.published),
         "title": a.title, "duplicate_of": links.get(a.id)}
        for a in members
    ]
    store.close()
    if as_json:
        click.echo(json.dumps({"id": story.id, "storyline": line, "articles": articles}, ensure_ascii=False, indent=2))
        return
    from storyline.briefs import plain  # stored text as one line, no terminal control characters

    click.echo(f"story {plain(story.id)}: {plain(story.headline)}")
    plural = "s" if len(articles) != 1 else ""
    click.echo(f"  {len(articles)} article{plural}, languages {plain(', '.join(story.languages))}")
    if story.merged_from:
        click.echo(f"  merged from: {plain(', '.join(story.merged_from))}")
    if line:
        others = [e.story_id for e in events if e.story_id != story.id]
        click.echo(f"  storyline {plain(line)}" + (f" with {plain(', '.join(others))} (storyline threads)" if others
                                                   else " (no other event yet)"))
    for member, a in zip(members, articles, strict=False):
        dup = f"  (near-copy of {plain(a['duplicate_of'])})" if a["duplicate_of"] else ""
        date = (a["published"] or "")[:10] or "undated   "
        title = plain(a["title"]) or f"“{plain(' '.join(member.text[:80].split()))}…” (no title)"
        click.echo(f"  {plain(a['id'])}  {plain(a['lang'])}  {date}  {plain(a['source'] or '-')}: {title}{dup}")


def _final_story(store, story) -> str:
    """The id a merged story's articles live under now, following merges of merges."""
    seen = {story.id}
    while story.merged_into and story.merged_into not in seen:
        seen.add(story.merged_into)
        following = store.get_story(story.merged_into)
        if following is None:
            return story.merged_into
        story = following
    return story.id


def _unlinked_long_stories(store, origin_of: dict, time_of: dict) -> int:
    """Of the stories spanning more than 30 days, those with an article that does not name the people and
    places of the story's first 30 days (``evaluation.unlinked_long_stories``; only those stories are read)."""
    from storyline.clustering.item import item_keys
    from storyline.evaluation import LONG_DAYS, story_spans, unlinked_long_stories

    origins = list(origin_of)
    spans = story_spans([origin_of[o] for o in origins], [time_of.get(o) for o in origins])
    long = [story_id for story_id, days in spans.items() if days > LONG_DAYS]
    return unlinked_long_stories([(a.published, item_keys(a.title, a.text, a.lang).rare)
                                  for a in store.story_articles(story_id)] for story_id in long)


@click.group("eval")
def eval_group():
    """Measure quality on labelled data."""


@eval_group.command("stories")
@click.argument("path", type=click.Path(dir_okay=False))
@json_option
@click.option("--encoder", default=None, type=click.Choice(encoder_options()),
              help="Text encoder (default: use, the bundled multilingual model; hashing is for tests).")
@click.option("--db", default=None, metavar="URL",
              help="Cluster in a fresh schema of this PostgreSQL database (dropped afterwards) instead of "
                   "a temporary SQLite file.")
@click.option("--errors", "show_errors", default=0, type=click.IntRange(min=0), metavar="N",
              help="Also list the N worst merged stories and split gold stories (by article pairs wrongly "
                   "together or apart), each part with the title of its first article.")
def eval_stories(path, as_json, encoder, db, show_errors):
    """Cluster a labelled JSONL (field `story` = gold) in a fresh database and score it.

    Prints B-cubed and pairwise scores, predicted vs gold story counts, speed, and B-cubed per
    language (each language's articles against the whole clustering: where the errors are).
    JSON keys: bcubed_p, bcubed_r, bcubed_f1, pairwise_p, pairwise_r, pairwise_f1, n_pred, n_gold,
    docs_per_s, n_docs, not_scored, longest_span_days, largest_story, stories_over_30_days,
    unlinked_over_30_days (of those, stories with an article that shares fewer than two rare names with the
    story's first 30 days: chained events, not one event's follow-ups), by_lang; with --errors, errors
    ({"merged": [...], "split": [...], "counts": {"merged", "split"}}: each listed error's kind, story or gold
    label, size, pairs, parts with items and title; counts: how many there are in all).
    """
    from storyline.engine import Engine
    from storyline.evaluation import bcubed, bcubed_by, gold_labels, pairwise, story_extent
    from storyline.storage import scratch_location

    gold = gold_labels(path)
    with scratch_location(db) as location:
        settings = Settings.load(db=location, encoder=encoder)
        with Engine(settings.db, settings=settings) as engine:
            engine.encoder.encode(["warm up"])
            with _progress_bar(len(gold)) as bar:
                started = time.perf_counter()
                report = engine.ingest_paths([path], progress=bar.update, keep_assignments=False)
                elapsed = time.perf_counter() - started
            origin_of, lang_of, time_of, id_of = {}, {}, {}, {}
            for placed in engine.store.article_summaries():
                origin_of[placed.origin], lang_of[placed.origin] = placed.story_id, placed.lang
                time_of[placed.origin], id_of[placed.origin] = placed.published, placed.id
            unlinked = _unlinked_long_stories(engine.store, origin_of, time_of)
            keys = [origin for origin in gold if origin in origin_of]
            errors = _error_report(engine.store, [gold[k] for k in keys], [origin_of[k] for k in keys],
                                   [id_of[k] for k in keys], show_errors) if show_errors else None
    gold_stories = [gold[k] for k in keys]
    predicted = [origin_of[k] for k in keys]
    p, r, f1 = bcubed(gold_stories, predicted)
    by_lang = bcubed_by(gold_stories, predicted, [lang_of[k] for k in keys])
    pp, pr, pf1 = pairwise(gold_stories, predicted)
    span, largest, long_stories = story_extent(predicted, [time_of[k] for k in keys])
    by_lang_out = {lang: {"n": n, "bcubed_p": round(lp, 4), "bcubed_r": round(lr, 4), "bcubed_f1": round(lf, 4)}
                   for lang, (lp, lr, lf, n) in sorted(by_lang.items(), key=lambda kv: (-kv[1][3], kv[0]))}
    result = {
        "bcubed_p": round(p, 4), "bcubed_r": round(r, 4), "bcubed_f1": round(f1, 4),
        "pairwise_p": round(pp, 4), "pairwise_r": round(pr, 4), "pairwise_f1": round(pf1, 4),
        "n_pred": len(set(predicted)), "n_gold": len(set(gold_stories)),
        "docs_per_s": round(len(keys) / elapsed, 2) if elapsed > 0 else 0.0,
        "n_docs": len(keys), "not_scored": len(gold) - len(keys),
        "longest_span_days": None if span is None else round(span, 1), "largest_story": largest,
        "stories_over_30_days": long_stories, "unlinked_over_30_days": unlinked,
        "by_lang": by_lang_out,
    }
    if errors is not None:
        result["errors"] = errors
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    click.echo(report.summary())
    click.echo(
        f"B-cubed  P {p:.3f}  R {r:.3f}  F1 {f1:.3f}\n"
        f"pairwise P {pp:.3f}  R {pr:.3f}  F1 {pf1:.3f}\n"
        f"stories: {result['n_pred']} predicted, {result['n_gold']} gold, over {len(keys)} articles"
        + (f" ({result['not_scored']} rejected, not scored)" if result["not_scored"] else "")
        + f"; largest story {largest} articles"
        + ("" if span is None else f", longest span {span:.0f} days ({long_stories} over 30 days"
           + (f"; {unlinked} with an article not naming their first month's people and places" if long_stories
              else "") + ")")
        + f"\nspeed: {result['docs_per_s']} articles/s end to end"
    )
    if len(by_lang) > 1:  # where the errors are: each language's articles scored against the whole clustering
        click.echo("by language (B-cubed F1, articles): " + " · ".join(
            f"{lang} {v['bcubed_f1']:.3f} ({v['n']})" for lang, v in by_lang_out.items()))
    if errors is not None:
        click.echo(_errors_text(errors))


def _error_report(store, gold: list[str], pred: list[str], ids: list[str], limit: int) -> dict:
    """The ``limit`` worst merged and split stories (``evaluation.story_errors``) as JSON-ready dicts, each part
    with the title of its first article in input order (the scratch database is gone once eval returns)."""
    from storyline.evaluation import story_errors

    first: dict[tuple[str, str], str] = {}
    for story, label, article_id in zip(pred, gold, ids, strict=True):
        first.setdefault((story, label), article_id)
    merged, split = story_errors(gold, pred)

    def title(story: str, label: str) -> str:
        article = store.get_article(first[(story, label)])
        return "" if article is None else (article.title or article.text[:80]).strip()

    def part(error, other, items) -> dict:
        story, label = (error.key, other) if error.kind == "merged" else (other, error.key)
        return {"story" if error.kind == "split" else "gold": other, "items": items, "title": title(story, label)}

    report: dict = {kind: [{"kind": e.kind, ("story" if e.kind == "merged" else "gold"): e.key, "size": e.size,
                            "pairs": e.pairs, "parts": [part(e, other, items) for other, items in e.parts]}
                           for e in found[:limit]]
                    for kind, found in (("merged", merged), ("split", split))}
    report["counts"] = {"merged": len(merged), "split": len(split)}
    return report


def _errors_text(errors: dict) -> str:
    """The error report for people: one block per story, one line per part."""
    lines = []
    for kind, heading in (("merged", "merged stories (gold stories put together)"),
                          ("split", "split stories (a gold story spread over predicted ones)")):
        total, listed = errors["counts"][kind], len(errors[kind])
        lines.append(f"{heading}: {total or 'none'}" + (f", the {listed} worst:" if 0 < listed < total else ""))
        wrongly = "together" if kind == "merged" else "apart"
        for e in errors[kind]:
            lines.append(f"  {e.get('story', e.get('gold'))}: {e['size']} articles, {e['pairs']} "
                         f"pair{'' if e['pairs'] == 1 else 's'} wrongly {wrongly}")
            for p in e["parts"]:
                lines.append(f"    {p['items']:>4}  {p.get('gold', p.get('story'))}  {p['title'][:90]}")
    return "\n".join(lines)


COMMANDS = [ingest, stories, show, eval_group]
