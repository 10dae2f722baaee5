"""Preparing a batch of records into articles: extract and check ids, clean, keep what is long
enough, tell the language, find near-duplicates. Each stage is a small function over typed batch
values; the engine wires and times them. No stage reads settings or the store: what it needs is
passed in (the store's content hashes as a lookup function).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

import numpy as np

from storyline.clean import Cleaned, clean_many
from storyline.dedup import LEAD_CHARS, DuplicateIndex, headlines_agree, is_short
from storyline.embed import Encoder
from storyline.extract import Extracted, count_words, extract
from storyline.language import SAMPLE_CHARS, detect, given_code
from storyline.sources.decode import without_surrogates
from storyline.types import Article, RawRecord, Rejection

# A `lang` value that is no language code is kept in extra, cut to this length.
GIVEN_LANG_CHARS = 50
# A publication date further than this after the article's ingest is wrong ("2099"): stored, not used.
FUTURE_SLACK = timedelta(days=1)

When = TypeVar("When", datetime, float)
# The stored content hash of each of a batch's article ids that is stored (a look-up of the whole batch at once)
StoredHashes = Callable[[Sequence[str]], Mapping[str, str]]


@dataclass(frozen=True)
class Accepted:
    """A record that extracted to an article, with an id of its own and the hash of its content."""

    record: RawRecord
    extracted: Extracted
    article_id: str
    content_hash: str


@dataclass(frozen=True)
class Extraction:
    """The extract stage's result: accepted records, rejections (the readers' too), and the counts."""

    accepted: tuple[Accepted, ...]
    rejections: tuple[Rejection, ...]
    already_stored: int  # the same article (id and content) is stored, or earlier in the batch
    repaired_surrogates: int  # records holding lone UTF-16 surrogates, replaced by U+FFFD


@dataclass(frozen=True)
class Cleaning:
    """The clean stage's result: the records long enough after cleaning, each with its cleaned text."""

    kept: tuple[tuple[Accepted, Cleaned], ...]
    rejections: tuple[Rejection, ...]


@dataclass(frozen=True)
class Articles:
    """The language stage's result: the articles, and what was noted about their given fields."""

    articles: tuple[Article, ...]
    bad_lang_codes: int  # a given `lang` that is no language code (kept in extra.lang_given)
    unparsed_dates: int  # a given `published` no parser read (kept in extra.published_unparsed)
    future_dates: int  # dated over a day after ingest: stored, not used as time evidence


@dataclass(frozen=True)
class Prepared:
    """An article ready to encode and assign: its MinHash signature, and the article it copies if any."""

    article: Article
    signature: np.ndarray
    duplicate_of: str | None = None


def usable_time(article: Article) -> datetime | None:
    """The publication time the clusterer may use: none for a date over a day after the article was
    ingested (a wrong date, "2099"), which would otherwise move the story clock ahead and close every
    open story. The date itself is stored as given."""
    published = article.published
    if published is None or article.ingested is None or published <= article.ingested + FUTURE_SLACK:
        return published
    return None


def oldest_first(times: Sequence[When | None]) -> list[int]:
    """Positions in a batch by time, undated ones keeping their place among the dated: a folder or feed
    in any order then meets the stories of its time, not ones a newer article closed.

    >>> oldest_first([5.0, None, 1.0, 2.0])
    [2, 1, 3, 0]
    """
    dated = [(t, i) for i, t in enumerate(times) if t is not None]
    slots = iter(i for _, i in sorted(dated, key=lambda pair: pair[0]))
    return [i if t is None else next(slots) for i, t in enumerate(times)]


def content_hash(title: str, text: str) -> str:
    """The hash that tells the same article from another: words of title and text, case and spacing aside."""
    normalised = " ".join(f"{title}\n{text}".split()).lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def identity_of(record: RawRecord, extracted: Extracted) -> Accepted:
    """The record's article id (given, else made from its content) and content hash: per-article work,
    unchecked (``check_identity`` compares it with what is stored)."""
    digest = content_hash(extracted.title, extracted.text)
    article_id = str(record.id) if record.id not in (None, "") else f"a{digest[:16]}"
    return Accepted(record, extracted, article_id, digest)


