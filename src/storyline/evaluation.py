"""Clustering quality: item-averaged B-cubed and pair-counting precision/recall/F1.

Both work from contingency counts (one pass over the items), so they scale to large streams.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from storyline.errors import InputError

# A story spanning more than this many days is reported (``story_extent``, ``unlinked_long_stories``).
LONG_DAYS = 30.0


def _check(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> None:
    if len(gold) != len(pred):
        raise ValueError(f"gold has {len(gold)} items, pred has {len(pred)}")


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def bcubed(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> tuple[float, float, float]:
    """Item-averaged B-cubed (precision, recall, F1) of a predicted clustering against gold labels.

    >>> bcubed(["a", "a", "b"], [1, 1, 2])
    (1.0, 1.0, 1.0)
    >>> p, r, f = bcubed(["a", "a", "b"], [1, 1, 1])
    >>> round(p, 3), r, round(f, 3)
    (0.556, 1.0, 0.714)
    >>> bcubed([], [])
    (0.0, 0.0, 0.0)
    """
    _check(gold, pred)
    if not gold:
        return 0.0, 0.0, 0.0
    return bcubed_by(gold, pred, [None] * len(gold))[None][:3]


def bcubed_by(gold: Sequence[Hashable], pred: Sequence[Hashable],
              groups: Sequence[Hashable]) -> dict[Hashable, tuple[float, float, float, int]]:
    """B-cubed (precision, recall, F1, items) averaged over the items of each group (a language, say),
    each item scored against the whole clustering: where a system loses, not a re-clustering per group.

    >>> by = bcubed_by(["a", "a", "b"], [1, 2, 3], ["en", "de", "en"])
    >>> by["en"], by["de"]
    ((1.0, 0.75, 0.8571428571428571, 2), (1.0, 0.5, 0.6666666666666666, 1))
    """
    _check(gold, pred)
    if len(groups) != len(gold):
        raise ValueError(f"gold has {len(gold)} items, groups has {len(groups)}")
    joint = Counter(zip(pred, gold, strict=True))
    pred_size, gold_size = Counter(pred), Counter(gold)
    sums: dict[Hashable, list[float]] = {}
    for c, g, group in zip(pred, gold, groups, strict=True):
        k = joint[(c, g)]
        acc = sums.setdefault(group, [0.0, 0.0, 0])
        acc[0] += k / pred_size[c]
        acc[1] += k / gold_size[g]
        acc[2] += 1
    out: dict[Hashable, tuple[float, float, float, int]] = {}
    for group, (p_sum, r_sum, n) in sums.items():
        p, r = p_sum / n, r_sum / n
        out[group] = (p, r, _f1(p, r), int(n))  # n counts items: a whole number
    return out


def _pairs(counts: Iterable[int]) -> int:
    """How many item pairs groups of these sizes hold."""
    return sum(k * (k - 1) // 2 for k in counts)


def pairwise(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> tuple[float, float, float]:
    """Pair-counting (precision, recall, F1): of the item pairs put together, how many belong together.

    With no predicted (or no gold) pairs the matching score is 1.0 by convention.

    >>> pairwise(["a", "a", "b", "b"], [1, 1, 1, 2])
    (0.3333333333333333, 0.5, 0.4)
    >>> pairwise(["a", "b"], [1, 2])
    (1.0, 1.0, 1.0)
    """
    _check(gold, pred)
    together = _pairs(Counter(zip(pred, gold, strict=True)).values())
    pred_pairs = _pairs(Counter(pred).values())
    gold_pairs = _pairs(Counter(gold).values())
    precision = together / pred_pairs if pred_pairs else 1.0
    recall = together / gold_pairs if gold_pairs else 1.0
    return precision, recall, _f1(precision, recall)


@dataclass(frozen=True)
class StoryError:
    """One place where a clustering goes wrong: a predicted story holding several gold stories (kind "merged":
    ``key`` is the predicted story) or a gold story spread over several predicted ones ("split": ``key`` is the
    gold label). ``parts``: (the other side's label, items) largest first; ``pairs``: the item pairs wrongly put
    together (merged) or wrongly kept apart (split), what pairwise precision or recall loses to it."""

    kind: str
    key: Hashable
    size: int
    parts: tuple[tuple[Hashable, int], ...]
    pairs: int


def story_errors(gold: Sequence[Hashable], pred: Sequence[Hashable]) -> tuple[list[StoryError], list[StoryError]]:
    """The merged predicted stories and the split gold stories, most pairs lost first (ties: the larger, then
    by label): where to look first when a clustering scores low.

    >>> merged, split = story_errors(["a", "a", "b", "b", "b"], [1, 1, 1, 2, 2])
    >>> merged
    [StoryError(kind='merged', key=1, size=3, parts=(('a', 2), ('b', 1)), pairs=2)]
    >>> split
    [StoryError(kind='split', key='b', size=3, parts=((2, 2), (1, 1)), pairs=2)]
    """
    _check(gold, pred)
    joint = Counter(zip(pred, gold, strict=True))
    by_pred: dict[Hashable, list[tuple[Hashable, int]]] = {}
    by_gold: dict[Hashable, list[tuple[Hashable, int]]] = {}
    for (c, g), k in joint.items():
        by_pred.setdefault(c, []).append((g, k))
        by_gold.setdefault(g, []).append((c, k))

    def errors(kind: str, groups: dict[Hashable, list[tuple[Hashable, int]]]) -> list[StoryError]:
        out = []
        for key, parts in groups.items():
            if len(parts) < 2:
                continue
            size = sum(k for _, k in parts)
            lost = _pairs([size]) - _pairs(k for _, k in parts)
            ordered = tuple(sorted(parts, key=lambda part: (-part[1], str(part[0]))))
            out.append(StoryError(kind, key, size, ordered, lost))
        return sorted(out, key=lambda e: (-e.pairs, -e.size, str(e.key)))

    return errors("merged", by_pred), errors("split", by_gold)


def gold_labels(path: str, field: str = "story", required: bool = True) -> dict[str, str]:
    """Gold label (``field``: the story, or the thread) per input origin ("path:line"), as the JSONL reader
    names them; an InputError when no line has one, unless not ``required``."""
    if not Path(path).exists():
        raise InputError(f"{path} does not exist", hint=f"give a JSONL file with a `{field}` field per line")
    gold: dict[str, str] = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                continue
            if isinstance(row, dict) and row.get(field) is not None:
                gold[f"{path}:{number}"] = str(row[field])
    if not gold and required:
        raise InputError(f"{path} has no line with a `{field}` label", hint="eval needs gold labels")
    return gold


@dataclass(frozen=True)
class ThreadPairs:
    """Pairs of articles of one gold thread but different gold events, and where they ended: apart in two
    stories of one storyline (what storylines are for), merged into one story, or apart and unlinked."""

    pairs: int
    apart_linked: int
    merged: int
    unlinked: int


def thread_pairs(gold_story: Sequence[Hashable], gold_thread: Sequence[Hashable], pred_story: Sequence[Hashable],
                 pred_line: Sequence[Hashable]) -> ThreadPairs:
    """Count the article pairs of one thread and two events by their fate (see ``ThreadPairs``).

    >>> thread_pairs(["a", "b", "c"], ["t", "t", "t"], [1, 2, 2], ["L1", "L1", "L1"])
    ThreadPairs(pairs=3, apart_linked=2, merged=1, unlinked=0)
    """
    _check(gold_story, gold_thread)
    members: dict[Hashable, list[int]] = {}
    for i, thread in enumerate(gold_thread):
        members.setdefault(thread, []).append(i)
    pairs = apart_linked = merged = 0
    for indexes in members.values():
        for n, i in enumerate(indexes):
            for j in indexes[n + 1:]:
                if gold_story[i] == gold_story[j]:
                    continue
                pairs += 1
                if pred_story[i] == pred_story[j]:
                    merged += 1
                elif pred_line[i] == pred_line[j]:
                    apart_linked += 1
    return ThreadPairs(pairs, apart_linked, merged, pairs - apart_linked - merged)


def unlinked_long_stories(stories: Iterable[Sequence[tuple[datetime | None, frozenset[str]]]],
                          long_days: float = LONG_DAYS, shared: int = 2) -> int:
    """How many stories span more than ``long_days`` with an article that shares fewer than ``shared`` rare
    names (people, places) with the story's first ``long_days``: one event's follow-ups name its people and
    place, a story that chained into other events does not. ``stories``: each story's (time, rare names).

    >>> t, names = datetime(2024, 1, 1), frozenset({"n:dayto", "n:smith"})
    >>> unlinked_long_stories([[(t, names), (t + timedelta(days=90), names | {"n:court"})],  # a trial
    ...                        [(t, names), (t + timedelta(days=90), frozenset({"n:tulsa"}))]])  # a chain
    1
    """
    from storyline.clustering.first_days import keeps_rule  # the rule the clusterer keeps, stated once

    unlinked = 0
    for items in stories:
        dated = [(time, names) for time, names in items if time is not None]
        if dated:
            first = min(time for time, _ in dated)
            since = [((time - first).total_seconds(), names) for time, names in dated]  # from the first: exact
            unlinked += not keeps_rule(since, timedelta(days=long_days).total_seconds(), shared)
    return unlinked


def story_spans(pred: Sequence[Hashable], times: Sequence[datetime | None]) -> dict[Hashable, float]:
    """Days between each story's first and last dated member (stories with no dated member left out).

    >>> t = datetime(2024, 1, 1)
    >>> story_spans(["a", "a", "b"], [t, t + timedelta(days=40), None])
    {'a': 40.0}
    """
    _check(pred, times)
    first: dict[Hashable, datetime] = {}
    last: dict[Hashable, datetime] = {}
    for story, time in zip(pred, times, strict=True):
        if time is not None:
            first[story] = min(first.get(story, time), time)
            last[story] = max(last.get(story, time), time)
    return {s: (last[s] - first[s]).total_seconds() / 86400 for s in first}


def story_extent(pred: Sequence[Hashable], times: Sequence[datetime | None],
                 long_days: float = LONG_DAYS) -> tuple[float | None, int, int]:
    """How far stories reach: the longest span in days between a story's dated members (None: nothing
    dated), the largest story's size, and how many stories span more than ``long_days`` — a story that
    snowballs across events shows here before it shows in any F1.

    >>> t = datetime(2024, 1, 1)
    >>> story_extent(["a", "a", "b"], [t, t + timedelta(days=40), None])
    (40.0, 2, 1)
    """
    spans = list(story_spans(pred, times).values())
    largest = max(Counter(pred).values(), default=0)
    return (max(spans) if spans else None), largest, sum(1 for span in spans if span > long_days)
