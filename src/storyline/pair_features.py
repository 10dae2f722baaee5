"""The evidence of a pair of articles: sentence embeddings, alignment, entities, numbers, context.

``pair_features`` turns two embedded articles into the named features the pair models read
(``FEATURES``); ``wide_features`` adds the e5 head cosine (``WIDE_EXTRA``). See ``similarity``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.embed.base import Encoder
from storyline.entities import Entity, extract_entities, extract_numbers, match_entities

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
# of CPU a token, ~120 ms a pair at 250 characters: so it is asked only where the USE model is unsure).
WIDE_EXTRA = ("e5_head",)
WIDE_FEATURES = FEATURES + WIDE_EXTRA
WIDE_CHARS = 250
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


def semeval_sides(row: Mapping) -> list[tuple[str, str, str | None]]:
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
class CharGrams:
    """A text's log-scaled character n-gram counts and their squared norm, for ``char_cosine``."""

    weights: dict[str, float]
    norm_sq: float


def char_grams(text: str, n: int = 4) -> CharGrams:
    """Log-scaled counts of the character n-grams of ``text``'s lowercased words, joined by single spaces."""
    flat = " ".join(_WORDS.findall(text.lower()))
    counts = Counter([flat[i : i + n] for i in range(len(flat) - n + 1)])
    weights = {k: 1 + math.log(v) for k, v in counts.items()}
    return CharGrams(weights, sum(v * v for v in weights.values()))


def char_cosine(a: CharGrams, b: CharGrams) -> float:
    """Cosine of two texts' n-gram weights: lexical overlap, names and numbers included.

    Summed in ``a``'s order over the shared n-grams only (the others add 0.0): the same float as the sum
    over all of ``a``'s.
    """
    other = b.weights
    dot = sum(v * other[k] for k, v in a.weights.items() if k in other)
    norm = math.sqrt(a.norm_sq * b.norm_sq)
    return dot / norm if norm else 0.0


@dataclass(frozen=True)
class EmbeddedArticle:
    """One article as the features see it: embeddings (whole = mean of the sentences, title, sentences), entities,
    and the character n-grams of its text, its first 300 and 600 characters and its first sentence's 150."""

    text: str
    doc: np.ndarray
    title: np.ndarray
    sents: np.ndarray
    sentences: list[str]
    entities: tuple[Entity, ...]
    numbers: tuple[Entity, ...]
    grams: CharGrams
    grams_lead: CharGrams
    grams_600: CharGrams
    grams_title: CharGrams


def embed_article(encoder: Encoder, title: str, text: str, lang: str | None) -> EmbeddedArticle:
    """Embed one (title, text, lang) article in one encoder call: its sentences (and a title that is not one).

    The whole-article vector is the mean of the sentence vectors, not an encoding of the whole text:
    it halves the encoder's work and cross-validates better (scraped bodies drift; see PAIRS.md). An
    article is encoded on its own, never batched with another: its vectors are then the same bits
    whatever it is compared with, so they can be remembered (``similarity``).
    """
    full = joined(title, text)
    sentences = split_sentences(full) or [full]
    own_title = bool(title) and sentences[0] != title
    vecs = encoder.encode(([title] if own_title else []) + sentences)
    sents = vecs[1:] if own_title else vecs
    return EmbeddedArticle(full, _unit(sents.mean(axis=0)), vecs[0], sents, sentences, extract_entities(full, lang),
                           extract_numbers(full, lang), char_grams(full), char_grams(full[:300]),
                           char_grams(full[:600]), char_grams(sentences[0][:150]))


def embed_pair(encoder: Encoder, docs: Sequence[tuple[str, str, str | None]]) -> list[EmbeddedArticle]:
    """Embed two (or more) (title, text, lang) articles, each on its own (``embed_article``)."""
    return [embed_article(encoder, title, text, lang) for title, text, lang in docs]


def _position_weighted(sents: np.ndarray) -> np.ndarray:
    """Sentence embeddings summed with weights 1/sqrt(position): news puts the event first."""
    return (sents / np.sqrt(np.arange(1, len(sents) + 1))[:, None]).sum(axis=0)


def pair_features(a: EmbeddedArticle, b: EmbeddedArticle,
                  cross_language: bool) -> tuple[dict[str, float], np.ndarray, tuple]:
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
        "char4": char_cosine(a.grams, b.grams),
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
        "char4_lead": char_cosine(a.grams_lead, b.grams_lead),
        "char4_600": char_cosine(a.grams_600, b.grams_600),
        "title_char4": char_cosine(a.grams_title, b.grams_title),
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
