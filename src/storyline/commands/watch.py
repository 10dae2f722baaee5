"""`storyline watch add|list|remove`: saved searches that catch new and growing stories."""

from __future__ import annotations

import json

import click

from storyline.commands.core import db_option, json_option
from storyline.settings import Settings


@click.group("watch")
def watch_group():
    """Watch for stories about a query: every ingest, fetch, follow or web POST that creates or grows a
    matching story records it, and POSTs a JSON notice to the watch's webhook if it has one."""


@watch_group.command("add")
@click.argument("query")
@db_option
@click.option("--webhook", default=None, metavar="URL", help="POST a JSON notice here for each story caught.")
@click.option("--lang", default=None, metavar="XX", help="Only stories with an article in this language.")
@json_option
def watch_add(query, db, webhook, lang, as_json):
    """Watch for stories about QUERY (in any language: by meaning and by words)."""
    from storyline.storage import encoder_at
    from storyline.watches import add_watch, open_watch_store

    path = Settings.load(db=db).db
    store = open_watch_store(path)
    try:
        encoder_name = encoder_at(path) or store.vector_encoder()
        watch = add_watch(store, query, encoder_name=encoder_name, webhook=webhook, lang=lang)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(_watch_json(watch), ensure_ascii=False, indent=2))
        return
    how = "by meaning and by words" if watch.vector is not None else "by words (no encoder vectors yet)"
    click.echo(f"watch {watch.id}: {watch.query!r}, matched {how}"
               + (f"; notices to {watch.webhook}" if watch.webhook else ""))


@watch_group.command("list")
@db_option
@json_option
@click.option("--hits", default=0, type=click.IntRange(0, 1000), help="Also show each watch's newest N catches.")
def watch_list(db, as_json, hits):
    """List watches: query, webhook, stories caught, and how their notices went (sent, failed, pending)."""
    from storyline.briefs import plain
    from storyline.watches import open_watch_store

    store = open_watch_store(Settings.load(db=db).db)
    try:
        rows = [(w, store.watch_hits(w.id, hits) if hits else []) for w in store.list_watches()]
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps([{**_watch_json(w), "recent": [vars(h) for h in found]} for w, found in rows],
                              ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo('no watches: add one with storyline watch add "QUERY" [--webhook URL]')
        return
    for watch, found in rows:
        d = watch.deliveries
        notices = (f"; notices sent {d.get('sent', 0)}, failed {d.get('failed', 0)}, pending {d.get('pending', 0)}"
                   if watch.webhook else "")
        lang = f" [{watch.lang}]" if watch.lang else ""
        click.echo(f"{watch.id:>4}  {plain(watch.query)!r}{lang}  caught {watch.hits}{notices}"
                   + (f"\n      webhook {plain(watch.webhook)}" if watch.webhook else ""))
        for hit in found:
            error = f" ({plain(hit.error)})" if hit.error else ""
            click.echo(f"      {hit.at[:19]}  {plain(hit.story_id)} {hit.kind} ({hit.size} art)  {hit.delivery}{error}")


@watch_group.command("remove")
@click.argument("watch_id", type=int)
@db_option
def watch_remove(watch_id, db):
    """Remove watch WATCH_ID and what it caught."""
    from storyline.watches import open_watch_store, remove_watch

    store = open_watch_store(Settings.load(db=db).db)
    try:
        remove_watch(store, watch_id)
    finally:
        store.close()
    click.echo(f"watch {watch_id} removed")


def _watch_json(watch) -> dict:
    return {"id": watch.id, "query": watch.query, "lang": watch.lang, "webhook": watch.webhook,
            "created": watch.created, "by_meaning": watch.vector is not None, "hits": watch.hits,
            "deliveries": watch.deliveries}