def check_identity(item: Accepted, stored_hash: Callable[[str], str | None],
                   batch_ids: set[str]) -> Accepted | Rejection | None:
    """The article, checked: None when this very article is stored already (or, id made from content,
    earlier in the batch); a ``duplicate_id`` rejection when the id names a different article."""
    given = item.record.id not in (None, "")
    stored = stored_hash(item.article_id)
    if stored == item.content_hash or (item.article_id in batch_ids and not given):
        return None
    if stored is not None or item.article_id in batch_ids:
        return Rejection(item.record.origin, "duplicate_id",
                         f"id {item.article_id!r} is already used by a different article")
    return item


def identify(record: RawRecord, extracted: Extracted, stored_hash: Callable[[str], str | None],
             batch_ids: set[str]) -> Accepted | Rejection | None:
    """The record's article id, checked against the store and the batch (see ``check_identity``)."""
    return check_identity(identity_of(record, extracted), stored_hash, batch_ids)


def extract_record(record: RawRecord | Rejection, *, min_words: int) -> tuple[Accepted | Rejection, bool]:
    """One record extracted (lone surrogates repaired first) with its unchecked identity, and whether it
    needed that repair; a reader's rejection passes through."""
    if isinstance(record, Rejection):
        return record, False
    record, repaired = without_surrogates(record)
    extracted = extract(record, min_words=min_words)
    if isinstance(extracted, Rejection):
        return extracted, repaired > 0
    return identity_of(record, extracted), repaired > 0


def check_extractions(outcomes: Iterable[Accepted | Rejection], repaired_surrogates: int,
                      stored_hashes: StoredHashes) -> Extraction:
    """The extract stage's result from extracted records, in input order: each identity checked against
    the store (the batch's ids looked up at once) and the records before it."""
    outcomes = list(outcomes)
    stored = stored_hashes([o.article_id for o in outcomes if not isinstance(o, Rejection)])
    accepted: list[Accepted] = []
    rejections: list[Rejection] = []
    already_stored = 0
    batch_ids: set[str] = set()
    for outcome in outcomes:
        checked = outcome if isinstance(outcome, Rejection) else check_identity(outcome, stored.get, batch_ids)
        if checked is None:
            already_stored += 1
        elif isinstance(checked, Rejection):
            rejections.append(checked)
        else:
            batch_ids.add(checked.article_id)
            accepted.append(checked)
    return Extraction(tuple(accepted), tuple(rejections), already_stored, repaired_surrogates)


def extract_batch(batch: Iterable[RawRecord | Rejection], *, min_words: int,
                  stored_hashes: StoredHashes) -> Extraction:
    """Extract every record (lone surrogates repaired first) and check its id."""
    outcomes = [extract_record(record, min_words=min_words) for record in batch]
    return check_extractions([o for o, _ in outcomes], sum(r for _, r in outcomes), stored_hashes)


def clean_batch(accepted: Sequence[Accepted], *, min_words: int, encoder: Encoder | None) -> Cleaning:
    """Clean every text (``encoder``: also judge headline-shaped lines by their embedding) and reject
    the articles left with fewer than ``min_words`` words."""
    cleaned = clean_many([(a.extracted.text, a.extracted.title, a.record.lang) for a in accepted], encoder=encoder)
    kept: list[tuple[Accepted, Cleaned]] = []
    rejections: list[Rejection] = []
    for item, clean in zip(accepted, cleaned, strict=True):
        if count_words(f"{item.extracted.title} {clean.text}", min_words) < min_words:
            rejections.append(Rejection(item.record.origin, "too_short",
                                        f"fewer than {min_words} words after cleaning (setting min_words)"))
        else:
            kept.append((item, clean))
    return Cleaning(tuple(kept), tuple(rejections))


