"""Evidence beyond one cosine for story assignment: lexical keys, name/number keys, online IDF.

An article becomes two sets of keys: same-language *words* (prefix-stemmed, so inflected forms meet)
and language-free *names* (capitalised words and numbers, accent-folded and prefix-stemmed, so
"Đoković"/"Djokovic" stay apart but "Biles"/"Bilesova" and "2021" meet across languages).
A story keeps how many of its members carry each key; the overlap of an article with a story is
the IDF-weighted share of the article's keys the story carries.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Iterable, Mapping

_TOKEN = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")

WORD_STEM = 6
NAME_STEM = 5
BODY_CHARS = 1500  # keys come from the title and the body's opening: the lead carries the event


def fold(token: str) -> str:
    """Lower-case and strip accents, so names written in different Latin-script languages meet.

    >>> fold("Tóquio"), fold("ĐOKOVIĆ")
    ('toquio', 'đokovic')
    """
    decomposed = unicodedata.normalize("NFKD", token.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _split_cjk(token: str) -> list[str]:
    """Scripts without spaces become character bigrams (a word segmenter would be a dependency)."""
    if len(token) < 2 or not _CJK.search(token):
        return [token]
    return [token[i : i + 2] for i in range(len(token) - 1)]


def word_keys(title: str, text: str, lang: str) -> set[str]:
    """Same-language content keys: stemmed lower-case words of 3+ letters, tagged with the language.

    >>> sorted(word_keys("Storm hits coast", "Storms hit the coast.", "en"))
    ['en:coast', 'en:hit', 'en:hits', 'en:storm', 'en:storms', 'en:the']
    """
    keys: set[str] = set()
    joined = f"{title}\n{text[:BODY_CHARS]}"
    spaced = _CJK.search(joined) is None
    for raw in _TOKEN.findall(joined):
        for token in [raw.lower()] if spaced else _split_cjk(raw.lower()):
            if len(token) >= 3 or (not spaced and _CJK.search(token) and len(token) == 2):
                keys.add(f"{lang}:{token[:WORD_STEM]}")
    return keys


def name_keys(title: str, text: str) -> set[str]:
    """Language-free keys: capitalised words not opening a sentence, and numbers of 2+ digits.

    Title-case headlines capitalise every word; IDF weighting keeps common ones cheap.

    >>> sorted(name_keys("Biles wins gold in Tokyo 2020", "Fans cheered Simone. She won 3 medals."))
    ['#2020', 'n:biles', 'n:simon', 'n:tokyo']
    """
    keys: set[str] = set()
    for part in (title, text[:BODY_CHARS]):
        first = True
        for match in _TOKEN.finditer(part):
            token = match.group()
            if token.isdigit():
                if len(token) >= 2:
                    keys.add(f"#{token}")
            elif token[0].isupper() and len(token) >= 3:
                opens = first or bool(_SENTENCE_END.search(part[max(0, match.start() - 3) : match.start()]))
                if not opens or part is title:
                    keys.add(f"n:{fold(token)[:NAME_STEM]}")
            first = False
    return keys


class DocFreq:
    """Online document frequencies: IDF of a key from the articles seen so far.

    >>> df = DocFreq()
    >>> df.add({"a", "b"}); df.add({"a"})
    >>> df.idf("a") < df.idf("b") < df.idf("zzz")
    True
    """

    def __init__(self, prior_docs: float = 20.0, max_keys: int = 1_000_000) -> None:
        self.prior_docs = prior_docs
        self.max_keys = max_keys
        self._counts: dict[str, int] = {}
        self._docs = 0

    def add(self, keys: Iterable[str]) -> None:
        counts = self._counts
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        self._docs += 1
        if len(counts) > self.max_keys:
            self._prune()

    def _prune(self) -> None:
        """Forget the rarest keys (a forgotten key weighs like an unseen one) so memory stays bounded.

        >>> df = DocFreq(max_keys=3)
        >>> for keys in ({"a", "b"}, {"a", "c"}, {"a", "d"}): df.add(keys)
        >>> sorted(df._counts)
        ['a']
        """
        floor = 1
        while len(self._counts) > self.max_keys // 2:
            self._counts = {k: c for k, c in self._counts.items() if c > floor}
            floor += 1

    def idf(self, key: str) -> float:
        return math.log((self._docs + self.prior_docs) / (self._counts.get(key, 0) + 1.0))

    def weights(self, keys: Iterable[str]) -> dict[str, float]:
        """IDF of each key in one call (the hot path of scoring)."""
        counts = self._counts
        total = math.log(self._docs + self.prior_docs)
        return {key: total - math.log(counts.get(key, 0) + 1.0) for key in keys}


class KeyProfile:
    """How many members of a story carry each key; bounded so a long story stays small."""

    def __init__(self, max_keys: int = 3000) -> None:
        self.max_keys = max_keys
        self.counts: dict[str, int] = {}
        self.members = 0

    def add(self, keys: Iterable[str]) -> None:
        counts = self.counts
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
        self.members += 1
        if len(counts) > self.max_keys:
            self.counts = {k: c for k, c in counts.items() if c > 1}


def overlap(weights: Mapping[str, float], profile: KeyProfile, members: int | None = None) -> float:
    """IDF-weighted share of the article's keys found in the story, each by the share of members carrying it.

    >>> p = KeyProfile(); p.add({"x", "y"}); p.add({"x"})
    >>> overlap({"x": 1.0, "z": 1.0}, p)
    0.5
    >>> overlap({"y": 2.0}, p)
    0.5
    """
    total = math.fsum(weights.values())
    members = members if members is not None else profile.members
    if total <= 0 or members <= 0:
        return 0.0
    counts = profile.counts
    # fsum: exact, so the result does not depend on set iteration order (replay across processes)
    hit = math.fsum(weights[k] * min(1.0, counts[k] / members) for k in weights.keys() & counts.keys())
    return hit / total
