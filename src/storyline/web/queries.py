"""What the web layer asks the store: the story filter and the dates a query string may give.

The reads themselves (one query each, no per-row queries) are the store's ``StoryReads`` methods;
text search is brought up to date lazily by ``Store.sync_search`` (any process may do it).
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from storyline.errors import InputError
from storyline.storage import StoryFilter
from storyline.storage.rows import SORTS

__all__ = ["SORTS", "StoryFilter", "parse_when"]


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
