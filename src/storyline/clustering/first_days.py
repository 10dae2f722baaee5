"""A story's first days: when it began, and the rare names (people, places) its first members gave.

Issue #15's rule, "no story runs past a month on its topic alone": an article more than ``early_seconds``
from a story's first article joins it only if it names ``needed`` of the rare names of the members within
``early_seconds`` of that first (a trial names the victim and the town; the next shooting in a busy city
does not). Merges and articles older than the story keep the rule for every member. ``keeps_rule``
states it for a whole story; ``storyline eval stories`` counts the stories that break it
(``evaluation.unlinked_long_stories``).
"""

from __future__ import annotations

from collections.abc import Iterable

Dated = tuple[float, frozenset[str]]  # a member's time and rare names


class FirstDays:
    """The dated members of a story (time, rare names), its first time, and the names of its first days.

    >>> days = FirstDays()
    >>> days.add(0.0, frozenset({"n:dayto", "n:smith"}), 30.0)
    >>> days.admits(40.0, frozenset({"n:dayto"}), 30.0, 2), days.admits(40.0, {"n:dayto", "n:smith"}, 30.0, 2)
    (False, True)
    >>> days.admits(20.0, frozenset(), 30.0, 2), days.admits(None, frozenset(), 30.0, 2)
    (True, True)
    """

    __slots__ = ("_dated", "first", "last", "names")

    def __init__(self) -> None:
        self.first: float | None = None
        self.last = 0.0  # the latest dated member's time (when first is set)
        self.names: set[str] = set()  # the rare names of the members within early_seconds of the first
        self._dated: list[Dated] = []

    def add(self, stamp: float | None, rare: frozenset[str], early_seconds: float) -> None:
        """One more member (an undated one changes nothing)."""
        if stamp is None:
            return
        self._dated.append((stamp, rare))
        self.last = stamp if self.first is None else max(self.last, stamp)
        if self.first is None:  # the first dated member: its own rare names (what _early_names gives of it alone)
            self.first = stamp
            self.names = set(rare) if early_seconds >= 0 else set()
        elif stamp < self.first:
            self.first = stamp
            self.names = _early_names(self._dated, stamp, early_seconds)
        elif stamp - self.first <= early_seconds:
            self.names.update(rare)

    def admits(self, stamp: float | None, rare: Iterable[str], early_seconds: float, needed: int) -> bool:
        """Whether an article at ``stamp`` naming ``rare`` may join (undated articles and stories: always)."""
        first = self.first
        if stamp is None or first is None or first <= stamp <= first + early_seconds:
            return True
        if stamp > first:
            return len(self.names.intersection(rare)) >= needed
        if self.last - stamp <= early_seconds:  # a new first, every member within its first days
            return True
        return keeps_rule([*self._dated, (stamp, frozenset(rare))], early_seconds, needed)

    def agrees(self, other: FirstDays, early_seconds: float, needed: int) -> bool:
        """Whether two stories may merge: every member of both keeps the rule in the merged story."""
        if self.first is None or other.first is None:
            return True
        return keeps_rule(self._dated + other._dated, early_seconds, needed)

    def absorb(self, other: FirstDays, early_seconds: float) -> None:
        """Take in a merged story's dated members."""
        for stamp, rare in other._dated:
            self.add(stamp, rare, early_seconds)


def _early_names(dated: list[Dated], first: float, early_seconds: float) -> set[str]:
    return set().union(*(names for time, names in dated if time - first <= early_seconds))


def keeps_rule(dated: list[Dated], early_seconds: float, needed: int) -> bool:
    """Whether every member more than ``early_seconds`` after the first of ``dated`` names ``needed`` of the rare
    names of the members within ``early_seconds`` of it (no dated member: it does).

    >>> keeps_rule([(0.0, frozenset({"n:dayto", "n:smith"})), (90.0, frozenset({"n:dayto"}))], 30.0, 2)
    False
    >>> keeps_rule([], 30.0, 2)
    True
    """
    if not dated:
        return True
    first = min(time for time, _ in dated)
    early = _early_names(dated, first, early_seconds)
    return all(len(early.intersection(names)) >= needed for time, names in dated if time - first > early_seconds)
