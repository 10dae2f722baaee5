"""What the web layer asks the store: the story filter and the dates a query string may give.

The reads themselves (one query each, no per-row queries) are the store's ``StoryReads`` methods;
text search is brought up to date lazily by ``Store.sync_search`` (any process may do it).
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from storyline.errors import InputError
from storyline.storage import StoryFilter
from storyline.storage.rows import SORTS

__all__ = ["SORTS", "StoryFilter", "parse_when", "split_values", "story_filter", "story_list"]


def parse_when(value: str | None, *, end_of_day: bool = False) -> datetime | None:
    """An ISO date or datetime from a query string, as UTC; a bare date ``until`` means its end.

    >>> parse_when("2026-03-02", end_of_day=True).isoformat()
    '2026-03-02T23:59:59.999999+00:00'
    >>> parse_when("0001-01-01T00:00:00+14:00").isoformat(), parse_when("9999-12-31T23:59:59-14:00").year
    ('0001-01-01T00:00:00+00:00', 9999)
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise InputError(f"{text!r} is not a date", hint="use ISO 8601, e.g. 2026-03-02 or 2026-03-02T08:00Z") from exc
    if len(text) == 10 and end_of_day:
        parsed = datetime.combine(parsed.date(), time.max)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the first UTC instant: the range's edge
        edge = datetime.min if parsed.year == 1 else datetime.max
        return edge.replace(tzinfo=UTC)


def split_values(values: list[str]) -> tuple[str, ...]:
    """Repeated and comma-separated query values as one tuple: ``lang=en,es&lang=de``.

    >>> split_values(["en,es", " de ", ""])
    ('en', 'es', 'de')
    """
    return tuple(v.strip() for value in values for v in value.split(",") if v.strip())


def story_filter(q: str, lang: list[str], source: list[str], since: str | None, until: str | None,
                 sort: str | None, limit: int, offset: int) -> StoryFilter:
    """The filter of a list request. With a query the order is by relevance unless another is asked;
    without one "relevance" means nothing and the list is by time ("recent")."""
    q = q.strip()
    chosen = sort or ("relevance" if q else "recent")
    return StoryFilter(
        q=q, langs=tuple(v.lower() for v in split_values(lang)), sources=split_values(source),
        since=parse_when(since), until=parse_when(until, end_of_day=True),
        sort="recent" if chosen == "relevance" and not q else chosen, limit=limit, offset=offset,
    )


def story_list(state: Any, f: StoryFilter) -> tuple[list[dict[str, Any]], bool]:
    """One page of the story list: with ``f.q`` the hybrid search (storyline.story_search: meaning and
    words, fused), in ``f.sort`` order; without, the store's list."""
    if not f.q:
        return state.store().story_page(f)
    from storyline.story_search import ordered

    hits = ordered(state.search(f), f.sort)
    page = hits[f.offset: f.offset + f.limit]
    return [hit.as_dict() for hit in page], len(hits) > f.offset + f.limit
