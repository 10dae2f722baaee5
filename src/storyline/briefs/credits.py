"""What a brief's header and Sources list count: original articles, each near-copy counted once with its
original and credited to it, the same count as the Coverage section (``coverage.facts``), read from the
brief's own timeline (``TimelineEntry.copy_of``), so every format of a stored brief agrees with it."""

from __future__ import annotations

from collections.abc import Callable

from storyline.coverage.counts import size_label
from storyline.coverage.facts import credits_by_language, languages, originals
from storyline.coverage.types import LanguageSources, Original, Piece
from storyline.types import Brief

__all__ = ["LanguageSources", "brief_originals", "credit", "credited_sources", "size_line"]


def brief_originals(brief: Brief) -> tuple[Original, ...]:
    """The brief's original articles (timeline order), each with its near-copies."""
    pieces = [Piece(t.article_id, t.source, t.lang, None, t.title, t.copy_of) for t in brief.timeline]
    return originals(pieces)


def size_line(brief: Brief) -> str:
    """How many articles the brief covers, copies counted once: "6 articles + 2 copies" (or "6 articles").

    >>> from storyline.types import TimelineEntry
    >>> t = [TimelineEntry(None, False, i, "x", "en", "T", None, c) for i, c in [("a", None), ("b", "a")]]
    >>> size_line(Brief("s1", "", (), (), (), (), tuple(t), {}))
    '1 article + 1 copy'
    """
    found = brief_originals(brief)
    return size_label(len(found), sum(len(o.copies) for o in found))


def credited_sources(brief: Brief) -> tuple[LanguageSources, ...]:
    """The Sources list: per language (most sources first), the sources with original articles in it (sorted),
    each with the sources that copied them; a source that only copied is named with the one it copied.

    >>> from storyline.types import TimelineEntry
    >>> t = [TimelineEntry(None, False, i, s, "en", "T", None, c)
    ...      for i, s, c in [("a", "Wire", None), ("b", "blog", "a"), ("c", "Herald", None)]]
    >>> credited_sources(Brief("s1", "", (), (), (), (), tuple(t), {}))
    (LanguageSources(lang='en', sources=(('Herald', ()), ('Wire', ('blog',)))),)
    """
    found = brief_originals(brief)
    return credits_by_language(languages(found), found)


def credit(source: str, copiers: tuple[str, ...], quote: Callable[[str], str] = str) -> str:
    """One source as the Sources list names it: "Telegraph (+ copied by spam.blog, mirror.example)".

    >>> credit("Telegraph", ("spam.blog",)), credit("Reuters", ())
    ('Telegraph (+ copied by spam.blog)', 'Reuters')
    """
    return quote(source) + (f" (+ copied by {', '.join(quote(c) for c in copiers)})" if copiers else "")
