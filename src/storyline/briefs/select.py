"""The choices a brief makes over sentence vectors: summary sentences and single-source claims.

Both work on one matrix of unit-length sentence vectors with, per sentence, its source family
(articles of one source, and near-copies of each other, count as one family).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.briefs.match import same_fact
from storyline.embed.registry import DEFAULT_THRESHOLDS, BriefThresholds

__all__ = [
    "Candidate",
    "cap_per_family",
    "carried_in_parts",
    "claim_cutoffs",
    "select_summary",
    "single_source",
    "summary_size",
]

# The cosine cut-offs (support: two sentences carry the same content; single-source: below it against
# every other family; redundancy in the summary) are the encoder's: ``BriefThresholds.agree/claim/redundant``.

# A summary sentence's score: central to the story first, then carried by other sources, then early in
# its article (leads state the news), plus a nudge for the reader's language. Set by hand, not fitted:
# the brief checks (tests/test_briefs.py, scripts/check_brief_seeds.py) hold with them.
CENTRAL_WEIGHT = 0.5
SUPPORT_WEIGHT = 0.3
LEAD_WEIGHT = 0.15
PREFERRED_LANGUAGE_BONUS = 0.05
# Greedy selection: a candidate loses this times its best cosine to a chosen sentence (maximal marginal
# relevance), and gains the bonus while its source family is not yet in the summary (coverage).
OVERLAP_PENALTY = 0.4
NEW_FAMILY_BONUS = 0.1


@dataclass(frozen=True)
class Candidate:
    """A sentence a brief may use: its row in the vector matrix, family, position and language."""

    row: int
    family: int
    position: float  # 0 = the article's first sentence, 1 = its last
    words: int
    preferred: bool = False


def summary_size(n_families: int, n_candidates: int) -> int:
    """3 to 7 sentences, more when more sources speak (never more than there are).

    >>> summary_size(1, 10), summary_size(3, 10), summary_size(9, 10), summary_size(4, 2)
    (3, 5, 7, 2)
    """
    return min(n_candidates, min(7, max(3, 2 + n_families)))


def _support(vectors: np.ndarray, families: np.ndarray, rows: Sequence[int], agree: float) -> np.ndarray:
    """Share of the other families that carry a sentence like each of ``rows``."""
    others = len(set(families.tolist())) - 1
    if others <= 0:
        return np.zeros(len(rows))
    sims = vectors[list(rows)] @ vectors.T
    out = np.zeros(len(rows))
    for family in set(families.tolist()):
        best = sims[:, families == family].max(axis=1)
        out += (best >= agree) & (families[list(rows)] != family)
    return out / others


def select_summary(vectors: np.ndarray, families: np.ndarray, candidates: Sequence[Candidate],
                   k: int, *, same: np.ndarray | None = None,
                   thresholds: BriefThresholds = DEFAULT_THRESHOLDS) -> list[Candidate]:
    """Up to ``k`` sentences: central, carried by many sources, early, not redundant, covering sources.

    Greedy maximal marginal relevance with a bonus for a family not yet in the summary. ``same``
    (candidates x candidates, booleans) says which sentences state one fact: a fact appears once,
    told by a preferred-language candidate when one states it.
    """
    if not candidates or k <= 0:
        return []
    rows = [c.row for c in candidates]
    centroid = _family_centroid(vectors, families)
    central = vectors[rows] @ centroid
    support = _support(vectors, families, rows, thresholds.agree)
    lead = 1.0 - np.array([c.position for c in candidates])
    preferred = np.array([PREFERRED_LANGUAGE_BONUS if c.preferred else 0.0 for c in candidates])
    base = CENTRAL_WEIGHT * central + SUPPORT_WEIGHT * support + LEAD_WEIGHT * lead + preferred
    chosen: list[int] = []
    told: list[int] = []  # the chosen and the sentences they stand in for
    covered: set[int] = set()
    sims = vectors[rows] @ vectors[rows].T
    redundant = sims >= thresholds.redundant
    same = redundant if same is None else (same | redundant)
    while len(chosen) < k:
        best, best_score = -1, -np.inf
        for i, cand in enumerate(candidates):
            if i in told or any(same[i, j] for j in told):
                continue
            overlap = max((sims[i, j] for j in chosen), default=0.0)
            score = base[i] - OVERLAP_PENALTY * overlap + (NEW_FAMILY_BONUS if cand.family not in covered else 0.0)
            if score > best_score:
                best, best_score = i, score
        if best < 0:
            break
        told.append(best)
        if not candidates[best].preferred:
            alike = [j for j, c in enumerate(candidates) if c.preferred and same[best, j] and j not in told
                     and not any(same[j, c] for c in chosen)]
            if alike:
                best = max(alike, key=lambda j: sims[told[-1], j])
                told.append(best)
        chosen.append(best)
        covered.add(candidates[best].family)
    return [candidates[i] for i in chosen]


def _family_centroid(vectors: np.ndarray, families: np.ndarray) -> np.ndarray:
    """Mean of per-family mean vectors: a source with many sentences does not outweigh the rest."""
    means = [vectors[families == f].mean(axis=0) for f in sorted(set(families.tolist()))]
    centroid = np.mean(means, axis=0)
    norm = np.linalg.norm(centroid)
    return centroid / norm if norm else centroid


def single_source(vectors: np.ndarray, families: np.ndarray, rows: Sequence[int], *,
                  extra: np.ndarray | None = None, extra_families: np.ndarray | None = None,
                  bonus: Sequence[float] | None = None, texts: Sequence[str] | None = None,
                  languages: Sequence[str] | None = None,
                  thresholds: BriefThresholds = DEFAULT_THRESHOLDS) -> list[tuple[int, float, float]]:
    """(row, best cosine to other families, rank score) of each of ``rows`` no other family carries.

    Other families are searched in all ``vectors`` and in ``extra`` (e.g. the single sentences of
    quotations, so a long quoted passage meets its pieces). With ``texts`` (of ``vectors`` then
    ``extra``) a sentence of another family also carries a row when ``same_fact`` says so (a middle
    cosine backed by a shared number or name), not only above ``thresholds.claim``, or, with ``languages``
    (of ``vectors`` then ``extra``), above the cut-off of the two sentences' language pair. Best first: most
    distinctive (low best cosine) plus most on the story (cosine to the centroid) plus ``bonus``.
    """
    if len(set(families.tolist())) < 2 or not rows:
        return []
    pool, pool_families = vectors, families
    if extra is not None and extra_families is not None and len(extra):
        pool, pool_families = np.vstack([vectors, extra]), np.concatenate([families, extra_families])
    sims = vectors[list(rows)] @ pool.T
    carried = sims >= claim_cutoffs([languages[r] for r in rows] if languages else None, languages, thresholds)
    if texts is not None:
        carried |= same_fact(sims, texts, list(rows), list(range(len(pool))), thresholds=thresholds)
    centroid = _family_centroid(vectors, families)
    out = []
    for n, row in enumerate(rows):
        other = pool_families != families[row]
        best = float(sims[n, other].max()) if other.any() else 0.0
        if not carried[n, other].any():
            extra_score = bonus[n] if bonus is not None else 0.0
            out.append((row, best, (1.0 - best) + float(vectors[row] @ centroid) + extra_score))
    return sorted(out, key=lambda item: -item[2])


def claim_cutoffs(row_languages: Sequence[str] | None, col_languages: Sequence[str] | None,
                  thresholds: BriefThresholds) -> np.ndarray | float:
    """The single-source cut-off of each (row, column) sentence pair by their languages; ``claim`` alone
    when languages are not given.

    >>> from storyline.embed.registry import thresholds_for
    >>> claim_cutoffs(["en", "de"], ["en", "es"], thresholds_for("use-m3")).tolist()
    [[0.6, 0.58], [0.53, 0.52]]
    """
    if row_languages is None or col_languages is None:
        return thresholds.claim
    names = sorted(set(row_languages) | set(col_languages))
    table = np.array([[thresholds.claim_between(a, b) for b in names] for a in names])
    index = {name: i for i, name in enumerate(names)}
    rows = np.array([index[x] for x in row_languages], dtype=int)
    cols = np.array([index[x] for x in col_languages], dtype=int)
    return table[np.ix_(rows, cols)]


def carried_in_parts(found: Sequence[tuple[int, float, float]],
                     parts: Mapping[int, tuple[np.ndarray, Sequence[str]]], pool: np.ndarray,
                     pool_families: np.ndarray, families: np.ndarray,
                     texts: Sequence[str], *,
                     thresholds: BriefThresholds = DEFAULT_THRESHOLDS) -> list[tuple[int, float, float]]:
    """``found`` without the rows each of whose clauses (``parts``: vectors, texts) another family
    carries: a compound sentence that retells, piece by piece, what other sources say."""
    out = []
    for item in found:
        row = item[0]
        if row not in parts:
            out.append(item)
            continue
        vecs, own = parts[row]
        other = np.nonzero(pool_families != families[row])[0]
        if not len(other):
            out.append(item)
            continue
        all_texts = list(own) + [texts[int(i)] for i in other]
        n = len(own)
        same = same_fact(vecs @ pool[other].T, all_texts, list(range(n)), list(range(n, len(all_texts))),
                         thresholds=thresholds)
        if not same.any(axis=1).all():
            out.append(item)
    return out


def cap_per_family(found: Sequence[tuple[int, float, float]], families: np.ndarray,
                   limit: int) -> list[tuple[int, float, float]]:
    """The best ``limit`` items, each family taking at most its share (at least 2), order kept.

    >>> cap_per_family([(0, .1, 3.), (1, .1, 2.), (2, .1, 1.), (3, .1, .5)], np.array([0, 0, 0, 1]), 4)
    [(0, 0.1, 3.0), (1, 0.1, 2.0), (3, 0.1, 0.5)]
    """
    share = max(2, limit // max(1, len(set(families.tolist()))))
    taken: dict[int, int] = {}
    out: list[tuple[int, float, float]] = []
    for item in found:
        family = int(families[item[0]])
        if taken.get(family, 0) < share and len(out) < limit:
            taken[family] = taken.get(family, 0) + 1
            out.append(item)
    return out
