"""Story briefs: what happened, who says what, and where the sources agree or differ, across languages.

A brief is computed from the story's stored article vectors and from sentence embeddings that are
cached in the store (``briefs.cache``), so only the first brief of a story pays for the encoder.
Every sentence it shows is a sentence of one stored (cleaned) article, with that article's id,
source and language.

>>> from storyline.engine import Engine
>>> from storyline.embed import HashingEncoder
>>> from storyline.types import RawRecord
>>> engine = Engine(":memory:", encoder=HashingEncoder())
>>> _ = engine.ingest_records([RawRecord(origin="x", id="a1", source="daily.example",
...     title="Bridge closes for repairs", text="The old bridge closed on Monday for repairs. "
...     '"It will reopen in May," said engineer Ana Ruiz. Traffic moves to the ring road.')])
>>> b = build_brief(engine.store, "s1")
>>> b.headline, len(b.summary), b.summary[0].article_id
('Bridge closes for repairs', 3, 'a1')
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np

from storyline.briefs.cache import cached_vectors
from storyline.briefs.facts import families, headline, merge_entities, source_name, sources_by_language, timeline
from storyline.briefs.match import clauses, numbers, same_fact, strip_dateline
from storyline.briefs.quotes import QuoteSegment, article_quotes, group_quotes, match_units, pick_speaker, unit_text
from storyline.briefs.select import (
    Candidate,
    cap_per_family,
    carried_in_parts,
    select_summary,
    single_source,
    summary_size,
)
from storyline.briefs.text import Unit, clip_article, find_quotes, split_units, whole_sentence
from storyline.coverage.facts import originals
from storyline.coverage.types import Piece
from storyline.embed.base import Encoder
from storyline.embed.registry import BriefThresholds, thresholds_for
from storyline.errors import NotFoundError
from storyline.storage import Store, open_existing
from storyline.types import Article, Brief, CitedSentence, QuoteGroup, QuoteVariant

__all__ = ["MAX_CLAIMS", "brief", "build_brief", "encoder_for", "sentences_read"]

MAX_CLAIMS = 8
_CLAIM_MIN_WORDS = 6
# An attributed quotation is a claim by definition: it ranks above plain narration.
_QUOTE_BONUS = 0.1
# A claim that states a number (a count, a sum, a date) can be checked: it ranks above a general remark.
_NUMBER_BONUS = 0.1
_SUMMARY_WORDS = (6, 70)
_MIN_SUMMARY = 3
_SENTENCE_END = tuple(".!?…。！？؟\"'”’»)")
# A brief reads about this many sentences of a story, spread evenly over its articles (each its lead: news
# states its facts first), but never fewer than _LEAD_SENTENCES of each: the first brief's cost is the encoder's,
# and it stays flat up to 30 articles (a 20-article story: 12 sentences each; a 4-article one: 60, all of
# them). Quotations are read whole wherever they stand (their pieces are short; quote groups match them).
_STORY_SENTENCES = 240
_LEAD_SENTENCES = 8


@dataclass(frozen=True)
class _Sentence:
    article: int
    unit: Unit
    position: float


def _resolve(store: Store, story_id: str) -> str:
    """The story id to brief: merged stories lead to the story that absorbed them."""
    seen = set()
    story = store.get_story(story_id)
    if story is None:
        raise NotFoundError(f"no story {story_id!r} in {store.path}",
                            hint="list the stories with `storyline stories`")
    while story.merged_into and story.id not in seen:
        seen.add(story.id)
        nxt = store.get_story(story.merged_into)
        if nxt is None:
            break
        story = nxt
    return story.id


def encoder_for(store: Store, article_ids: Sequence[str]) -> Encoder:
    """The encoder that made the story's stored vectors (so sentence and article vectors agree), by the
    name the database records (one encoder per database); the registry's default while it has none.

    It encodes in this process alone: a brief encodes a few hundred texts at most (``sentences_read``), and
    a helper process would take longer to start (its imports, its model) than its share of them."""
    from storyline.embed.registry import default_entry, lookup

    name = store.vector_encoder() if article_ids else None
    return (default_entry() if name is None else lookup(name)).build_in_process()


def sentences_read(n_articles: int) -> int:
    """How many sentences a brief reads of each article of a story of ``n_articles``.

    >>> sentences_read(4), sentences_read(20), sentences_read(50)
    (60, 12, 8)
    """
    return max(_LEAD_SENTENCES, _STORY_SENTENCES // max(1, n_articles))


def _sentences(articles: Sequence[Article]) -> list[_Sentence]:
    """Each article's first ``sentences_read`` sentences, at their positions in the whole article."""
    out = []
    cap = sentences_read(len(articles))
    for i, article in enumerate(articles):
        units = split_units(article.text or article.title)  # a headline-only article speaks by its title
        for unit in units[:cap]:
            out.append(_Sentence(i, unit, unit.index / max(1, len(units) - 1)))
    return out


def _prose(text: str) -> bool:
    """Ends like a sentence of running prose (captions and stray headlines often do not)."""
    return text.rstrip().endswith(_SENTENCE_END)


