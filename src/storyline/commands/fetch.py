"""`storyline fetch URL...` and `storyline follow FEEDS`: ingest from the web, politely.

Both print one line per URL (unless --quiet) and a summary of what was fetched, skipped and why.
Several hosts are fetched at once (--parallel); the database and the engine stay on the main thread.
Ctrl-C finishes the article in hand, prints the summary and exits 0; a second Ctrl-C quits at once.
Exit codes: 0 ok, 1 when nothing could be fetched at all, 2 bad usage.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from storyline.commands.ahead import briefs_option, report_briefs
from storyline.embed.registry import options as encoder_options
from storyline.errors import StorylineError
from storyline.settings import MAX_PARALLEL_HOSTS, FetchSettings, Settings, parse_size
from storyline.sources.stopping import stop_on_signals
from storyline.types import RawRecord, Rejection

if TYPE_CHECKING:  # feedparser and httpx load with the command that fetches, not with every command
    from storyline.sources.feeds import Outcome, Tally

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr|d)?\s*$", re.I)
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600, "d": 86400}
# Skips that mean "nothing new" or "you stopped me", not "could not fetch".
_BENIGN = {"already_fetched", "not_modified", "interrupted"}


MIN_EVERY_SECONDS = 10.0  # a polite floor: `--every 0` would poll a feed server in a tight loop


def parse_duration(text: str) -> float:
    """Seconds in ``30s``, ``10m``, ``1h``, ``1.5h`` or a bare number of seconds.

    >>> parse_duration("10m"), parse_duration("1h"), parse_duration("30s"), parse_duration("45")
    (600.0, 3600.0, 30.0, 45.0)
    """
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration; use e.g. 30s, 10m or 1h")
    return float(match.group(1)) * _UNITS[(match.group(2) or "s").lower()]


def read_feed_list(path: str) -> list[str]:
    """Feed URLs of a FEEDS file: one a line, ``#`` starts a comment, blank lines ignored."""
    file = Path(path)
    if not file.is_file():
        raise click.UsageError(f"{path} does not exist or is not a file.\n"
                               "  hint: FEEDS is a text file with one RSS/Atom feed URL a line (# for comments)")
    urls = []
    for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
        url = re.sub(r"(^|\s)#.*$", "", line).strip()
        if url:
            urls.append(url)
    if not urls:
        raise click.UsageError(f"{path} lists no feed URLs.\n  hint: write one RSS/Atom feed URL a line")
    return list(dict.fromkeys(urls))


