"""Who carried a story: originals and their near-copies, sources by language, who reported first.

A near-copy (``duplicate_of`` another article of the story, found by MinHash at ingest) is counted once,
with its original: it never adds to a total, never counts as a source of its own, never reports first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from storyline.coverage.types import (
    Copy,
    LanguageCoverage,
    LanguageSources,
    Original,
    Piece,
    Reporter,
    SourceCount,
)

__all__ = ["copied_by", "credits_by_language", "first_reporter", "languages", "originals"]

_HOPS = 50  # a copy of a copy of …: followed this far to the original (a cycle stops there too)


def _root(piece: Piece, by_id: dict[str, Piece], order: dict[str, int]) -> Piece:
    """The original a piece is (a copy of), following copies of copies. A copy whose original is not in
    the story stands for it (it is its own original here); in a loop of copies the first given is the original."""
    chain = [piece]
    for _ in range(_HOPS):
        current = chain[-1]
        parent = by_id.get(current.duplicate_of) if current.duplicate_of else None
        if parent is None:
            return current
        if parent in chain:
            loop = chain[chain.index(parent):]
            return min(loop, key=lambda p: order[p.article_id])
        chain.append(parent)
    return chain[-1]


def originals(pieces: Sequence[Piece]) -> tuple[Original, ...]:
    """Every original article of the story, in the order given, each with the near-copies credited to it.

    >>> a, b = Piece("a", "Telegraph", "en", None, "x"), Piece("b", "spam.blog", "en", None, "x", duplicate_of="a")
    >>> [(o.article_id, [c.article_id for c in o.copies]) for o in originals([a, b])]
    [('a', ['b'])]
    """
    by_id = {p.article_id: p for p in pieces}
    order = {p.article_id: n for n, p in enumerate(pieces)}
    copies: dict[str, list[Copy]] = defaultdict(list)
    roots: list[Piece] = []
    for piece in pieces:
        root = _root(piece, by_id, order)
        if root is piece:
            roots.append(piece)
        else:
            copies[root.article_id].append(Copy(piece.article_id, piece.source, piece.lang, root.article_id))
    return tuple(Original(p.article_id, p.source, p.lang, p.time, p.title, tuple(copies[p.article_id]))
                 for p in roots)


def first_reporter(found: Sequence[Original]) -> Reporter | None:
    """The dated original published first (ties: the smaller article id); None when none is dated."""
    dated = [o for o in found if o.time is not None]
    if not dated:
        return None
    first = min(dated, key=lambda o: (o.time, o.article_id))
    assert first.time is not None
    return Reporter(first.article_id, first.source, first.lang, first.time)


def languages(found: Sequence[Original]) -> tuple[LanguageCoverage, ...]:
    """Per language (most original articles first): its originals, copies, sources and first reporter."""
    by_lang: dict[str, list[Original]] = defaultdict(list)
    copies_by_lang: dict[str, list[Copy]] = defaultdict(list)
    for original in found:
        by_lang[original.lang].append(original)
        for copy in original.copies:
            copies_by_lang[copy.lang].append(copy)
    out = []
    for lang in set(by_lang) | set(copies_by_lang):
        own = by_lang.get(lang, [])
        articles = Counter(o.source for o in own)
        copied = Counter(o.source for o in own for _ in o.copies)
        sources = tuple(SourceCount(s, n, copied[s]) for s, n in sorted(articles.items(), key=lambda x: (-x[1], x[0])))
        copiers = tuple(sorted({c.source for c in copies_by_lang.get(lang, [])} - set(articles)))
        out.append(LanguageCoverage(lang, len(own), len(copies_by_lang.get(lang, [])), sources, copiers,
                                    first_reporter(own)))
    return tuple(sorted(out, key=lambda c: (-c.articles, -len(c.sources), c.lang)))


def copied_by(found: Sequence[Original], source: str, lang: str) -> tuple[str, ...]:
    """The other sources that carried near-copies of ``source``'s original articles in ``lang`` (sorted): who
    a brief's Sources list and a story page credit the source with being copied by.

    >>> a, b = Piece("a", "Telegraph", "en", None, "x"), Piece("b", "spam.blog", "en", None, "x", duplicate_of="a")
    >>> copied_by(originals([a, b]), "Telegraph", "en"), copied_by(originals([a, b]), "spam.blog", "en")
    (('spam.blog',), ())
    """
    return tuple(sorted({c.source for o in found if o.source == source and o.lang == lang for c in o.copies}
                        - {source}))


def credits_by_language(by_lang: Sequence[LanguageCoverage], copied: Sequence[Original]) -> tuple[LanguageSources, ...]:
    """The Sources list a brief and a story page show: per language (most sources first), the sources with original
    articles in it (sorted), each with the sources that copied them; a source that only copied is named with the one
    it copied. ``by_lang`` as ``languages`` gives it; ``copied``: the originals (those with copies suffice).

    >>> found = originals([Piece("a", "Wire", "en", None, "x"), Piece("b", "blog", "en", None, "x", duplicate_of="a"),
    ...                    Piece("c", "Herald", "en", None, "y")])
    >>> credits_by_language(languages(found), found)
    (LanguageSources(lang='en', sources=(('Herald', ()), ('Wire', ('blog',)))),)
    """
    listed = [LanguageSources(lang.lang, tuple((s, copied_by(copied, s, lang.lang))
                                               for s in sorted(x.source for x in lang.sources)))
              for lang in by_lang if lang.sources]
    return tuple(sorted(listed, key=lambda x: (-len(x.sources), x.lang)))  # as ``Brief.sources`` orders them
