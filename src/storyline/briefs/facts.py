"""The parts of a brief that need no sentence vectors: source families, entities, timeline, sources, headline."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache

import numpy as np

from storyline.briefs.quotes import strip_glued
from storyline.centrality import most_central
from storyline.dates import as_utc
from storyline.entities import Entity, extract_entities, gazetteer_key, name_similarity, normalise_name
from storyline.sources.urls import site_of
from storyline.types import Article, StoryEntity, TimelineEntry

__all__ = ["article_entities", "copy_originals", "demonym", "families", "headline", "merge_entities", "place_names",
           "source_name", "sources_by_language", "timeline"]

_MAX_ENTITY_KEYS = 200
_NAME_MATCH = 0.85
_HEADLINE_CHARS = 160
# Capitalised words that open sentences or name dates: not entities on their own, not part of names.
_OPENERS = frozenset([
    "but", "also", "and", "so", "yet", "however", "then", "still", "pero", "también", "y", "mais", "aussi", "et",
    "aber", "auch", "und", "ma", "anche", "e", "mas"
])
_CALENDAR = frozenset([
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october", "november", "december", "lunes", "martes",
    "miercoles", "jueves", "viernes", "sabado", "domingo", "enero", "febrero", "marzo", "abril", "mayo", "junio",
    "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre", "lundi", "mardi", "mercredi", "jeudi",
    "vendredi", "samedi", "dimanche", "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
    "septembre", "octobre", "novembre", "decembre", "montag", "dienstag", "mittwoch", "donnerstag", "freitag",
    "samstag", "sonntag", "januar", "februar", "marz", "juni", "juli", "oktober", "dezember", "today", "yesterday",
    "tomorrow"
])


def source_name(article: Article) -> str:
    """The article's source, else its web host, else "unknown".

    >>> source_name(Article(id="a", title="", text="", url="https://www.example.org/x"))
    'example.org'
    """
    return article.source or site_of(article.url) or "unknown"


def families(articles: Sequence[Article], duplicate_of: Mapping[str, str | None]) -> list[int]:
    """A family number per article: one source, and near-copies of each other, are one family.

    >>> arts = [Article(id=i, title="", text="", source=s) for i, s in [("a", "x"), ("b", "y"), ("c", None)]]
    >>> families(arts, {"c": "b"})
    [0, 1, 1]
    """
    parent = list(range(len(articles)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    index = {a.id: i for i, a in enumerate(articles)}
    by_source: dict[str, int] = {}
    for i, article in enumerate(articles):
        if article.source:
            key = article.source.strip().lower()
            if key in by_source:
                parent[find(i)] = find(by_source[key])
            else:
                by_source[key] = i
        original = duplicate_of.get(article.id)
        if original in index:
            parent[find(i)] = find(index[original])
    roots: dict[int, int] = {}
    return [roots.setdefault(find(i), len(roots)) for i in range(len(articles))]


def _tidy(entity: Entity, context: str = "") -> Entity | None:
    """A name without sentence-opening words ("But Assad" -> "Assad"), role nouns glued in front
    ("Unternehmenssprecher Daniel Okafor"), a common word in front ("Animal Assad": "animal" is written
    lower-case in the text and "Assad" stands alone there), dates or lower-case words behind ("Lula
    Monday" -> "Lula"), or a possessive ending; None for dates ("Also Thursday").

    >>> _tidy(Entity("But Assad", "but assad", "name")).key, _tidy(Entity("Also Thursday", "also thursday", "name"))
    ('assad', None)
    >>> _tidy(Entity("Spain's", "spain", "place")).text, _tidy(Entity("Lula Monday", "lula monday", "name")).text
    ('Spain', 'Lula')
    >>> _tidy(Entity("Animal Assad", "animal assad", "name"), "He called Animal Assad an animal. Assad denied it.").text
    'Assad'
    """
    text = re.sub(r"['’]s$", "", entity.text) if len(entity.text) > 4 else entity.text
    if entity.kind == "name":
        words = text.split()
        while len(words) > 1 and normalise_name(words[0]) in _OPENERS:
            words.pop(0)
        if all(normalise_name(w) in _CALENDAR | _OPENERS for w in words):
            return None
        while len(words) > 1 and (normalise_name(words[-1]) in _CALENDAR or words[-1][0].islower()):
            words.pop()
        while len(words) > 1 and _common_word(words[0], " ".join(words[1:]), context):
            words.pop(0)
        text = strip_glued(" ".join(words), context)
    if text == entity.text:
        return entity
    key = normalise_name(text) if entity.kind == "name" else entity.key
    return Entity(text, key, entity.kind, entity.count)


def _common_word(word: str, rest: str, context: str) -> bool:
    """``word`` in front of a name is a common word, not a first name: the text names ``rest`` without it
    and writes ``word`` lower-case too, or puts the two in quotation marks as a nickname ("Animal Assad");
    not "New York", whose "York" never stands alone.

    >>> _common_word("Animal", "Assad", 'Trump llamó "Animal Assad" a su homónimo. Assad dijo que no.')
    True
    >>> _common_word("Bashar", "Assad", "Bashar Assad spoke. Assad: no."), _common_word("New", "York", "New York: new")
    (False, False)
    """
    alone = re.search(rf"(?<!{re.escape(word)} ){re.escape(rest)}(?!\w)", context)
    if word.lower() == word or not alone:
        return False
    if re.search(rf"(?<!\w){re.escape(word.lower())}(?!\w)", context):
        return True
    return bool(re.search(rf"[\"“«„‘]{re.escape(word)} {re.escape(rest)}[\"”»“’]", context))


# Words that join two names into one capitalised run ("Barcelona y Tarragona"): two entities, not one.
_COORDINATED = re.compile(r"\s+(?:y|e|i|und|and|et|og|en)\s+")


def _split_coordinated(entity: Entity) -> list[Entity]:
    """A run of two names joined by "and" as its two names (a place if the gazetteer knows it).

    >>> [(e.text, e.kind) for e in _split_coordinated(Entity("Barcelona y Tarragona", "barcelona y tarragona", "name"))]
    [('Barcelona', 'name'), ('Tarragona', 'name')]
    """
    if entity.kind != "name" or not _COORDINATED.search(entity.text):
        return [entity]
    out = []
    for part in _COORDINATED.split(entity.text):
        if part and part[0].isupper():
            known = gazetteer_key(part)
            out.append(Entity(part, known or normalise_name(part), "place" if known else "name", entity.count))
    return out or [entity]


@lru_cache(maxsize=4096)
def _entities_of(text: str, lang: str) -> tuple[Entity, ...]:
    """Tidied entities of one article text (memoised: a long-running app briefs the same articles often)."""
    found = [part for e in extract_entities(text, lang=lang) for part in _split_coordinated(e)]
    return tuple(filter(None, (_tidy(e, text) for e in found)))


def article_entities(article: Article) -> tuple[Entity, ...]:
    """The tidied entities of one article (title and text), each with its surface form and count, as
    ``merge_entities`` reads them."""
    return _entities_of(f"{article.title}\n{article.text}", article.lang)


def merge_entities(articles: Sequence[Article], *, lang: str | None = None, limit: int = 15) -> list[StoryEntity]:
    """Entities of all articles merged across languages and spellings, most widely carried first.

    Same canonical key ("Siria" / "Syria") merges; other proper names merge when one's spelling
    matches a more frequent one ("Bashar al-Assad" into "Assad").
    """
    mentions: Counter = Counter()
    kinds: dict[str, str] = {}
    where: dict[str, set[str]] = defaultdict(set)
    forms: dict[str, Counter] = defaultdict(Counter)
    for article in articles:
        found: Sequence[Entity] = article_entities(article)
        for entity in found:
            mentions[entity.key] += entity.count
            kinds.setdefault(entity.key, entity.kind)
            where[entity.key].add(article.id)
            weight = 2 if lang and article.lang == lang else 1
            forms[entity.key][entity.text] += entity.count * weight
    _fold_short_forms(mentions, kinds, where, forms)
    langs = {a.id: a.lang for a in articles}
    keys = sorted(mentions, key=lambda k: (-len(where[k]), -mentions[k], k))[:_MAX_ENTITY_KEYS]
    heads: list[str] = []
    members: dict[str, list[str]] = {}
    for key in keys:
        target = None
        if kinds[key] == "name":
            surface = forms[key].most_common(1)[0][0]
            for head in heads:
                if kinds[head] == "name" and name_similarity(surface, forms[head].most_common(1)[0][0]) >= _NAME_MATCH:
                    target = head
                    break
        if target is None:
            heads.append(key)
            members[key] = [key]
        else:
            members[target].append(key)
    merged = []
    for head in heads:
        group = members[head]
        ids = set().union(*(where[k] for k in group))
        surfaces: Counter = Counter()
        for k in group:
            surfaces.update(forms[k])
        name, kind = _shown_as(surfaces, kinds[head])
        merged.append(StoryEntity(
            name=name,
            key=head,
            kind=kind,
            count=sum(mentions[k] for k in group),
            articles=len(ids),
            languages=tuple(sorted({langs[i] for i in ids})),
            forms=tuple(s for s, _ in surfaces.most_common(6)),
        ))
    merged.sort(key=lambda e: (-e.articles, -e.count, e.name))
    if len(articles) >= 3:
        widely = [e for e in merged if e.articles >= 2]
        merged = widely if len(widely) >= 3 else merged
    return merged[:limit]


_SHORT_FORM = 2  # letters


def _fold_short_forms(mentions: Counter, kinds: dict[str, str], where: dict[str, set[str]],
                      forms: dict[str, Counter]) -> None:
    """A one- or two-letter name ("Hu", "Xi"; longer ones merge by spelling, ``name_similarity``) that is the
    first or last word of exactly one longer name of the story joins it; the longer name is the one shown."""
    names = [k for k in mentions if kinds[k] == "name"]
    for short in [k for k in names if " " not in k and len(k) <= _SHORT_FORM]:
        longer = [k for k in names if " " in k and short in (k.split()[0], k.split()[-1])]
        if len(longer) != 1:
            continue
        full = longer[0]
        mentions[full] += mentions.pop(short)
        where[full] |= where.pop(short)
        for surface in forms.pop(short):
            forms[full][surface] += 0  # a spelling it goes by, never the one shown
        kinds.pop(short)


# Nationality words: the gazetteer files "Russian" under Russia, but the adjective names people, not the place.
_DEMONYM_ENDINGS = ("ian", "ians", "ish", "ese", "ean", "eans", "ans", "ch", "i", "is", "er", "ische", "ischen")


def demonym(surface: str) -> bool:
    """A place's adjective ("Russian", "French", "ruso", "russische"), not its name ("Russia", "Paris").

    >>> [demonym(w) for w in ("Russian", "French", "ruso", "Russia", "Iran", "Paris", "Israeli")]
    [True, True, True, False, False, False, True]
    """
    if not surface or surface[0].islower():
        return bool(surface)  # languages that write place names capitalised write their adjectives lower-case
    norm = normalise_name(surface)
    key = gazetteer_key(surface)
    return bool(key) and norm.endswith(_DEMONYM_ENDINGS) and norm not in place_names(key)


@lru_cache(maxsize=512)
def place_names(key: str) -> frozenset[str]:
    """The normalised names (not adjectives) of a gazetteer place: its first alias and its key."""
    from storyline.gazetteer import entries

    for k, _, aliases in entries():
        if k == key:
            return frozenset({normalise_name(aliases[0]), normalise_name(k)})
    return frozenset({key})


def _shown_as(surfaces: Counter, kind: str) -> tuple[str, str]:
    """The name and kind an entity is shown by: its most used spelling, but a place by its name over its
    adjective ("Russia" for "Russia" and "Russian"), and a place seen only as an adjective as a nationality."""
    ranked = [s for s, _ in surfaces.most_common()]
    if kind != "place" or not demonym(ranked[0]):
        return ranked[0], kind
    named = [s for s in ranked if not demonym(s) and surfaces[s] > 0]
    return (named[0], kind) if named else (ranked[0], "nationality")


def _display_title(article: Article) -> str:
    if article.title:
        return article.title
    first = article.text.strip().split("\n", 1)[0]
    return first if len(first) <= _HEADLINE_CHARS else first[: _HEADLINE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def timeline(articles: Sequence[Article], duplicate_of: Mapping[str, str | None] | None = None) -> list[TimelineEntry]:
    """The dated articles in publication order, then the undated ones (``published`` false, ``time`` when
    they were ingested) in the order they arrived: an ingest time never sits among publication times.
    ``duplicate_of`` (article id -> the article it near-copies) marks each copy with its original.

    >>> arts = [Article(id=i, title=i, text="", source=s) for i, s in [("a", "wire"), ("b", "blog"), ("c", "blog2")]]
    >>> [(t.article_id, t.copy_of) for t in timeline(arts, {"b": "a", "c": "b"})]
    [('a', None), ('b', 'a'), ('c', 'a')]
    """
    far = datetime.max.replace(tzinfo=UTC)
    original = copy_originals(articles, duplicate_of or {})

    def when(a: Article) -> datetime:
        t = a.time
        return far if t is None else (t if t.tzinfo else t.replace(tzinfo=UTC))

    return [
        TimelineEntry(time=as_utc(a.time), published=a.published is not None, article_id=a.id,
                      source=source_name(a), lang=a.lang, title=_display_title(a), url=a.url,
                      copy_of=original.get(a.id))
        for a in sorted(articles, key=lambda a: (a.published is None, when(a), a.id))
    ]


def copy_originals(articles: Sequence[Article], duplicate_of: Mapping[str, str | None]) -> dict[str, str]:
    """Near-copy id -> its original's id, as coverage credits them (``coverage.facts.originals``: copies
    of copies lead to the first original; a copy whose original is not in the story is an original here)."""
    from storyline.coverage.facts import originals
    from storyline.coverage.types import Piece

    if not any(duplicate_of.get(a.id) for a in articles):
        return {}
    pieces = [Piece(a.id, source_name(a), a.lang, None, "", duplicate_of.get(a.id)) for a in articles]
    return {c.article_id: o.article_id for o in originals(pieces) for c in o.copies}


def sources_by_language(articles: Sequence[Article]) -> dict[str, tuple[str, ...]]:
    """Language -> its sources (sorted), languages with most sources first."""
    by_lang: dict[str, set[str]] = defaultdict(set)
    for a in articles:
        by_lang[a.lang].add(source_name(a))
    ordered = sorted(by_lang, key=lambda lang: (-len(by_lang[lang]), lang))
    return {lang: tuple(sorted(by_lang[lang])) for lang in ordered}


def headline(articles: Sequence[Article], vectors: Sequence[np.ndarray], *,
             lang: str | None = None) -> tuple[str, str | None]:
    """(headline, article id): the most central article's title, in ``lang`` when one exists.

    Articles in the preferred language are tried first; a titled article beats an untitled one,
    whose first line then stands in (shortened). Near-equal scores are a tie, won by the earliest article
    (``centrality.most_central``; articles come oldest first).
    """
    if not articles:
        return "", None
    pool = [i for i, a in enumerate(articles) if lang and a.lang == lang] or list(range(len(articles)))
    titled = [i for i in pool if articles[i].title]
    best = most_central(vectors, among=titled or pool)
    return _display_title(articles[best]), articles[best].id