def build_brief(store: Store, story_id: str, *, lang: str | None = None, encoder: Encoder | None = None) -> Brief:
    """The brief of one story (raises NotFoundError for an unknown id); ``lang`` is the preferred language."""
    story_id = _resolve(store, story_id)
    articles = [clip_article(a) for a in store.story_articles(story_id)]
    if not articles:
        story = store.get_story(story_id)
        return Brief(story_id, story.headline if story else "", (), (), (), (), (), {})
    ids = [a.id for a in articles]
    encoder = encoder or encoder_for(store, ids)
    limits = thresholds_for(encoder.name)
    links = store.duplicate_links(story_id)
    family = families(articles, links)
    sentences = _sentences(articles)
    quotes = {a.id: article_quotes(a.id, a.text) for a in articles}
    wanted: dict[str, list[tuple[str, str, str | None]]] = {a.id: [] for a in articles}
    for s in sentences:
        wanted[ids[s.article]].append(("sentence", s.unit.text, None))
        wanted[ids[s.article]].extend(("clause", c, None) for c in clauses(s.unit.text))
    for a in articles:
        segs = quotes[a.id]
        for unit in match_units(segs):
            kind = "quote" if len(unit) == 1 else "quote_pair"
            wanted[a.id].append((kind, unit_text(segs, unit), segs[unit[0]].speaker))
    vectors = cached_vectors(store, encoder, wanted)

    groups = group_quotes(quotes, vectors.__getitem__, thresholds=limits)
    fam_of = {a.id: family[i] for i, a in enumerate(articles)}
    groups = [g for g in groups if len({fam_of[s.article_id] for s in g}) >= 2]
    by_id = {a.id: a for a in articles}
    quote_groups = tuple(_quote_group(g, by_id, lang) for g in groups)

    stored = store.get_vectors(ids)
    article_vectors = [_article_vector(a, stored, sentences, vectors, i) for i, a in enumerate(articles)]
    title, _ = headline(articles, article_vectors, lang=lang)

    summary: tuple[CitedSentence, ...] = ()
    claims: tuple[CitedSentence, ...] = ()
    if sentences:
        matrix = np.stack([vectors[s.unit.text] for s in sentences])
        fams = np.array([family[s.article] for s in sentences])
        grouped = {s.text for g in groups for s in g}
        piece_articles = [(a, seg.text) for a, own in quotes.items() for seg in own]
        piece_articles += [(ids[s.article], c) for s in sentences for c in clauses(s.unit.text)]
        pieces = [(fam_of[a], t) for a, t in piece_articles]
        extra = np.stack([vectors[t] for _, t in pieces]) if pieces else None
        extra_f = np.array([f for f, _ in pieces]) if pieces else None
        # a near-copy's sentence is its original's claim, never a second source's: only originals are cited
        pieces_of = [Piece(a.id, "", a.lang, None, "", links.get(a.id)) for a in articles]
        copies = {c.article_id for o in originals(pieces_of) for c in o.copies}
        rows = [r for r, s in enumerate(sentences)
                if len(s.unit.text.split()) >= _CLAIM_MIN_WORDS and _prose(s.unit.text) and whole_sentence(s.unit.text)
                and not any(g in s.unit.text for g in grouped) and ids[s.article] not in copies]
        quoted = {a: {seg.text for seg in own} for a, own in quotes.items()}
        bonus = [(_QUOTE_BONUS if any(t in sentences[r].unit.text for t in quoted[ids[sentences[r].article]]) else 0.0)
                 + (_NUMBER_BONUS if numbers(sentences[r].unit.text) else 0.0) for r in rows]
        texts = [s.unit.text for s in sentences] + [t for _, t in pieces]
        languages = [articles[s.article].lang for s in sentences] + [by_id[a].lang for a, _ in piece_articles]
        found = single_source(matrix, fams, rows, extra=extra, extra_families=extra_f, bonus=bonus, texts=texts,
                              languages=languages, thresholds=limits)
        split = {r: clauses(sentences[r].unit.text) for r in rows}
        parts = {r: (np.stack([vectors[c] for c in cl]), cl) for r, cl in split.items() if cl}
        pool = np.vstack([matrix, extra]) if extra is not None else matrix
        pool_f = np.concatenate([fams, extra_f]) if extra_f is not None else fams
        found = carried_in_parts(found, parts, pool, pool_f, fams, texts, thresholds=limits)
        claim_rows = [r for r, _, _ in cap_per_family(_distinct(found, matrix, limits.same_claim), fams, MAX_CLAIMS)]
        summary = _summary(articles, sentences, matrix, fams, lang, limits, grouped,
                           {sentences[r].unit.text for r in claim_rows})
        shown = {c.text for c in summary}  # a sentence the summary had to keep is not listed twice
        claims = tuple(c for c in (_cite(articles[sentences[r].article], sentences[r].unit.text) for r in claim_rows)
                       if c.text not in shown)
    return Brief(
        story_id=story_id,
        headline=title,
        summary=summary,
        entities=tuple(merge_entities(articles, lang=lang)),
        quote_groups=quote_groups,
        single_source_claims=claims,
        timeline=tuple(timeline(articles, links)),
        sources=sources_by_language(articles),
    )


