"""Instants as text: one ISO 8601 form (UTC, "Z") for the database, the JSON outputs and the pages.

Stored times compare as strings only if every writer formats them alike, so there is one formatter.

>>> to_iso(from_iso("2026-03-02T10:00:00+01:00"))
'2026-03-02T09:00:00Z'
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from functools import lru_cache

__all__ = ["from_iso", "to_iso", "utcnow"]


def utcnow() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """``value`` in UTC; a naive datetime is taken as UTC; None stays None."""
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def to_iso(value: datetime | None) -> str | None:
    """``value`` as ISO 8601 in UTC with a "Z"; a naive datetime is taken as UTC; None stays None.

    Remembered for the last 1,024 instants (the writer formats each article's twice), keyed by the datetime and its
    time zone: equal datetimes of one time zone are one instant, one text.

    >>> from datetime import timedelta, timezone
    >>> to_iso(datetime(2026, 3, 2, 10, tzinfo=timezone(timedelta(hours=1)))), to_iso(datetime(2026, 3, 2, 9))
    ('2026-03-02T09:00:00Z', '2026-03-02T09:00:00Z')
    """
    return None if value is None else _iso(value, value.tzinfo)


@lru_cache(maxsize=1024)
def _iso(value: datetime, zone: tzinfo | None) -> str:
    """``to_iso`` of a datetime, once per (datetime, its time zone ``zone``)."""
    utc = as_utc(value)
    assert utc is not None
    return utc.isoformat().replace("+00:00", "Z")


def from_iso(value: str | None) -> datetime | None:
    """An ISO 8601 string ("Z" allowed) as an aware datetime; a naive one is taken as UTC."""
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
