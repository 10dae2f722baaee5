"""Names, places, organisations and numbers in a text, and matching them across languages.

Extraction is deliberately light (no model): capitalised word runs in cased scripts, a small
multilingual gazetteer (``storyline.gazetteer``) in every script, and normalised numbers. Matching
works on canonical keys ("Siria" and "Syria" are both ``syria``), spelling similarity that ignores
accents, case, transliteration and short inflection endings, and, when an encoder is given, the
embedding of the entity string itself.

>>> a = extract_entities("Estados Unidos y Rusia discuten sobre Siria en Ginebra.")
>>> b = extract_entities("The United States and Russia talk about Syria in Geneva.")
>>> sorted(m.a.key for m in match_entities(a, b))
['russia', 'syria', 'us']
>>> [n.key for n in extract_numbers("Arbeitslosigkeit stieg 2019 auf 3,5% (164.807 Menschen).", lang="de")]
['2019', '3.5', '164807']
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from storyline.embed.base import Encoder
from storyline.gazetteer import entries

__all__ = [
    "Entity",
    "EntityMatch",
    "extract_entities",
    "extract_numbers",
    "gazetteer_key",
    "match_entities",
    "name_similarity",
    "normalise_name",
]


@dataclass(frozen=True)
class Entity:
    """One distinct entity of a text: first surface form, canonical key, kind and count.

    ``kind`` is ``place`` / ``org`` / ``topic`` (gazetteer), ``name`` (other proper names) or ``number``.
    """

    text: str
    key: str
    kind: str
    count: int = 1


@dataclass(frozen=True)
class EntityMatch:
    """Two entities judged the same; ``how`` is ``key``, ``spelling`` or ``embedding``."""

    a: Entity
    b: Entity
    score: float
    how: str


_LATIN_EXTRA = str.maketrans({"ł": "l", "Ł": "L", "ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "đ": "d",
                              "ı": "i", "İ": "I", "ة": "ه", "ى": "ي", "ـ": None, "’": "'", "‘": "'"})
_CYRILLIC = str.maketrans({
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "yu", "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
})
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Turkish case endings and English possessives after an apostrophe; French elided articles before one.
_SUFFIX = re.compile(r"(?<=\w{2})'[a-zçğışöü]{1,5}\b")
_ELISION = re.compile(r"\b(?:[ldjmnst]|qu)'(?=\w)", re.IGNORECASE)
_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")
_SENT_BREAK = re.compile(r"[.!?。！？؟:\n\"“”«»]\s*$")
_CONNECTORS = frozenset(["de", "del", "la", "le", "van", "von", "der", "den", "al", "el", "bin", "ibn", "da", "di",
                         "du", "dos", "das", "y"])
_ARABIC_CLITICS = ("وال", "بال", "فال", "كال", "لل", "و", "ف", "ب", "ل", "ك")
_MAX_ALIAS_TOKENS = 5
# Longer capitalised runs are Title Case headlines or menus, not names.
_MAX_NAME_TOKENS = 4
# Capitalised function words that are never names (German formal address, frequent sentence openers).
_NOT_NAMES = frozenset([
    "sie", "ihr", "ihre", "ihrer", "ihren", "ihrem", "ihnen", "the", "a", "an", "this", "that", "in", "on", "at", "it",
    "he", "she", "we", "they", "i", "you", "el", "la", "los", "las", "un", "una", "en", "por", "para", "le", "les",
    "une", "des", "il", "elle", "der", "die", "das", "ein", "eine", "er", "es", "wir", "czy", "to", "ci", "w", "na",
    "bu", "ve", "da", "de",
])


@lru_cache(maxsize=1 << 16)
def normalise_name(name: str) -> str:
    """Case-, accent- and script-insensitive form of a name: ``"Erdoğan'ın"`` -> ``"erdogan"``.

    >>> normalise_name("Erdoğan'ın"), normalise_name("EE.UU."), normalise_name("Путин")
    ('erdogan', 'eeuu', 'putin')
    """
    s = name.translate(_LATIN_EXTRA).replace(".", "")
    s = _ELISION.sub("", _SUFFIX.sub("", s))
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower().translate(_CYRILLIC)
    return " ".join("".join(c if c.isalnum() else " " for c in s).split())


def _case_rule(alias: str) -> str:
    """How an alias must be written in the text to count: exact acronym, capitalised, or any case."""
    letters = [c for c in alias if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) <= 5:
        return "acronym"
    return "upper" if letters and letters[0].isupper() else "any"


@lru_cache(maxsize=1)
def _gazetteer() -> dict[tuple[str, ...], tuple[str, str, str]]:
    """Normalised alias tokens -> (key, kind, case rule)."""
    index: dict[tuple[str, ...], tuple[str, str, str]] = {}
    for key, kind, aliases in entries():
        for alias in aliases:
            tokens = tuple(normalise_name(alias).split())
            if tokens and tokens not in index:
                index[tokens] = (key, kind, _case_rule(alias))
    return index


def gazetteer_key(name: str) -> str | None:
    """The gazetteer key of a name in any covered language, ignoring case; None if unknown.

    >>> gazetteer_key("Stanów Zjednoczonych"), gazetteer_key("Siria"), gazetteer_key("Atlantis")
    ('us', 'syria', None)
    """
    hit = _gazetteer().get(tuple(normalise_name(name).split()))
    return hit[0] if hit else None


# Punctuation between two capitalised words that ends a name: a list, an apposition, brackets, quotes.
_APART = re.compile(r"[,;:()\[\]«»“”„\"—–|/]")


class _Token(NamedTuple):
    surface: str
    norm: str
    capital: bool
    acronym: bool
    initial: bool
    arabic: bool
    apart: bool = False  # punctuation separates it from the word before ("Autoridad Portuaria, Jorge")


@lru_cache(maxsize=1 << 16)
def _word_shape(surface: str) -> tuple[str, bool, bool, bool]:
    """(normalised form, capitalised, acronym, Arabic script) of one word."""
    letters = sum(c.isalpha() for c in surface)
    return (normalise_name(surface), surface[0].isupper(), letters >= 2 and surface.isupper(),
            "\u0600" <= surface[0] <= "\u06ff")


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    end = 0
    for m in _WORD.finditer(text):
        surface = m.group()
        norm, capital, acronym, arabic = _word_shape(surface)
        if not norm:
            continue
        gap = text[end : m.start()]
        initial = not out or (bool(gap.strip()) and bool(_SENT_BREAK.search(gap))) or "\n" in gap
        end = m.end()
        apart = bool(_APART.search(gap))
        out.append(_Token(surface, norm, capital, acronym, initial, arabic, apart))
    return out


@lru_cache(maxsize=1 << 16)
def _variants(norm: str, arabic: bool) -> tuple[str, ...]:
    """Forms of a last alias token to try: itself, minus short inflection endings, minus Arabic clitics."""
    forms = [norm]
    if arabic:
        for clitic in _ARABIC_CLITICS:
            rest = norm[len(clitic) :]
            if norm.startswith(clitic) and len(rest) >= 3:
                forms += [rest, "ال" + rest]
    elif len(norm) >= 6:
        # One letter off a 5-letter stem, two or three only off a longer one: "Almansa" is not "Alman"+"sa".
        forms += [norm[:-k] for k in (1, 2, 3) if len(norm) - k >= (5 if k == 1 else 6)]
    return tuple(forms)


@lru_cache(maxsize=1)
def _alias_heads() -> dict[str, int]:
    """First token of every multi-word alias -> the longest such alias, to skip hopeless lookups."""
    heads: dict[str, int] = {}
    for tokens in _gazetteer():
        if len(tokens) > 1:
            heads[tokens[0]] = max(heads.get(tokens[0], 0), len(tokens))
    return heads


def _case_ok(rule: str, toks: Sequence[_Token]) -> bool:
    if rule == "acronym":
        return all(t.acronym or not t.surface[0].isalpha() for t in toks) or toks[0].arabic
    if rule == "upper":
        return toks[0].capital or toks[0].arabic or not toks[0].surface[0].isalpha()
    return True


def _gazetteer_hit(toks: list[_Token], i: int) -> tuple[int, str, str] | None:
    """Longest gazetteer alias starting at token i: (length, key, kind)."""
    index = _gazetteer()
    longest = min(_alias_heads().get(toks[i].norm, 1), len(toks) - i)
    for n in range(longest, 0, -1):
        span = toks[i : i + n]
        head = tuple(t.norm for t in span[:-1])
        for form in _variants(span[-1].norm, span[-1].arabic):
            hit = index.get((*head, form))
            if hit and _case_ok(hit[2], span):
                return n, hit[0], hit[1]
    return None


def extract_entities(text: str, lang: str | None = None) -> tuple[Entity, ...]:
    """Distinct names, places and organisations of ``text``, most frequent first.

    Gazetteer names are found in any script; other names are runs of capitalised words (a lone
    capitalised word that opens a sentence counts only if it appears capitalised elsewhere too).
    ``lang`` is accepted for callers that know it; the rules do not depend on it yet.
    """
    toks = _tokens(text)
    found: list[tuple[str, str, str]] = []  # (surface, key, kind)
    capital_inside = {t.norm for t in toks if t.capital and not t.initial}
    run: list[_Token] = []

    def flush() -> None:
        while run and run[-1].norm in _CONNECTORS:
            run.pop()
        while run and run[0].norm in _NOT_NAMES:
            run.pop(0)
        if len(run) > _MAX_NAME_TOKENS:
            run.clear()
        if run and not (len(run) == 1 and run[0].initial and run[0].norm not in capital_inside
                        and not run[0].acronym):
            found.append((" ".join(t.surface for t in run), " ".join(t.norm for t in run), "name"))
        run.clear()

    i = 0
    while i < len(toks):
        hit = _gazetteer_hit(toks, i)
        if hit:
            flush()
            n, key, kind = hit
            found.append((" ".join(t.surface for t in toks[i : i + n]), key, kind))
            i += n
            continue
        tok = toks[i]
        if run and tok.apart:
            flush()
        if (tok.capital and (not run or not tok.initial)) or (run and tok.norm in _CONNECTORS and not tok.capital):
            run.append(tok)
        else:
            flush()
            if tok.capital:
                run.append(tok)
        i += 1
    flush()
    return _aggregate(found)


def _aggregate(found: list[tuple[str, str, str]]) -> tuple[Entity, ...]:
    counts = Counter(key for _, key, _ in found)
    first: dict[str, tuple[str, str]] = {}
    for surface, key, kind in found:
        first.setdefault(key, (surface, kind))
    return tuple(Entity(first[k][0], k, first[k][1], c) for k, c in counts.most_common())


_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:([.,\u00a0\u202f ])\d{3})+(?:[.,]\d+)?(?![\w])|\d+(?:[.,]\d+)?")
_COMMA_DECIMAL = frozenset(["de", "es", "fr", "it", "pt", "pl", "tr", "nl", "ru", "ar"])


def _number_key(raw: str, lang: str | None) -> str | None:
    s = raw.replace("\u00a0", " ").replace("\u202f", " ")
    groups = re.fullmatch(r"(\d{1,3}(?:[., ]\d{3})+)(?:([.,])(\d+))?", s)
    if groups and (groups.group(2) or not re.fullmatch(r"\d{1,3}[.,]\d{3}", s) or lang is None
                   or (lang in _COMMA_DECIMAL) == ("." in s)):
        whole = re.sub(r"\D", "", groups.group(1))
        frac = groups.group(3) or ""
        value = f"{int(whole)}" + (f".{frac.rstrip('0')}" if frac.strip("0") else "")
    else:
        value = s.replace(",", ".")
        if "." in value:
            whole, frac = value.split(".", 1)
            value = f"{int(whole)}" + (f".{frac.rstrip('0')}" if frac.strip("0") else "")
        else:
            value = str(int(value))
    return None if (len(value) < 2 and "." not in value) else value


def extract_numbers(text: str, lang: str | None = None) -> tuple[Entity, ...]:
    """Distinct numbers of two digits or more (and decimals) as canonical strings, in text order.

    Thousands separators go ("164,807" and "164.807" are both ``164807``); a decimal comma becomes
    a point. A lone "1,500" is read as thousands unless ``lang`` writes decimals with a comma.
    """
    found = []
    for m in _NUMBER.finditer(text.translate(_ARABIC_DIGITS)):
        key = _number_key(m.group(), lang)
        if key is not None:
            found.append((m.group(), key, "number"))
    counts = Counter(k for _, k, _ in found)
    seen: dict[str, str] = {}
    for surface, key, _ in found:
        seen.setdefault(key, surface)
    return tuple(Entity(s, k, "number", counts[k]) for k, s in seen.items())


@lru_cache(maxsize=1 << 16)
def _bigrams(s: str) -> frozenset[str]:
    s = f" {s} "
    return frozenset(s[i : i + 2] for i in range(len(s) - 1))


def _token_equal(x: str, y: str) -> bool:
    if x == y:
        return True
    short, long_ = sorted((x, y), key=len)
    if len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= 3:
        return True  # an inflected form: Merkel / Merkels, Erdogan / Erdogana
    return len(short) >= 5 and _dice(x, y) >= 0.8


def _dice(x: str, y: str) -> float:
    a, b = _bigrams(x), _bigrams(y)
    return 2 * len(a & b) / (len(a) + len(b))


def name_similarity(x: str, y: str) -> float:
    """Spelling similarity of two names in [0, 1], after normalisation.

    A name whose every word appears (possibly inflected) in the other scores 0.9: "Trump" and
    "Donald Trump", "Merkels" and "Angela Merkel".

    >>> name_similarity("Donald Trump", "Trump"), name_similarity("United States", "United Nations") < 0.8
    (0.9, True)
    >>> name_similarity("EU's Digital Services Act", "Digitales") < 0.8
    True
    """
    a, b = normalise_name(x), normalise_name(y)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    ta, tb = sorted((a.split(), b.split()), key=len)
    # one word names the whole only as its head or its first word ("Trump" / "Donald Trump", "Nubora" /
    # "Nubora Media"), not from the middle ("Digitales" / "EU's Digital Services Act")
    ends = tb if len(ta) > 1 else (tb[0], tb[-1])
    if all(any(_token_equal(s, t) for t in ends) for s in ta) and max(map(len, ta)) >= 3:
        return 0.9
    return _dice(a.replace(" ", ""), b.replace(" ", ""))


def match_entities(a: Sequence[Entity], b: Sequence[Entity], *, encoder: Encoder | None = None,
                   threshold: float = 0.8, embed_threshold: float = 0.8,
                   max_embed: int = 24) -> tuple[EntityMatch, ...]:
    """One-to-one matches between the entities of two texts, best first.

    Numbers match numbers by value only. Names match by canonical key, then spelling
    (``name_similarity >= threshold``), then, if ``encoder`` is given, by the cosine of the
    names' own embeddings (``>= embed_threshold``; the first ``max_embed`` left on each side).
    """
    candidates: list[EntityMatch] = []
    initials = {id(e): {w[0] for w in normalise_name(e.text).split()} for e in (*a, *b)}
    for x in a:
        for y in b:
            if x.kind == "number" or y.kind == "number":
                if x.kind == y.kind and x.key == y.key:
                    candidates.append(EntityMatch(x, y, 1.0, "key"))
            elif x.key == y.key:
                candidates.append(EntityMatch(x, y, 1.0, "key"))
            elif (x.kind == "name" or y.kind == "name") and initials[id(x)] & initials[id(y)]:
                score = name_similarity(x.text, y.text)
                if score >= threshold:
                    candidates.append(EntityMatch(x, y, score, "spelling"))
    matches = _greedy(candidates)
    if encoder is not None:
        used_a = {id(m.a) for m in matches}
        used_b = {id(m.b) for m in matches}
        rest_a = [x for x in a if id(x) not in used_a and x.kind != "number"][:max_embed]
        rest_b = [y for y in b if id(y) not in used_b and y.kind != "number"][:max_embed]
        if rest_a and rest_b:
            vecs = encoder.encode([x.text for x in rest_a] + [y.text for y in rest_b])
            sims = np.asarray(vecs[: len(rest_a)] @ vecs[len(rest_a) :].T)
            extra = [EntityMatch(x, y, float(sims[i, j]), "embedding")
                     for i, x in enumerate(rest_a) for j, y in enumerate(rest_b)
                     if sims[i, j] >= embed_threshold]
            matches = matches + _greedy(extra)
    return tuple(sorted(matches, key=lambda m: -m.score))


def _greedy(candidates: list[EntityMatch]) -> tuple[EntityMatch, ...]:
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = []
    for m in sorted(candidates, key=lambda m: (-m.score, -(m.a.count + m.b.count))):
        if id(m.a) not in used_a and id(m.b) not in used_b:
            used_a.add(id(m.a))
            used_b.add(id(m.b))
            out.append(m)
    return tuple(out)