def _distinct(found: Sequence[tuple[int, float, float]], matrix: np.ndarray,
              same_claim: float) -> list[tuple[int, float, float]]:
    """Drop a claim that repeats one already kept (a near-copy in the same family says it twice)."""
    kept: list[tuple[int, float, float]] = []
    for item in found:
        if all(float(matrix[item[0]] @ matrix[k[0]]) < same_claim for k in kept):
            kept.append(item)
    return kept


def _cite(article: Article, text: str) -> CitedSentence:
    """The sentence as a brief shows it (no dateline or byline in front), with its article."""
    return CitedSentence(text=strip_dateline(text), article_id=article.id, source=source_name(article),
                         lang=article.lang)


def _article_vector(article: Article, stored: dict[str, np.ndarray], sentences: Sequence[_Sentence],
                    vectors: dict[str, np.ndarray], index: int) -> np.ndarray:
    """The stored article vector, else the mean of its sentence vectors (same space as the rest)."""
    own = [vectors[s.unit.text] for s in sentences if s.article == index]
    fallback = np.mean(own, axis=0) if own else None
    vector = stored.get(article.id)
    if vector is not None and (fallback is None or vector.shape == fallback.shape):
        return vector
    return fallback if fallback is not None else np.zeros(next(iter(vectors.values())).shape, np.float32)


def _summary(articles: Sequence[Article], sentences: Sequence[_Sentence], matrix: np.ndarray,
             fams: np.ndarray, lang: str | None, limits: BriefThresholds,
             grouped_quotes: Collection[str] = (), claimed: Collection[str] = ()) -> tuple[CitedSentence, ...]:
    """What happened in 3 to 7 whole sentences, event facts (no quotation) before what people said. No
    sentence is shown twice: one carrying a quotation the quote groups show is left to them, and a
    single-source claim (``claimed``, in any of its copies) to its list, each while three others remain."""
    lo, hi = _SUMMARY_WORDS
    candidates = [
        Candidate(r, int(fams[r]), s.position, len(s.unit.text.split()),
                  bool(lang and articles[s.article].lang == lang))
        for r, s in enumerate(sentences)
        if lo <= len(s.unit.text.split()) <= hi and _prose(s.unit.text) and whole_sentence(s.unit.text)
    ]
    for shown_elsewhere in (lambda text: any(q in text for q in grouped_quotes), lambda text: text in claimed):
        rest = [c for c in candidates if not shown_elsewhere(sentences[c.row].unit.text)]
        candidates = rest if len(rest) >= _MIN_SUMMARY else candidates
    if not candidates:
        candidates = [Candidate(r, int(fams[r]), s.position, len(s.unit.text.split()))
                      for r, s in enumerate(sentences)]
    k = summary_size(len(set(fams.tolist())), len(candidates))
    rows = [c.row for c in candidates]
    texts = [s.unit.text for s in sentences]
    same = same_fact(matrix[rows] @ matrix[rows].T, texts, rows, rows, thresholds=limits)
    chosen = select_summary(matrix, fams, candidates, k, same=same, thresholds=limits)
    chosen.sort(key=lambda c: bool(find_quotes(sentences[c.row].unit.text)))  # stable: facts, then sayings
    return tuple(_cite(articles[sentences[c.row].article], sentences[c.row].unit.text) for c in chosen)


def _quote_group(segments: Sequence[QuoteSegment], articles: dict[str, Article], lang: str | None) -> QuoteGroup:
    """One quotation as each article carries it: variants with article, source, language and speaker."""
    variants = []
    for article_id in dict.fromkeys(s.article_id for s in segments):
        own = sorted((s for s in segments if s.article_id == article_id), key=lambda s: s.index)
        text = own[0].text
        for prev, seg in pairwise(own):
            text += (" " if seg.index == prev.index + 1 else " … ") + seg.text
        article = articles[article_id]
        variants.append(QuoteVariant(text=text, article_id=article_id, source=source_name(article),
                                     lang=article.lang, speaker=pick_speaker([s.speaker for s in own])))
    shown = next((v for v in variants if lang and v.lang == lang), variants[0])
    return QuoteGroup(
        text=shown.text,
        speaker=pick_speaker([v.speaker for v in variants]),
        languages=tuple(sorted({v.lang for v in variants})),
        sources=tuple(sorted({v.source for v in variants})),
        variants=tuple(variants),
    )


def brief(story_id: str, *, db: str | Path = "storyline.db", lang: str | None = None,
          hint: str = "ingest something first, or pass db=PATH") -> Brief:
    """The brief of ``story_id`` in the database file ``db`` (the Python API's one-liner); ``hint`` is
    what a missing database's error tells to do."""
    store = open_existing(db, hint)
    try:
        return build_brief(store, story_id, lang=lang)
    finally:
        store.close()
