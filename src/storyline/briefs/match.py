"""Whether two sentences state the same fact (across languages), and sentence openings that are not content.

Cross-language cosines of one fact spread widely (USE multilingual: 0.43 to 0.94 on invented and
demo stories), so a cosine in the middle band counts only with support the words carry in any
language: a shared number ("€210m" / "210 millones"), or, higher up, a shared rare acronym ("DSA").

>>> strip_dateline("BRUSSELS — The Commission fined Nubora.")
'The Commission fined Nubora.'
>>> strip_dateline("(Coastal Wire) — Dock workers walked out.")
'Dock workers walked out.'
>>> sorted(numbers("A fine of €210m, 4,1 milhões, 4.200 Hafenarbeiter and 5 % of turnover"))
['210', '4.1', '4200', '5']
>>> sorted(numbers("bis zu fünf Prozent, in drei Monaten"))
['3', '5']
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from storyline.embed.registry import DEFAULT_THRESHOLDS, BriefThresholds

__all__ = ["clauses", "numbers", "same_fact", "strip_dateline"]

# The cosine cut-offs (a cosine alone; with a shared number; with a shared rare acronym, weaker evidence:
# "SPM" recurs in different facts of one story) are the encoder's: ``BriefThresholds.fact/supported/named``.
# An acronym in more than this share of the story's sentences ("EU") is no evidence.
_RARE_SHARE = 0.15

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*")
_ACRONYM = re.compile(r"\b[A-ZÀ-ÖØ-Þ]{2,6}\b")
# "BRUSSELS —", "PARIS (Reuters) -", "(CNN) -", "(Coastal Wire Digest) —", "By Ana Ruiz |" at a sentence start.
_DATELINE = re.compile(
    r"^\s*(?:(?:[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]+(?:[\s,]+[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'’.-]+)*)"
    r"(?:,\s*[A-ZÀ-ÖØ-Þ][\w.'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][\w.'’-]+){0,2})?\s*(?:\([^()]{1,40}\))?"
    r"|\([^()]{1,40}\)|By\s+[A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s*[—–|-]{1,2}\s+"
    r"(?=[A-ZÀ-ÖØ-Þ\"“«„¿¡])"
)


def strip_dateline(text: str) -> str:
    """The sentence without a leading dateline or byline (an all-capitals place, an agency in brackets)."""
    found = _DATELINE.match(text)
    if not found or len(text) - found.end() < 20:
        return text
    return text[found.end():]  # a substring still: every shown sentence is found in its article


_CLAUSE_BREAK = re.compile(r"[,;:]\s+|\s+[—–]\s+")


def clauses(text: str) -> list[str]:
    """The clauses of a sentence outside quotations (at , ; : and dashes), three words or more each;
    [] when there are fewer than two: a compound sentence can retell what several sources say in parts.

    >>> clauses("The firm, which has 95 million users, said it would appeal.")
    ['which has 95 million users', 'said it would appeal.']
    """
    if re.search(r"[\"“”«»„]", text):
        return []
    parts = [p.strip() for p in _CLAUSE_BREAK.split(text)]
    parts = [p for p in parts if len(p.split()) >= 3]
    return parts if len(parts) >= 2 else []


@lru_cache(maxsize=1 << 14)
def numbers(text: str) -> frozenset[str]:
    """The numbers a sentence states, in one spelling: "4,200", "4.200" and "4200" alike, "4,1" as "4.1",
    and small numbers written as words ("fünf Prozent" = "5 %", "três meses" = "three months")."""
    digits = {re.sub(r"[.,](?=\d{3}(?!\d))", "", n).replace(",", ".") for n in _NUMBER.findall(f" {text}")}
    words = {_NUMBER_WORDS[w] for w in re.findall(r"\w+", text.lower()) if w in _NUMBER_WORDS}
    return frozenset(digits | words)


# Two to twelve in the languages the quote patterns cover; left out: "one" (also an article) and
# spellings that are other words elsewhere ("once", "due", "sei", "sept", "dez").
_NUMBER_WORDS = {w: str(n) for n, ws in enumerate([
    "", "", "two dos deux zwei dois duas", "three tres trois drei tre três",
    "four cuatro quatre vier quattro quatro", "five cinco cinq fünf cinque", "six seis sechs",
    "seven siete sieben sette sete", "eight ocho huit acht otto oito", "nine nueve neuf neun nove",
    "ten diez dix zehn dieci", "eleven onze undici", "twelve doce douze zwölf dodici"]) for w in ws.split()}


@lru_cache(maxsize=1 << 14)
def _names(text: str) -> frozenset[str]:
    """The acronyms of a sentence ("DSA"): spelled alike in every language, unlike the story's names
    ("Syria" / "Siria"), which in the story's own language recur in sentences on other facts."""
    return frozenset(_ACRONYM.findall(text))


def same_fact(sims: np.ndarray, texts: Sequence[str], rows: Sequence[int], cols: Sequence[int], *,
              thresholds: BriefThresholds = DEFAULT_THRESHOLDS) -> np.ndarray:
    """Boolean (len(rows), len(cols)): sentence rows[i] and cols[j] state the same fact.

    ``sims`` is the cosine matrix of ``rows`` against ``cols``; ``texts`` holds every sentence of
    the story (indexed like rows and cols), so a name's rarity is judged on the whole story.
    ``thresholds`` are the cut-offs of the encoder that made the vectors.
    """
    out = sims >= thresholds.fact
    band = np.argwhere((sims >= thresholds.supported) & ~out)
    if not len(band):
        return out
    names = {i: _names(texts[i]) for i in set(rows) | set(cols)}
    frequency = Counter(n for t in texts for n in _names(t))
    common = {n for n, c in frequency.items() if c > max(2, _RARE_SHARE * len(texts))}
    for i, j in band:
        a, b = rows[i], cols[j]
        if numbers(texts[a]) & numbers(texts[b]) or (sims[i, j] >= thresholds.named and (names[a] & names[b]) - common):
            out[i, j] = True
    return out
