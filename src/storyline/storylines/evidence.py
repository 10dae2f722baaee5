"""Evidence that a story continues a storyline: the rare names (people, places, organisations) they
share, weighed by how few stories name them; the story's names the storyline lacks count against the
link (other people, another place); and time: a storyline reaches only so far from its span.

Ages count against too: a story and a storyline that both give victims' ages, none in common, are
other victims' (another event's thread). The names and ages are the clusterer's own keys
(``clustering.item.ItemKeys``: rare names are capitalised words and places, accent-folded and stemmed,
common ones left out), so storylines and stories read the same evidence and no text is read twice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from operator import methodcaller

DAY = 86_400.0


def own_names(counts: Mapping[str, int], size: int, share: float) -> frozenset[str]:
    """The names a story stands for: those at least ``share`` of its members name (one member: all of its).

    >>> sorted(own_names({"n:dayto": 3, "n:smith": 1, "n:keish": 2}, size=4, share=0.5))
    ['n:dayto', 'n:keish']
    >>> sorted(own_names({"n:dayto": 1}, size=1, share=0.25))
    ['n:dayto']
    """
    need = max(1.0, size * share)
    if need == 1.0 and min(counts.values(), default=1) >= 1:  # most stories: every name counts (no loop here)
        return frozenset(counts)
    return frozenset(name for name, count in counts.items() if count >= need)


_AGE = "age:"


def age_key(age: int) -> str:
    """An age a story gives, kept beside its names (so it is counted, stored and restored with them).

    >>> age_key(23), is_age("age:23"), is_age("n:dayto")
    ('age:23', True, False)
    """
    return f"{_AGE}{age}"


# whether a key is an age (``age_key``): a C-level test, as it runs on every key of every placed story
is_age: Callable[[str], bool] = methodcaller("startswith", _AGE)


def names_and_ages(keys: Collection[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    """A story's own keys apart: its names in sorted order (the order its weights are added in) and its ages.

    >>> names_and_ages({"n:smith", "age:23", "n:dayto"})
    (('n:dayto', 'n:smith'), frozenset({'age:23'}))
    """
    ages = frozenset(filter(is_age, keys))
    return tuple(sorted(keys if not ages else set(keys) - ages)), ages


def ages_conflict(ages: Collection[str], line_keys: Collection[str]) -> bool:
    """Evidence against: the story and the storyline both give ages and none agree (other victims).

    >>> ages_conflict({"age:23"}, {"n:dayto", "age:41"}), ages_conflict({"age:23"}, {"age:23", "age:41"})
    (True, False)
    >>> ages_conflict({"age:23"}, {"n:dayto"})
    False
    """
    line_ages = [key for key in line_keys if is_age(key)]
    return bool(ages) and bool(line_ages) and not any(age in ages for age in line_ages)


def name_weight(stories_naming: int, stories: int, prior: float) -> float:
    """Inverse story frequency of a name: a name few stories carry says more about which affair it is.

    >>> name_weight(1, 100, 20.0) > name_weight(30, 100, 20.0) > 0
    True
    """
    return math.log((stories + prior) / (stories_naming + 1.0))


def name_weights(stories_naming: Sequence[int], stories: int, prior: float) -> list[float]:
    """``name_weight`` of several names at once (the same sums, fewer calls: the linker's inner loop).

    >>> name_weights([1, 30], 100, 20.0) == [name_weight(1, 100, 20.0), name_weight(30, 100, 20.0)]
    True
    """
    seen = stories + prior
    return [math.log(seen / (naming + 1.0)) for naming in stories_naming]


def gap_days(first: float | None, last: float | None, line_first: float | None,
             line_last: float | None) -> float | None:
    """Days between a story's dated span and a storyline's (0 when they overlap; None when either is undated).

    >>> gap_days(10 * DAY, 12 * DAY, 0.0, 3 * DAY), gap_days(0.0, DAY, 0.0, 5 * DAY), gap_days(None, None, 0.0, 0.0)
    (7.0, 0.0, None)
    """
    if first is None or last is None or line_first is None or line_last is None:
        return None
    if first > line_last:
        return (first - line_last) / DAY
    if line_first > last:
        return (line_first - last) / DAY
    return 0.0


@dataclass(frozen=True)
class LinkEvidence:
    """How a story meets a storyline: how many of the story's own names the storyline's stories own too,
    the share of the story's name weight (``name_weight``) those carry, and the time gap in days (None:
    undated). The story's names the storyline lacks lower the share: evidence against the link."""

    shared: int
    share: float
    gap: float | None


def links(evidence: LinkEvidence, min_shared: int, min_share: float, max_gap_days: float) -> bool:
    """Whether the evidence is enough to call the story a continuation: enough shared names, carrying
    enough of the story's weight (its other names count against), and near enough in time.

    >>> links(LinkEvidence(2, 0.75, 4.0), 2, 0.5, 120.0), links(LinkEvidence(1, 1.0, 0.0), 2, 0.5, 120.0)
    (True, False)
    >>> links(LinkEvidence(3, 0.9, 400.0), 2, 0.5, 120.0), links(LinkEvidence(2, 0.4, None), 2, 0.5, 120.0)
    (False, False)
    """
    if evidence.shared < min_shared or evidence.share < min_share:
        return False
    return evidence.gap is None or evidence.gap <= max_gap_days
