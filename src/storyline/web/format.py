"""Small display helpers for the templates: dates, spans, language names, URLs with filters."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from jinja2 import Environment

from storyline.dates import from_iso
from storyline.sources.urls import site_of

LANGUAGE_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian", "fi": "Finnish",
    "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian", "hu": "Hungarian", "id": "Indonesian",
    "it": "Italian", "ja": "Japanese", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "nl": "Dutch",
    "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "th": "Thai", "tr": "Turkish",
    "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}


def _parse(value: str | datetime | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return from_iso(value)
    except (ValueError, OverflowError):
        return None


def when(value: str | datetime | None) -> str:
    """A stored time as people read it (UTC).

    >>> when("2026-03-04T09:30:00Z")
    '4 Mar 2026, 09:30'
    """
    parsed = _parse(value)
    if parsed is None:
        return "" if value is None else str(value)
    return f"{parsed.day} {parsed:%b %Y, %H:%M}"


def span(first: str | None, last: str | None) -> str:
    """A story's time span, short when it fits in one day.

    >>> span("2026-03-04T09:30:00Z", "2026-03-04T17:05:00Z")
    '4 Mar 2026, 09:30–17:05'
    >>> span("2026-03-03T08:00:00Z", "2026-03-05T10:00:00Z")
    '3 Mar – 5 Mar 2026'
    """
    a, b = _parse(first), _parse(last)
    if a is None:
        return "no dates"
    if b is None or b == a:
        return when(a)
    if a.date() == b.date():
        return f"{when(a)}–{b:%H:%M}"
    if a.year == b.year:
        return f"{a.day} {a:%b} – {b.day} {b:%b %Y}"
    return f"{a.day} {a:%b %Y} – {b.day} {b:%b %Y}"


def story_span(story: Mapping[str, Any]) -> str:
    """A story's span from its dated articles only; "undated" when none has a date.

    >>> story_span({"first_published": None, "last_published": None, "undated": 2})
    'undated'
    >>> story_span({"first_published": "2026-03-04T09:30:00Z", "last_published": "2026-03-04T09:30:00Z", "undated": 1})
    '4 Mar 2026, 09:30 · 1 undated'
    """
    first, undated = story.get("first_published"), int(story.get("undated") or 0)
    if first is None:
        return "undated"
    shown = span(first, story.get("last_published"))
    return f"{shown} · {undated} undated" if undated else shown


def language(code: str | None) -> str:
    """A language's English name from its ISO 639-1 code (the code itself when unknown)."""
    return LANGUAGE_NAMES.get((code or "").lower(), code or "unknown")


def query_url(path: str, params: Mapping[str, Any], **changes: Any) -> str:
    """``path`` with the given query parameters, some changed; empty values are left out.

    >>> query_url("/", {"q": "port", "lang": ["es"], "offset": 0}, offset=30)
    '/?q=port&lang=es&offset=30'
    """
    merged = {**params, **changes}
    pairs: list[tuple[str, str]] = []
    for key, value in merged.items():
        values: Iterable[Any] = value if isinstance(value, (list, tuple)) else [value]
        pairs += [(key, str(v)) for v in values if v not in (None, "", 0) or (key == "offset" and v)]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def host(url: str | None) -> str:
    """The site part of a URL, for link labels ("" when it has none).

    >>> host("https://www.example.org/a/b")
    'example.org'
    """
    return site_of(url) or ""


def link(url: str | None) -> str | None:
    """The URL if it is safe to link (http or https), else None: a stored ``javascript:`` or ``data:``
    URL from an untrusted feed must never become a clickable link.

    >>> link("https://example.org/a"), link("JavaScript:alert(1)"), link(" data:text/html,x"), link(None)
    ('https://example.org/a', None, None, None)
    """
    if not url:
        return None
    scheme = url.strip().split(":", 1)[0].lower() if ":" in url else ""
    return url.strip() if scheme in ("http", "https") else None


def id_path(value: str | None) -> str:
    """An id as one path segment: every reserved character encoded, ``/`` too (URL-shaped ids are common).

    >>> id_path("https://example.org/a?b=1#c")
    'https%3A%2F%2Fexample.org%2Fa%3Fb%3D1%23c'
    """
    return quote(str(value or ""), safe="")


def install_filters(env: Environment) -> None:
    env.filters.update(when=when, language=language, host=host, link=link, id_path=id_path)
    from storyline.coverage.counts import size_label  # every page words a size alike: a near-copy counted once

    env.globals.update(span=span, story_span=story_span, query_url=query_url, size_label=size_label)
