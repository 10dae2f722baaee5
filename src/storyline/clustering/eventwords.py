"""Evidence against a join from what happened, not who: the core's own words that the article lacks.

Names say which people and places a story is about; the same people and places also make the next event
(an inquiry into the minister who hosted a summit, a chess tournament in the town whose ferries strike).
What tells those apart is what happened: the words most of the story's core members use (summit, talks;
tournament, grandmasters). An article in the core's language that carries few of them tells another event.
Words are compared within one language only: a core in English says nothing about a Spanish article's words.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping

from storyline.clustering.keys import DocFreq


def language_of(key: str) -> str:
    """The language tag of a word key ("en:storm" -> "en").

    >>> language_of("en:storm")
    'en'
    """
    return key.partition(":")[0]


class CoreWords:
    """The words of a story's core members, by language: how many core members each language has, and how
    many of them carry each word. The IDF-weighted core words of a language are cached, refreshed as the
    stream doubles (as the core's names are)."""

    __slots__ = ("_idf", "counts", "langs")

    def __init__(self) -> None:
        self.langs: Counter[str] = Counter()
        self.counts: Counter[str] = Counter()
        self._idf: dict[str, tuple[int, dict[str, float], float]] = {}

    def add(self, lang: str, words: Iterable[str]) -> None:
        """One more core member in ``lang`` with these word keys."""
        self.langs[lang] += 1
        self.counts.update(iter(words))
        self._idf.pop(lang, None)

    def keys(self, lang: str) -> list[str]:
        """The words at least half of the core's members in ``lang`` carry (none without such members).

        >>> core = CoreWords(); core.add("en", ["en:chess", "en:open"]); core.add("en", ["en:chess"])
        >>> core.keys("en"), core.keys("es")
        (['en:chess', 'en:open'], [])
        """
        members = self.langs.get(lang, 0)
        if not members:
            return []
        prefix, need = f"{lang}:", members / 2.0
        return sorted(key for key, count in self.counts.items() if count >= need and key.startswith(prefix))

    def missing(self, lang: str, article: Mapping[str, float], df: DocFreq) -> float:
        """-log(1.02 - IDF-weighted share of the core's ``lang`` words the article lacks); 0 when the core has
        no member in ``lang``. Log-scaled as the core's missing names are: lacking some of the core's words is
        common within one event, lacking nearly all of them is another event.

        >>> df = DocFreq(); core = CoreWords(); core.add("en", ["en:chess", "en:tourna"])
        >>> [round(core.missing("en", article, df), 2) for article in ({"en:chess": 1.0, "en:tourna": 1.0},
        ...     {"en:chess": 1.0}, {"en:ferry": 1.0})]
        [-0.02, 0.65, 3.91]
        >>> core.missing("es", {"es:ferri": 1.0}, df)
        0.0
        """
        if lang not in self.langs:
            return 0.0
        cached = self._idf.get(lang)
        if cached is None or df.docs > 2 * cached[0] + 100:
            weights = df.weights(self.keys(lang))
            cached = (df.docs, weights, math.fsum(weights.values()))
            self._idf[lang] = cached
        _, weights, total = cached
        if total <= 0:
            return 0.0
        found = math.fsum([weights[key] for key in weights.keys() & article.keys()])
        return -math.log(1.02 - max(0.0, total - found) / total)
