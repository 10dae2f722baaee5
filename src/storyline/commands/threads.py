"""Storyline commands: `threads` (the storylines: events linked into threads) and `eval threads`."""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import click

from storyline.commands.core import _progress_bar, _span, db_option, json_option, open_named_store
from storyline.embed.registry import options as encoder_options
from storyline.settings import Settings


@click.command()
@db_option
@json_option
@click.option("--all", "show_all", is_flag=True, help="Also list storylines of one story (most are).")
@click.option("--limit", default=None, type=click.IntRange(1, None), help="Show at most this many storylines.")
def threads(db, as_json, show_all, limit):
    """List storylines (events that continue one another), most recent first: id, events, articles, span,
    the headline of the biggest event; the events of each, oldest first."""
    store = open_named_store(db)
    lines = store.list_storylines(min_stories=1 if show_all else 2, limit=limit)
    events = {line.id: store.storyline_events(line.id) for line in lines}
    store.close()
    if as_json:
        rows = [{**asdict(line), "events": [asdict(e) for e in events[line.id]]} for line in lines]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not lines:
        click.echo("no storylines of two or more events yet (`storyline threads --all` lists single ones)")
        return
    from storyline.briefs import plain  # stored text as one line, no terminal control characters
    from storyline.coverage.counts import short_size

    for line in lines:
        size = short_size(line.articles, line.copies).strip()
        click.echo(f"{plain(line.id):>6}  {line.stories} events, {size}  {_span(line.first, line.last)}\n"
                   f"        {plain(line.headline)}")
        for event in events[line.id]:
            size = short_size(event.size, event.copies).strip()
            click.echo(f"        {(event.first or 'undated')[:10]}  {plain(event.story_id):>6} ({size}): "
                       f"{plain(event.headline)}")


@click.command("threads")
@click.argument("path", type=click.Path(dir_okay=False))
@json_option
@click.option("--encoder", default=None, type=click.Choice(encoder_options()),
              help="Text encoder (default: use, the bundled multilingual model; hashing is for tests).")
def eval_threads(path, as_json, encoder):
    """Cluster a labelled JSONL in a fresh database and score its storylines against the field `thread`
    (an article without one is a thread of its own story, field `story`).

    Prints B-cubed of storylines against threads, and of the pairs of articles of one thread but two
    events (two `story` labels): how many stayed apart in two stories of one storyline (as they should),
    were merged into one story, or were left unlinked. JSON keys: bcubed_p, bcubed_r, bcubed_f1,
    n_storylines, n_threads, n_docs, thread_pairs, apart_linked, merged, unlinked, seconds.
    """
    from storyline.engine import Engine
    from storyline.evaluation import bcubed, gold_labels, thread_pairs

    stories = gold_labels(path)
    labelled = gold_labels(path, "thread", required=False)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.load(db=str(Path(tmp) / "eval.db"), encoder=encoder)
        with Engine(settings.db, settings=settings) as engine, _progress_bar(len(stories)) as bar:
            started = time.perf_counter()
            engine.ingest_paths([path], progress=bar.update)
            elapsed = time.perf_counter() - started
            story_of = {placed.origin: placed.story_id for placed in engine.store.article_summaries()}
            line_of = {story: engine.store.storyline_of(story) or f"none:{story}" for story in set(story_of.values())}
    keys = [origin for origin in stories if origin in story_of]
    gold_story = [stories[k] for k in keys]
    gold_thread = [labelled.get(k, f"story:{stories[k]}") for k in keys]
    pred_story = [story_of[k] for k in keys]
    pred_line = [line_of[s] for s in pred_story]
    p, r, f1 = bcubed(gold_thread, pred_line)
    fate = thread_pairs(gold_story, gold_thread, pred_story, pred_line)
    result = {"bcubed_p": round(p, 4), "bcubed_r": round(r, 4), "bcubed_f1": round(f1, 4),
              "n_storylines": len(set(pred_line)), "n_threads": len(set(gold_thread)), "n_docs": len(keys),
              "thread_pairs": fate.pairs, "apart_linked": fate.apart_linked, "merged": fate.merged,
              "unlinked": fate.unlinked, "seconds": round(elapsed, 1)}
    if as_json:
        click.echo(json.dumps(result, indent=2))
        return
    if not labelled:
        click.echo(f"note: {path} has no `thread` labels: each `story` is scored as a thread of its own "
                   "(what linking stories costs in precision)")

    def share(n: int) -> str:
        return f"{n / fate.pairs:.1%}" if fate.pairs else "-"

    click.echo(f"storylines vs threads, B-cubed  P {p:.3f}  R {r:.3f}  F1 {f1:.3f}\n"
               f"storylines: {result['n_storylines']} predicted, {result['n_threads']} gold threads, "
               f"over {len(keys)} articles\n"
               f"pairs of one thread, two events: {fate.pairs}: apart and linked {share(fate.apart_linked)}, "
               f"merged into one story {share(fate.merged)}, apart and unlinked {share(fate.unlinked)}")


COMMANDS = [threads]
