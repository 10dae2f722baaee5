"""Evidence beyond one cosine for story assignment: lexical keys, name/number keys, online IDF.

An article becomes two sets of keys: same-language *words* (prefix-stemmed, so inflected forms meet)
and language-free *names* (capitalised words and numbers, accent-folded and prefix-stemmed, so
"Đoković"/"Djokovic" stay apart but "Biles"/"Bilesova" and "2021" meet across languages; countries and
cities meet under each language's own name: "Alemania"/"Germany", "Tóquio"/"Токио"/"Tokyo").
A story keeps how many of its members carry each key; the overlap of an article with a story is
the IDF-weighted share of the article's keys the story carries.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

from storyline.clustering import keywork
from storyline.compiled import compiled

_TOKEN = re.compile(r"\w+", re.UNICODE)
_WORD3 = re.compile(r"\w{3,}", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")

# The compiled key scanner (_keyscan.c): word_keys' lower-case path and name_keys, to the key and in the same
# order; None: the Python code runs
_SCAN = compiled("storyline.clustering._keyscan")
WORD_STEM = 6
NAME_STEM = 5
BODY_CHARS = 1500  # keys come from the title and the body's opening: the lead carries the event
_CASED_PLANES_END = 0x20000  # end of Unicode plane 1: no code point past it is upper case or a digit


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
    joined = f"{title}\n{text[:BODY_CHARS]}"
    prefix = f"{lang}:"
    lowered = _SCAN.word_keys(joined, prefix, WORD_STEM) if _SCAN is not None else lower_word_keys_py(joined, prefix)
    if lowered is not None:  # most texts: the whole text lowered at once
        return lowered
    if _CJK.search(joined) is None:  # "İ" or "Σ": each word lowered on its own
        return {prefix + token[:WORD_STEM] for token in map(str.lower, _TOKEN.findall(joined)) if len(token) >= 3}
    keys: set[str] = set()
    for raw in _TOKEN.findall(joined):
        for token in _split_cjk(raw.lower()):
            if len(token) >= 3 or (_CJK.search(token) and len(token) == 2):
                keys.add(prefix + token[:WORD_STEM])
    return keys


def lower_word_keys_py(joined: str, prefix: str) -> set[str] | None:
    """``prefix`` and the stem of each word of 3+ characters of ``joined`` lowered as a whole; None where that is
    not each word's own lower case: "İ" (two characters in lower case, which splits its word), "Σ" (whose lower
    case depends on the letters around it), and CJK text (its words are read otherwise). The compiled scanner's
    ``word_keys`` equals it.

    >>> sorted(lower_word_keys_py("Storms hit\\nthe COAST", "en:")), lower_word_keys_py("İzmir", "tr:")
    (['en:coast', 'en:hit', 'en:storms', 'en:the'], None)
    """
    if _CJK.search(joined) is not None or "İ" in joined or "Σ" in joined:
        return None
    return {prefix + token[:WORD_STEM] for token in _WORD3.findall(joined.lower())}


def name_keys(title: str, text: str) -> set[str]:
    """Language-free keys: capitalised words not opening a sentence, and numbers of 2+ digits.

    Title-case headlines capitalise every word; IDF weighting keeps common ones cheap.

    >>> sorted(name_keys("Biles wins gold in Tokyo 2020", "Fans cheered Simone. She won 3 medals."))
    ['#2020', 'n:biles', 'n:simon', 'n:tokyo']
    """
    lead = text[:BODY_CHARS]
    return _SCAN.name_keys(title, lead, _name_key) if _SCAN is not None else name_keys_py(title, lead)


def name_keys_py(title: str, lead: str) -> set[str]:
    """``name_keys`` of a title and its body's opening, in Python: the reference the compiled scanner equals (and
    the code without it). A lead that is the very title string is read as the title."""
    keys: set[str] = set()
    candidates = _name_candidates()
    for part in (title, lead):
        if part is title:  # every capitalised word of a title counts, where it stands in a sentence aside
            keys.update([_name_key(token) if token[0].isupper() else f"#{token}" for token in candidates.findall(part)])
            continue
        first = _TOKEN.search(part)
        opening = first.start() if first is not None else -1
        for match in candidates.finditer(part):
            token = match.group()
            if token[0].isupper():
                start = match.start()
                opens = start == opening or bool(_SENTENCE_END.search(part[max(0, start - 3) : start]))
                if not opens:
                    keys.add(_name_key(token))
            else:
                keys.add(f"#{token}")
    return keys


@lru_cache(maxsize=1)
def _name_candidates() -> re.Pattern:
    """Whole tokens that open with a capital (3+ characters) or are all digits (2+): the only ones
    name_keys looks at, so the rest of the text is skipped at regex speed. Built from this Python's
    own ``str.isupper``/``str.isdigit``, so it selects exactly the tokens those tests would. Only
    planes 0-1 are scanned (an eighth of the code points, built in a few ms instead of 0.1 s): the
    others hold no upper-case letter or digit (checked by a test over the whole range)."""
    def char_class(test) -> str:
        points = [cp for cp in range(_CASED_PLANES_END) if test(chr(cp))]
        spans, start = [], points[0]
        for prev, cp in zip(points, [*points[1:], -1], strict=True):
            if cp != prev + 1:
                spans.append(re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else ""))
                start = cp
        return "".join(spans)

    upper, digit = char_class(str.isupper), char_class(str.isdigit)
    return re.compile(rf"(?<!\w)(?:[{upper}]\w{{2,}}|[{digit}]{{2,}}(?!\w))")


def word_name_key(token: str) -> str:
    """The name key of one word as it is spelled, before places are merged (``place_keys`` maps it on).

    >>> word_name_key("Đoković"), word_name_key("Bilesova")
    ('n:đokov', 'n:biles')
    """
    return f"n:{fold(token)[:NAME_STEM]}"


@lru_cache(maxsize=100_000)
def _name_key(token: str) -> str:
    key = word_name_key(token)
    return place_keys().get(key, key)


@lru_cache(maxsize=1)
def place_keys() -> dict[str, str]:
    """One key per country or city whatever the language names it in ("Alemanha", "Deutschland" -> the key
    of "Germany"; "Tokio", "Tóquio", "Токио" -> "Tokyo"'s): written by scripts/build_place_names.py from
    the CLDR. Reports of one event in two languages name the same places in other words.

    >>> place_keys()["n:toqui"] == place_keys()["n:токио"] == "n:tokyo"
    True
    """
    text = (resources.files("storyline") / "params" / "place-names.txt").read_text(encoding="utf-8")
    return dict(line.split() for line in text.splitlines() if line)


class DocFreq:
    """Online document frequencies: IDF of a key from the articles seen so far.

    ``common`` keys (words any news text uses: "police", "Saturday"; a word key is looked up without its
    language tag) start as if carried by half of ``prior_docs`` articles, so the first articles of a stream
    already weigh them less than rare names; after a few hundred articles the stream's own counts decide.

    >>> df = DocFreq()
    >>> df.add({"a", "b"}); df.add({"a"})
    >>> df.idf("a") < df.idf("b") < df.idf("zzz")
    True
    >>> DocFreq(common=frozenset({"police"})).idf("en:police") < DocFreq().idf("en:police")
    True
    """

    def __init__(self, prior_docs: float = 20.0, max_keys: int = 1_000_000,
                 common: frozenset[str] = frozenset()) -> None:
        self.prior_docs = prior_docs
        self.max_keys = max_keys
        self.common = common
        self._counts: Counter[str] = Counter()
        self._docs = 0
        self._prior: dict[str, float] = {}  # key -> pseudo-count, for the keys seen so far

    def add(self, keys: Iterable[str]) -> None:
        keywork.count_keys(self._counts, keys)  # each key once, as Counter.update(iter(keys)) counts them
        self._docs += 1
        if len(self._counts) > self.max_keys:
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
            self._counts = Counter({k: c for k, c in self._counts.items() if c > floor})
            floor += 1

    @property
    def docs(self) -> int:
        """How many articles were counted."""
        return self._docs

    @property
    def counts(self) -> Counter[str]:
        """The live counts, key -> how many counted articles carried it (for keywork's functions; read only)."""
        return self._counts

    def count(self, key: str) -> int:
        """How many counted articles carried ``key``."""
        return self._counts.get(key, 0)

    def idf(self, key: str) -> float:
        return self.weights([key])[key]

    def weights(self, keys: Iterable[str]) -> dict[str, float]:
        """IDF of each key in one call (the hot path of scoring; compiled where keywork has it). A key never seen
        starts from a pseudo-count, remembered: half the prior documents for a common one, else none."""
        return keywork.common_idf_weights(self._counts, self._prior, keys, math.log(self._docs + self.prior_docs),
                                          self.common, self.prior_docs / 2, self.max_keys)


class KeyProfile:
    """How many members of a story carry each key; bounded so a long story stays small."""

    def __init__(self, max_keys: int = 3000) -> None:
        self.max_keys = max_keys
        self.counts: Counter[str] = Counter()
        self.members = 0

    def add(self, keys: Iterable[str]) -> None:
        keywork.count_keys(self.counts, keys)  # each key once, as Counter.update(iter(keys)) counts them
        self.members += 1
        if len(self.counts) > self.max_keys:
            self._prune()

    def _prune(self) -> None:
        """Drop the keys fewest members carry until at most 3/4 of ``max_keys`` are left: the slack
        keeps a long story from pruning again on every new member.

        >>> p = KeyProfile(max_keys=4)
        >>> for keys in ({"a", "b", "c"}, {"a", "d", "e"}): p.add(keys)
        >>> sorted(p.counts)
        ['a']
        """
        floor = 1
        while len(self.counts) > self.max_keys * 3 // 4:
            self.counts = Counter({k: c for k, c in self.counts.items() if c > floor})
            floor += 1


def overlap(weights: dict[str, float], profile: KeyProfile, members: int | None = None,
            total: float | None = None) -> float:
    """IDF-weighted share of the article's keys found in the story, each by the share of members carrying it.

    ``total`` is ``fsum(weights.values())``, passed in when one article is scored against many stories.

    >>> p = KeyProfile(); p.add({"x", "y"}); p.add({"x"})
    >>> overlap({"x": 1.0, "z": 1.0}, p)
    0.5
    >>> overlap({"y": 2.0}, p)
    0.5
    """
    total = math.fsum(weights.values()) if total is None else total
    members = members if members is not None else profile.members
    return keywork.key_overlap(weights, profile.counts, members, total)
