"""Evidence that needs more than one key comparison: shared names at the scale of their IDF (``names_mass``),
how much of a story a headline-only article meets is bodies (``headline_bodies``), and how much nearer a
headline's nearest story is than the next (``headline_lead``).

``names`` is the IDF-weighted *share* of the article's names that the story carries: scale-free, so a
headline whose only names are a common place ("Tokyo" at the Games, a country) scores a full overlap with
every story naming it, as much as an article sharing five rare names. ``names_mass`` keeps the scale: the
shared names' IDF (each by the share of the story's members carrying it, as in ``names``) in units of a
name never seen before, capped at one. An article sharing one rare name, or several common ones, reaches 1;
a headline whose shared names are the stream's commonplaces stays near 0. Measured (benchmarks/STORIES.md,
session 16): the fit on the sets without headlines (OG2021 held out) stops joining such headlines to the
umbrella story (held-out F1 0.461 -> 0.550); uncapped or capped at 3 it generalised less.
"""

from __future__ import annotations

import math

import numpy as np


def names_mass(share: np.ndarray, names_total: float, docs: int, prior_docs: float) -> np.ndarray:
    """``min(1, share * names_total / log(docs + prior_docs))`` for each candidate's ``names`` share:
    ``names_total`` is the article's summed name IDF, ``log(docs + prior_docs)`` the IDF of an unseen name
    (``DocFreq``'s scale), so the result does not depend on how long the stream has run.

    >>> names_mass(np.array([0.0, 0.5, 1.0]), 3.0, 80, 20.0).round(3).tolist()  # unseen: log(100) = 4.605
    [0.0, 0.326, 0.651]
    >>> names_mass(np.array([1.0]), 12.0, 80, 20.0).tolist()  # more than one unseen name's worth: capped
    [1.0]
    """
    return np.minimum(share * (names_total / math.log(docs + prior_docs)), 1.0)


def bodies_share(stories: list[tuple[int, int]]) -> list[float]:
    """For a headline-only article: the share of each candidate story's members that have a body, from
    (headline-only members, members). A headline's cosine with a body runs lower than with another headline
    (GVA's headlines and their own story: median 0.47; OG2021's headline pairs of one event: 0.70), so one
    headline weight cannot serve both kinds of story: this feature (``headline_bodies``) lets the fit tell
    them apart, and leaves ``headline_only`` to the headline-against-headlines case.

    >>> bodies_share([(0, 4), (3, 4), (2, 2)])
    [1.0, 0.25, 0.0]
    """
    return [1.0 - headlines / size for headlines, size in stories]


def nearest_lead(cosines: list[float]) -> list[float]:
    """How much nearer (centroid cosine) each candidate is than the best of the others: positive for the nearest
    story alone, 0.0 for the rest, and 0.0 when there is no other to compare with. A headline is a few words:
    its cosine with one event's story and with another story of the same topic differ little in absolute
    terms (OG2021's headlines: one event 0.70, other stories 0.51 at the median, wide tails), but a headline
    about one event is *nearer* its story than the next one, where a generic headline ("what to know about the
    Games") is about as near several (the nearest-neighbour ratio test of image matching, on cosines). Only the
    nearest gets it: a story that is not the nearest loses nothing, so merges (an article clearing the merge
    threshold for two stories) are scored as before. Measured (benchmarks/STORIES.md, session 18): with the
    penalty for the others too (the signed margin) the fit gains more but OG2021's umbrella story grows.

    >>> [round(v, 3) for v in nearest_lead([0.7, 0.5, 0.65])]
    [0.05, 0.0, 0.0]
    >>> nearest_lead([0.6]), nearest_lead([0.6, 0.6])
    ([0.0], [0.0, 0.0])
    """
    out = [0.0] * len(cosines)
    if len(cosines) < 2:
        return out
    top = max(cosines)
    first = cosines.index(top)
    out[first] = top - max(cosines[:first] + cosines[first + 1:])  # 0.0 when another is as near
    return out
