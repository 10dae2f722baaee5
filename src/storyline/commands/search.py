"""`storyline search QUERY`: stories about a query in any language, by meaning and by words."""

from __future__ import annotations

import json

import click

from storyline.commands.core import db_option, json_option
from storyline.settings import Settings


@click.command("search")
@click.argument("query")
@db_option
@click.option("--lang", default=None, metavar="XX", help="Only stories with an article in this language (ISO 639-1).")
@click.option("--since", default=None, metavar="DATE",
              help="Only stories seen on or after this ISO date or time (UTC).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500), help="Show at most this many.")
@json_option
def search_command(query, db, lang, since, limit, as_json):
    """Find stories about QUERY in any language: its meaning against each story (the database's encoder)
    and its words in the articles, one ranked list (reciprocal-rank fusion)."""
    from storyline.briefs import plain
    from storyline.coverage.counts import short_size
    from storyline.story_search import search_database
    from storyline.web.queries import parse_when

    hits = search_database(query, db=Settings.load(db=db).db, lang=lang, since=parse_when(since), limit=limit)
    if as_json:
        click.echo(json.dumps([hit.as_dict() for hit in hits], ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo(f"no story matches {plain(query)!r}", err=True)
        return
    for n, hit in enumerate(hits, 1):
        row = hit.row
        found = []
        if hit.cosine is not None:
            found.append(f"meaning {hit.cosine:.2f}")
        if hit.text_rank is not None:
            found.append(f"words #{hit.text_rank}")
        size = short_size(row["size"], row.get("copies", 0))
        click.echo(f"{n:>3}. {plain(row['id']):>6}  {size}  [{plain(' '.join(row['languages']))}]"
                   f"  ({', '.join(found)})\n        {plain(row['headline'])}")