def language_of(given: str | None, title: str, text: str) -> tuple[str, float, bool]:
    """(code, confidence, whether a given value was no language code): a valid given code is taken
    as it is, else the language is detected from the title and the start of the text."""
    code = given_code(given) if given else None
    if code is not None:
        return code, 1.0, False
    lang, confidence = detect(f"{title}\n{text[:SAMPLE_CHARS]}")
    return lang, confidence, bool(given)


def to_article(item: Accepted, clean: Cleaned, now: datetime) -> tuple[Article, bool]:
    """The article of a cleaned record, and whether its given `lang` was no language code. Given values
    no parser read are kept in ``extra`` beside the record's own fields."""
    record, ex = item.record, item.extracted
    lang, confidence, bad_lang = language_of(record.lang, ex.title, clean.text)
    extra = dict(record.extra)
    if bad_lang:
        extra["lang_given"] = str(record.lang)[:GIVEN_LANG_CHARS]
    if ex.unparsed_published is not None:
        extra["published_unparsed"] = ex.unparsed_published
    article = Article(
        id=item.article_id, title=ex.title, text=clean.text, url=ex.url, source=ex.source,
        published=ex.published, lang=lang, lang_confidence=round(float(confidence), 4),
        ingested=now, content_hash=item.content_hash, origin=record.origin, removed=clean.removed, extra=extra,
    )
    return article, bad_lang


def to_articles(kept: Sequence[tuple[Accepted, Cleaned]], now: datetime) -> Articles:
    """The articles of a batch, ingested ``now``, with the counts of given values set aside."""
    return gather_articles(kept, [to_article(item, clean, now) for item, clean in kept])


def gather_articles(kept: Sequence[tuple[Accepted, Cleaned]], made: Sequence[tuple[Article, bool]]) -> Articles:
    """The language stage's result from each kept record's article and whether its given `lang` was no
    language code (made here or on a worker)."""
    articles = tuple(article for article, _ in made)
    return Articles(
        articles, bad_lang_codes=sum(bad_lang for _, bad_lang in made),
        unparsed_dates=sum(1 for item, _ in kept if item.extracted.unparsed_published is not None),
        future_dates=sum(1 for a in articles if a.published is not None and usable_time(a) is None),
    )


def find_duplicates(articles: Sequence[Article], index: DuplicateIndex,
                    signatures: Sequence[np.ndarray] | None = None,
                    lead_of: Callable[[str], tuple[str, str] | None] | None = None,
                    ) -> tuple[tuple[Prepared, ...], list[int]]:
    """Each article's signature (computed here unless given) and the earlier article it copies, if any,
    found and added to ``index`` oldest first (as assignment goes), so a copy published later than its
    original is the duplicate. A match whose headlines disagree (``headlines_agree``) is no copy: the next
    match is tried. ``lead_of`` gives a stored article's (headline, body's opening); None: unknown, no veto.
    Returns the prepared articles in batch order, and that order."""
    if signatures is None:
        signatures = [index.signature(article.full_text) for article in articles]
    order = oldest_first([usable_time(article) for article in articles])
    leads = {article.id: lead(article) for article in articles}

    def agreeing(i: int, found: list[str]) -> str | None:
        mine = leads[articles[i].id]
        return next((original for original in found if headlines_agree(mine, _lead(original, leads, lead_of) or mine)),
                    None)

    originals = index.find_and_add([a.id for a in articles], signatures, [is_short(a.full_text) for a in articles],
                                   order, agreeing)
    prepared = tuple(Prepared(a, s, originals[i]) for i, (a, s) in enumerate(zip(articles, signatures, strict=True)))
    return prepared, order


def lead(article: Article) -> tuple[str, str]:
    """An article's headline and body's opening: what a near-copy check compares (``dedup.headlines_agree``)."""
    return article.title, article.text[:LEAD_CHARS]


def _lead(article_id: str, batch: dict[str, tuple[str, str]],
          lead_of: Callable[[str], tuple[str, str] | None] | None) -> tuple[str, str] | None:
    """(headline, body's opening) of an article of this batch or, through ``lead_of``, a stored one."""
    if article_id in batch:
        return batch[article_id]
    return lead_of(article_id) if lead_of is not None else None