class EngineSink:
    """Hands each record or rejection to the engine, one at a time, and says what became of it."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.stories_created = 0
        self.stories_updated = 0

    def __call__(self, item: RawRecord | Rejection) -> Outcome:
        from storyline.sources.feeds import Outcome

        try:
            report = self.engine.ingest_records([item])
        except Exception as exc:  # one bad page must not end a long follow; it is counted and shown
            return Outcome("rejected", "ingest_error", detail=f"{type(exc).__name__}: {exc}"[:300])
        self.stories_created += report.stories_created
        self.stories_updated += report.stories_updated
        if report.rejected:
            rejection = report.rejections[0] if report.rejections else None
            return Outcome("rejected", next(iter(report.rejected)), detail=rejection.detail if rejection else "")
        if report.assignments:
            a = report.assignments[0]
            return Outcome("duplicate" if a.duplicate_of else "ingested", article_id=a.article_id,
                           story_id=a.story_id, new_story=a.is_new,
                           detail=f"near-copy of {a.duplicate_of}" if a.duplicate_of else "")
        return Outcome("already_stored", detail="the same article is already in the database")


def _item_line(url: str, outcome: Outcome) -> str:
    if outcome.status in ("ingested", "duplicate"):
        story = f" -> story {outcome.story_id}" + (" (new)" if outcome.new_story else "") if outcome.story_id else ""
        note = f" ({outcome.detail})" if outcome.detail else ""
        return f"  {outcome.status:<15}{url}{story}{note}"
    if outcome.status == "already_stored":
        return f"  {'already stored':<15}{url}"
    return f"  {'skipped':<15}{url}: {outcome.reason}" + (f" ({outcome.detail})" if outcome.detail else "")


def summary(tally: Tally, sink: EngineSink | None = None) -> str:
    """One paragraph: what was fetched, what was skipped and why, what it did to the stories."""
    skipped = sum(tally.skipped.values())
    copies = f" ({tally.duplicates} near-duplicate{'s' * (tally.duplicates != 1)})" if tally.duplicates else ""
    parts = [f"ingested {tally.ingested}" + copies]
    if tally.already_stored:
        parts.append(f"already stored {tally.already_stored}")
    reasons = ", ".join(f"{r}: {n}" for r, n in sorted(tally.skipped.items(), key=lambda kv: (-kv[1], kv[0])))
    parts.append(f"skipped {skipped}" + (f" ({reasons})" if reasons else ""))
    if tally.feeds_polled:
        parts.insert(0, f"feeds polled {tally.feeds_polled} ({tally.feeds_unchanged} unchanged, "
                        f"{tally.feeds_failed} failed), items seen before {tally.seen_before}")
    if sink is not None:
        parts.append(f"stories created {sink.stories_created}, updated {sink.stories_updated}")
    return "; ".join(parts)


def _nothing_fetched(tally: Tally) -> bool:
    """True when every URL or feed failed: none reached the engine, none was simply known already."""
    failures = sum(n for reason, n in tally.skipped.items() if reason not in _BENIGN)
    known = tally.skipped["already_fetched"] + tally.skipped["not_modified"] + tally.seen_before + tally.feeds_unchanged
    return tally.received == 0 and failures > 0 and known == 0


_DEFAULT = FetchSettings()
# The politeness flags: each overrides its FetchSettings field (storyline.toml [storyline.fetch], STORYLINE_FETCH_*).
_FETCH_FLAGS = ("timeout", "retries", "delay", "parallel", "max_size")


def _politeness(func):
    options = [
        click.option("--db", default=None, metavar="DB",
                     help="Database: a SQLite file or a postgresql:// URL (default: STORYLINE_DB, else storyline.db)."),
        click.option("--encoder", default=None, type=click.Choice(encoder_options()), help="Text encoder."),
        click.option("--timeout", default=None, type=float,
                     help="Seconds one request may take in all, from connecting to its last byte "
                          "(robots.txt is a request too; each retry gets as long again). "
                          f"[default: {_DEFAULT.timeout:g}]"),
        click.option("--retries", default=None, type=int,
                     help=f"Retries on 5xx and timeouts (exponential backoff). [default: {_DEFAULT.retries}]"),
        click.option("--delay", default=None, type=float,
                     help=f"Minimum seconds between two requests to one host. [default: {_DEFAULT.delay:g}]"),
        click.option("--parallel", default=None, type=click.IntRange(1, MAX_PARALLEL_HOSTS),
                     help="Hosts fetched at the same time (one request at a time per host), so a slow host holds up "
                          f"no other. [default: {_DEFAULT.parallel}]"),
        click.option("--max-size", default=None,
                     help=f"Largest page to read; larger ones are cut off and skipped. [default: {_DEFAULT.max_size}]"),
        click.option("-q", "--quiet", is_flag=True, help="Only the summary, no line per URL."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _settings(flags: dict) -> Settings:
    """The settings of a fetch or follow: file ← env ← these flags (``--db``, ``--encoder`` and politeness)."""
    if flags.get("max_size") is not None:
        try:
            parse_size(flags["max_size"])
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--max-size") from exc
    return Settings.load(db=flags["db"], encoder=flags["encoder"], fetch={k: flags[k] for k in _FETCH_FLAGS})


@contextmanager
def _harvest(settings: Settings, quiet: bool, stop: threading.Event) -> Iterator:
    from storyline.engine import Engine
    from storyline.fetch_state import FetchState
    from storyline.sources.feeds import Harvester
    from storyline.sources.http import Fetcher

    polite = settings.fetch
    on_item = None if quiet else (lambda url, outcome: click.echo(_item_line(url, outcome)))
    with Engine(settings.db, settings=settings) as engine:
        sink = EngineSink(engine)
        with Fetcher(timeout=polite.timeout, retries=polite.retries, min_interval=polite.delay,
                     max_bytes=polite.max_bytes, stop=stop) as fetcher:
            yield Harvester(fetcher, FetchState(engine.store), sink, stop=stop, on_item=on_item,
                            workers=polite.parallel), sink


@click.command("fetch")
@click.argument("urls", nargs=-1, required=True)
@click.option("--refresh", is_flag=True,
              help="Fetch URLs seen before again (conditional GET: unchanged pages are skipped).")
@_politeness
@briefs_option
def fetch_command(urls, refresh, quiet, briefs, **flags):
    """Download the web pages at URLS (several hosts at a time), extract their articles and ingest them
    (each URL at most once)."""
    from storyline.storage import utcnow

    settings = _settings(flags)
    stop = threading.Event()
    started = utcnow()
    with stop_on_signals(stop), _harvest(settings, quiet, stop) as (harvester, sink):
        tally = harvester.fetch_urls(urls, refresh=refresh)
        click.echo(summary(tally, sink))
        if not stop.is_set():
            report_briefs(sink.engine.store, started, briefs, sink.engine.encoder)
    if _nothing_fetched(tally):
        raise StorylineError("nothing could be fetched")  # exit 1: the work could not be done


@click.command("follow")
@click.argument("feeds", metavar="FEEDS")
@click.option("--every", default="10m", show_default=True, help="Time between polls: 30s, 10m, 1h (at least 10s).")
@click.option("--once", is_flag=True, help="Poll every feed once, then exit.")
@_politeness
@briefs_option
def follow_command(feeds, every, once, quiet, briefs, **flags):
    """Poll the RSS/Atom feeds listed in FEEDS (one URL a line) and ingest new items, until Ctrl-C."""
    try:
        interval = parse_duration(every)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--every") from exc
    if interval < MIN_EVERY_SECONDS and not once:
        raise click.BadParameter(f"{every!r} is too short: feeds are polled at most every {MIN_EVERY_SECONDS:g}s "
                                 "(feed servers rate-limit; most update every few minutes)", param_hint="--every")
    feed_urls = read_feed_list(feeds)
    settings = _settings(flags)
    stop = threading.Event()

    from storyline.storage import utcnow

    round_started = [utcnow()]

    def on_round(number: int, tally: Tally) -> None:
        when = datetime.now().strftime("%H:%M:%S")
        tail = "" if once or stop.is_set() else f"; next poll in {every}"
        click.echo(f"round {number} ({when}): {summary(tally)}{tail}")
        if not stop.is_set():  # each round's grown stories, before the wait for the next poll
            report_briefs(sink.engine.store, round_started[0], briefs, sink.engine.encoder)
        round_started[0] = utcnow()

    with stop_on_signals(stop), _harvest(settings, quiet, stop) as (harvester, sink):
        tally = harvester.follow(feed_urls, every=interval, once=once, on_round=on_round)
    click.echo(("stopped. " if stop.is_set() else "") + "total: " + summary(tally, sink))
    if _nothing_fetched(tally) and tally.feeds_failed == tally.feeds_polled:
        raise StorylineError("no feed could be read")


COMMANDS = [fetch_command, follow_command]
