"""`--briefs N` of `ingest`, `fetch` and `follow`: brief the stories a run grew, right after it, so the
first `storyline brief` or story page of them does not wait for the sentence encoder (the briefs store
their sentence vectors, ``briefs.cache``). Off by default: a brief costs about a second of CPU per story
(docs/web.md, "Briefs ahead of readers"), more than ingesting a story's articles."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

import click

from storyline.dates import from_iso

if TYPE_CHECKING:
    from storyline.embed.base import Encoder
    from storyline.storage import Store

__all__ = ["BriefsAhead", "brief_grown", "briefs_option", "grown_since", "report_briefs"]

MAX_BRIEFS = 1000

briefs_option = click.option(
    "--briefs", "briefs", default=0, show_default=True, type=click.IntRange(0, MAX_BRIEFS), metavar="N",
    help="Then brief the N stories this run grew most recently, so their first brief or web page is ready "
         "sooner (about a second per story; 0: none).")


@dataclass(frozen=True)
class BriefsAhead:
    """What ``brief_grown`` did: stories briefed, the ones that failed (id, error), seconds taken."""

    briefed: int
    failed: tuple[tuple[str, str], ...]
    seconds: float

    def summary(self) -> str:
        failed = f", {len(self.failed)} failed (first: {self.failed[0][0]}: {self.failed[0][1]})" if self.failed else ""
        return f"briefed {self.briefed} stor{'y' if self.briefed == 1 else 'ies'} in {self.seconds:.1f}s{failed}"


def _time(value: object) -> datetime | None:
    return value if isinstance(value, datetime) else from_iso(str(value)) if value else None


def grown_since(store: Store, since: datetime, limit: int) -> list[str]:
    """The stories created or grown since ``since`` (their ``updated`` time), most recently first, at most
    ``limit``; merged-away and empty stories are left out (their articles live in the story they joined)."""
    found = []
    for row in store.story_rows(store.recent_story_ids(limit)[::-1]):
        updated = _time(row["updated"])
        if row["size"] and not row["merged_into"] and updated is not None and updated >= since:
            found.append(row["id"])
    return found


def brief_grown(store: Store, since: datetime, limit: int, *, encoder: Encoder | None = None,
                echo: Callable[[str], None] | None = None) -> BriefsAhead:
    """Brief the stories grown since ``since`` (``grown_since``); a story whose brief fails is reported, never
    failing the run whose articles are stored. ``echo`` gets one line per story on a terminal."""
    from storyline.briefs import build_brief

    started = time.perf_counter()
    wanted = grown_since(store, since, limit)
    failed: list[tuple[str, str]] = []
    for n, story_id in enumerate(wanted, 1):
        if echo is not None:
            echo(f"  briefing {n}/{len(wanted)}: story {story_id}")
        try:
            build_brief(store, story_id, encoder=encoder)
        except Exception as exc:  # one story's brief must not undo an ingest
            failed.append((story_id, f"{type(exc).__name__}: {exc}"[:200]))
    return BriefsAhead(len(wanted) - len(failed), tuple(failed), time.perf_counter() - started)


def report_briefs(store: Store, since: datetime, limit: int, encoder: Encoder | None = None) -> None:
    """Brief the stories grown since ``since`` when ``limit`` asks for any, and say what was done (one
    progress line per story on stderr when it is a terminal)."""
    if limit <= 0:
        return
    progress = (lambda line: click.echo(line, err=True)) if sys.stderr.isatty() else None
    done = brief_grown(store, since, limit, encoder=encoder, echo=progress)
    click.echo(done.summary())
