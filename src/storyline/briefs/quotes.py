"""Quotations in articles, who said them, and the same quotation matched across sources and languages.

A quotation one paper prints as one sentence may be two in another language, so matching works on
quote *segments* (the sentences of a quotation) and on pairs of neighbouring segments: for each
pair of articles the best non-overlapping matches above a cosine threshold are linked, and the
linked segments form groups (connected components).

>>> segs = article_quotes("a1", '"We will rebuild the bridge," said Mayor Ana Ruiz. "It takes a year," she added.')
>>> [(s.text, s.speaker) for s in segs]
[('We will rebuild the bridge', 'Ana Ruiz'), ('It takes a year', 'Ana Ruiz')]
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from storyline.briefs.text import find_quotes, paragraphs, sentence_bounds
from storyline.embed.registry import DEFAULT_THRESHOLDS, BriefThresholds
from storyline.entities import extract_entities, name_similarity

__all__ = [
    "QuoteSegment",
    "article_quotes",
    "group_quotes",
    "match_units",
    "pick_speaker",
    "strip_glued",
]

# The cosine above which two quote segments are the same words is the encoder's (``BriefThresholds.quote``;
# calibrated on invented translated quotes and the seed articles: benchmarks/BRIEFS.md, THRESHOLDS.md).
_MIN_WORDS = 3

_VERB = (
    r"(?:said|says|added|adds|told|tells|stated|explained|declared|warned|insisted|replied|noted|"
    r"predicted|stressed|vowed|argued|claimed|wrote|tweeted|continued|asked|recalled|"
    r"dijo|dice|afirmó|afirma|añadió|agregó|declaró|aseguró|explicó|señaló|indicó|advirtió|sostuvo|"
    r"manifestó|expresó|comentó|subrayó|insistió|recordó|"
    r"a\s+déclaré|a\s+dit|a\s+affirmé|a\s+ajouté|a\s+expliqué|a\s+indiqué|a\s+souligné|a\s+assuré|"
    r"a\s+averti|a\s+estimé|a\s+lancé|a\s+précisé|déclare|affirme|ajoute|explique|estime|précise|"
    r"sagte|sagt|erklärte|betonte|meinte|warnte|fügte|so|"
    r"ha\s+detto|ha\s+dichiarato|ha\s+aggiunto|disse|afirmou|declarou|acrescentou|explicou)"
)
_NAME = (r"(?:(?:al|el|de|van|von|ben|bin)-)?[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'-]+"
         r"(?:\s+(?:(?:al|el|de|del|da|dos|van|von|der|du|la|le|bin|ibn)[\s-]+)?"
         r"(?:(?:al|el)-)?[A-ZÀ-ÖØ-ÞĀ-Ž][\w’'-]+){0,3}")
_PRONOUN = r"(?:he|she|they|él|ella|ellos|il|elle|ils|er|sie|lui|lei|ele|ela)"
_FR_INVERTED = r"(?:a-t-(?:il|elle)\s+\w+|(?:dit|ajoute|affirme|estime|explique|déclare|précise)-(?:t-)?(?:il|elle))"
_ACCORDING = r"(?:according\s+to|según|selon|laut|secondo|segundo)"

_LOWER_WORD = r"[a-zà-ÿ][\w'’-]*"
_AFTER_VERB = re.compile(rf"^\W{{0,3}}\s*{_VERB}\s+")
# "…," a company spokesman, Daniel Okafor, said: the name right before the verb, after a short clause.
_AFTER_NAME_VERB = re.compile(rf"^\W{{0,3}}\s*(?:[^.!?\"“”«»„]{{0,60}}?[\s,])?({_NAME}),?\s+{_VERB}\b")
# The attribution clause after the verb ends at the sentence end or at ", <lower-case word>" (", adding …").
_CLAUSE_END = re.compile(r"[.!?;:\"“”«»„]|,\s+[a-zà-ÿ]")
_NAME_RE = re.compile(_NAME)
_AFTER_PRONOUN = re.compile(
    rf"^\W{{0,3}}\s*(?:{_PRONOUN}\s+{_VERB}\b|{_FR_INVERTED}|{_VERB}\s+{_PRONOUN}\b|{_VERB}\s*(?:[.,;]|$))",
    re.IGNORECASE,
)
_BEFORE_NAME = re.compile(rf"({_NAME})\s+{_VERB}\b[^.!?\"“«„]{{0,80}}$")
_BEFORE_PRONOUN = re.compile(rf"\b{_PRONOUN}\s+{_VERB}\b[^.!?\"“«„]{{0,80}}$", re.IGNORECASE)
_DETERMINER_NOUN = re.compile(
    r"(?:^|[\s,])(?:the|an?|la|le|el|los|las|les|die|der|das|il|lo|gli|o|os|as|un|une|una|um|uma|ein|eine)\s+"
    r"(?:[A-ZÀ-ÖØ-Þ][\w'’-]+\s+)?[a-zà-ÿ][\w'’-]+")
_ACCORDING_NAME = re.compile(rf"{_ACCORDING}\s+(?:{_LOWER_WORD}\s+){{0,3}}?({_NAME})")


@dataclass(frozen=True)
class QuoteSegment:
    """One sentence of a quotation: its article, order in the article, paragraph, quotation and speaker."""

    article_id: str
    index: int
    paragraph: int
    quote: int
    text: str
    speaker: str | None = None


@lru_cache(maxsize=4096)
def _person(name: str) -> str | None:
    """The name if it can be a speaker (not a lone place or organisation like "Syrian")."""
    words = name.strip(" ,.’'").split()
    while len(words) > 1 and words[0].lower().rstrip(".") in _TITLES:
        words.pop(0)
    name = " ".join(words)
    if not name or name.lower() in _NOT_SPEAKERS:
        return None
    kinds = {e.kind for e in extract_entities(name)}
    if kinds and kinds <= {"place", "topic"}:
        return None
    return name


# Titles before a name ("Governor Lucía Moreno"): the speaker is the person.
_TITLES = frozenset([
    "mayor", "governor", "president", "minister", "senator", "chief", "engineer", "dr", "mr", "mrs", "ms", "prof",
    "general", "secretary", "spokesman", "spokeswoman", "sheriff", "judge", "commissioner", "gen", "sen", "rep",
    "gov", "presidente", "ministro", "ministra", "alcalde", "alcaldesa", "gobernador", "gobernadora", "président",
    "présidente", "ministre", "maire", "gouverneur", "gouverneure", "präsident", "präsidentin", "minister",
    "ministerin", "bürgermeister", "vicepresident", "vice-president", "vicepresidente", "vicepresidenta",
    "vice-presidente", "vice-président", "vice-présidente", "vizepräsident", "vizepräsidentin", "portavoz",
    "portavoce", "porte-parole", "porta-voz", "sprecher", "sprecherin", "commissaire", "commissario", "commissaria",
    "comisario", "comisaria", "comissário", "comissária", "kommissar", "kommissarin", "director", "directora",
    "directeur", "directrice", "direttore", "diretor"
])
# Role nouns that end compounds ("Unternehmenssprecher", "Vizepräsidentin"): glued to a name, not part of it.
_ROLE_ENDINGS = ("sprecher", "sprecherin", "präsident", "präsidentin", "minister", "ministerin", "kommissar",
                 "kommissarin", "direktor", "direktorin", "chef", "chefin", "leiter", "leiterin", "vorsitzender",
                 "vorsitzende", "sekretär", "sekretärin", "berater", "beraterin", "kanzler", "kanzlerin",
                 "betreiber", "betreiberin", "spokesman", "spokeswoman", "spokesperson")
_NOT_SPEAKERS = frozenset(["the", "this", "that", "these", "but", "and", "mais", "pero", "aber", "however", "also",
                           "in", "on"])


def _after_verb_name(after: str, context: str) -> str | None:
    """The speaker named after a leading verb ("», dijo su portavoz, Daniel Okafor."), else None.

    The clause may name other things first ("sagte die für Digitales zuständige … Ingrid Maassen"):
    the first name of two or more words wins, else the first one-word name.
    """
    verb = _AFTER_VERB.match(after)
    if not verb:
        return None
    clause = after[verb.end():verb.end() + 120]
    stop = _CLAUSE_END.search(clause)
    clause = clause[:stop.start()] if stop else clause
    cleaned = [_clean(m.group(0), context) for m in _NAME_RE.finditer(clause) if _person(m.group(0))]
    names = [n for n in cleaned if n]
    return next((n for n in names if len(n.split()) >= 2), names[0] if names else None)


def _clean(name: str, context: str) -> str | None:
    """The person's name without glued-on words: titles and role nouns ("Unternehmenssprecher",
    "Exekutiv-Vizepräsidentin"), and a leading word the text also uses apart from the name
    ("della Commissione Ingrid Maassen", where "la Commissione europea" shows it is a common word)."""
    person = _person(name)
    if not person:
        return None
    return strip_glued(person, context)


def strip_glued(name: str, context: str) -> str:
    """``name`` without leading role nouns, and (from three words) without a leading word ``context`` uses apart.

    >>> strip_glued("Unternehmenssprecher Daniel Okafor", ""), strip_glued("Bashar al-Assad", "Bashar al-Assad")
    ('Daniel Okafor', 'Bashar al-Assad')
    >>> strip_glued("Gewerkschaftschefin Marta Olsen", ""), strip_glued("Terminalbetreibers Medterm Logistics", "")
    ('Marta Olsen', 'Medterm Logistics')
    """
    words = name.split()
    while len(words) > 1 and _role(words[0]):
        words.pop(0)
    while len(words) > 2 and _used_apart(words[0], words[1], context):
        words.pop(0)
    return " ".join(words)


def _role(word: str) -> bool:
    """A title or a role noun, also inside a compound ("Unternehmenssprecher", "Exekutiv-Vizepräsidentin")."""
    parts = [p for p in word.lower().strip(".,").split("-") if p]
    # a German genitive keeps its -s ("des Terminalbetreibers Medterm")
    return any(p in _TITLES or any(p.endswith((r, r + "s")) for r in _ROLE_ENDINGS) for p in parts)


def _used_apart(word: str, following: str, context: str) -> bool:
    """Whether ``word`` occurs in ``context`` somewhere not followed by ``following``."""
    pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)(?!\s+{re.escape(following)}(?!\w))")
    return bool(pattern.search(context))


def _explicit(para: str, start: int, end: int, prev_end: int, next_start: int,
              context: str = "") -> tuple[str | None, bool]:
    """(speaker, pronoun): a named speaker next to the quotation, or whether a pronoun speaks."""
    after = para[end + 1 : next_start]
    before = para[prev_end:max(prev_end, start - 1)]
    name = _after_verb_name(after, context)
    if name:
        return name, False
    found = _AFTER_NAME_VERB.match(after)
    if found and _person(found.group(1)):
        return _clean(found.group(1), context), False
    found = _BEFORE_NAME.search(before)
    if found and _person(found.group(1)):
        return _clean(found.group(1), context), False
    for text in (after[:60], before[-120:]):
        found = _ACCORDING_NAME.search(text)
        if found and _person(found.group(1)):
            return _clean(found.group(1), context), False
    return None, bool(_AFTER_PRONOUN.match(after) or _BEFORE_PRONOUN.search(before))


def article_quotes(article_id: str, text: str, fallback: str | None = None) -> list[QuoteSegment]:
    """The quote segments of one cleaned article (segments of 3+ words), each with its speaker.

    A pronoun ("he said", "añadió", "a-t-il dit") and an unattributed quotation take the
    speaker of a neighbouring quotation in the paragraph, else the article's last named
    speaker, else ``fallback``; a quotation whose sentence has an unnamed subject ("la ministre
    … a salué « … »") has no speaker.
    """
    raw: list[tuple[int, int, list[str], str | None, bool]] = []
    for number, para in enumerate(paragraphs(text)):
        quotes = find_quotes(para, number)
        named: list[tuple[str | None, bool]] = []
        for k, quote in enumerate(quotes):
            prev_end = quotes[k - 1].end + 1 if k else 0
            next_start = quotes[k + 1].start - 1 if k + 1 < len(quotes) else len(para)
            named.append(_explicit(para, quote.start, quote.end, prev_end, next_start, text))
        in_para = [name for name, _ in named if name]
        for k, quote in enumerate(quotes):
            name, _ = named[k]
            if name is None and in_para:
                later = [n for n, _ in named[k + 1 :] if n]
                name = later[0] if later else in_para[-1]
            pieces = [quote.text[s:e].strip() for s, e in sentence_bounds(quote.text)]
            prev_end = quotes[k - 1].outer_end if k else 0
            other = name is None and _unnamed_subject(para[prev_end:max(prev_end, quote.start - 1)])
            raw.append((number, k, pieces, name, name is not None or other))
    out: list[QuoteSegment] = []
    last = fallback
    for number, k, pieces, name, known in raw:
        speaker = name if known else last
        if name:
            last = name
        for piece in pieces:
            if len(piece.split()) >= _MIN_WORDS:
                out.append(QuoteSegment(article_id, len(out), number, k, piece, speaker))
    return out


def _unnamed_subject(before: str) -> bool:
    """Whether the quotation's own sentence gives it a speaker without a name ("la ministre … a salué
    « … »", "the ministry said the city "…""): then it is not the article's last named speaker's.
    A person named in that sentence ("But Assad denied …: "…"") or a pronoun subject keeps the old way."""
    clause = re.split(r"[.!?…]\s", before)[-1]
    if not _DETERMINER_NOUN.search(clause) or re.match(rf"\W*{_PRONOUN}\b", clause, re.IGNORECASE):
        return False
    # A person's name here is two words or more ("But Assad"); lone capitalised words are mostly
    # places, days and adjectives ("Lyon", "Thursday", "French").
    return not any(_named_person(m.group(0)) for m in _NAME_RE.finditer(clause))


def _named_person(name: str) -> bool:
    words = name.split()
    while words and words[0].lower() in _NOT_SPEAKERS:
        words.pop(0)
    return len(words) >= 2 and _person(" ".join(words)) is not None


def match_units(segments: Sequence[QuoteSegment]) -> list[tuple[int, ...]]:
    """Matching units of one article: each segment, and each two neighbouring segments of a paragraph."""
    units: list[tuple[int, ...]] = [(i,) for i in range(len(segments))]
    for i in range(len(segments) - 1):
        if segments[i].paragraph == segments[i + 1].paragraph:
            units.append((i, i + 1))
    return units


def unit_text(segments: Sequence[QuoteSegment], unit: tuple[int, ...]) -> str:
    return " ".join(segments[i].text for i in unit)


def group_quotes(
    by_article: Mapping[str, Sequence[QuoteSegment]],
    vector_of: Callable[[str], np.ndarray],
    *,
    thresholds: BriefThresholds = DEFAULT_THRESHOLDS,
) -> list[list[QuoteSegment]]:
    """Groups of quote segments that are the same quotation in two or more articles, largest first.

    ``thresholds`` (the encoder's): ``quote``, the cosine of one quotation; ``join_penalty``, the margin
    by which a match of joined segments must beat a single-segment one.
    """
    threshold, join_penalty = thresholds.quote, thresholds.join_penalty
    ids = [a for a, segs in by_article.items() if segs]
    units = {a: match_units(by_article[a]) for a in ids}
    matrices = {
        a: np.stack([vector_of(unit_text(by_article[a], u)) for u in units[a]]) for a in ids
    }
    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def find(x: tuple[str, int]) -> tuple[str, int]:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(x: tuple[str, int], y: tuple[str, int]) -> None:
        parent[find(x)] = find(y)

    for n, a in enumerate(ids):
        for b in ids[n + 1 :]:
            sims = matrices[a] @ matrices[b].T
            rows, cols = np.nonzero(sims >= threshold)
            scored = sorted(
                ((float(sims[r, c]) - join_penalty * (len(units[a][r]) + len(units[b][c]) - 2), r, c)
                 for r, c in zip(rows, cols, strict=True)),
                reverse=True,
            )
            used_a: set[int] = set()
            used_b: set[int] = set()
            for score, r, c in scored:
                ua, ub = units[a][r], units[b][c]
                if score < threshold or used_a & set(ua) or used_b & set(ub):
                    continue
                used_a.update(ua)
                used_b.update(ub)
                members = [(a, i) for i in ua] + [(b, j) for j in ub]
                for member in members[1:]:
                    union(members[0], member)
    groups: dict[tuple[str, int], list[QuoteSegment]] = {}
    for a in ids:
        for i, seg in enumerate(by_article[a]):
            if (a, i) in parent:
                groups.setdefault(find((a, i)), []).append(seg)
    found = [g for g in groups.values() if len({s.article_id for s in g}) >= 2]
    return sorted(found, key=lambda g: (-len({s.article_id for s in g}), g[0].article_id, g[0].index))


def pick_speaker(speakers: Sequence[str | None]) -> str | None:
    """The speaker most variants name ("Assad" and "Bashar al-Assad" count as one; the fuller form shows)."""
    names = [s for s in speakers if s]
    if not names:
        return None
    clusters: list[list[str]] = []
    for name in names:
        for cluster in clusters:
            if name_similarity(name, cluster[0]) >= 0.8:
                cluster.append(name)
                break
        else:
            clusters.append([name])
    best = max(clusters, key=len)
    counts = Counter(best)
    return max(counts, key=lambda n: (len(n.split()), counts[n], len(n)))
