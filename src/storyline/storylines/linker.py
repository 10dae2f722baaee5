"""The online storyline linker: after each batch's stories are assigned, every story the batch created or
grew joins the storyline it continues, or starts one; a story that comes to continue another storyline
joins the two (the younger into the older, recorded). Story assignment is not touched: this layer only
reads the assignments and the articles' keys.

Its whole state is the stories it holds (their rare-name counts, size and span, and their storyline),
which is also what it writes: a restart reads it back (``restore``) and goes on where it stopped.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet

from storyline.clustering import StoryItem, item_keys
from storyline.storage.rows import StorylineUpdate, StoryLink
from storyline.storylines.evidence import (
    LinkEvidence,
    age_key,
    ages_conflict,
    gap_days,
    is_age,
    links,
    name_weights,
    names_and_ages,
    own_names,
)
from storyline.storylines.params import StorylineParams
from storyline.types import Assignment

_NUMBERED = re.compile(r"^L(\d+)$")
# a name more storylines than this carry is no lead to candidates (its weight is small anyway)
_MAX_CANDIDATES_PER_NAME = 50
_NO_LINES: frozenset[str] = frozenset()


def storyline_id(number: int) -> str:
    """The id of storyline ``number``: "L1", "L2", … (stories are "s1", …).

    >>> storyline_id(7)
    'L7'
    """
    return f"L{number}"


def storyline_number(line_id: str) -> int:
    match = _NUMBERED.match(line_id)
    return int(match.group(1)) if match else 0


class _Story:
    __slots__ = ("first", "last", "line", "names", "own", "own_ages", "own_names", "size", "step")

    def __init__(self) -> None:
        self.names: Counter[str] = Counter()
        self.size = 0
        self.first: float | None = None
        self.last: float | None = None
        self.line: str | None = None
        self.own: frozenset[str] = frozenset()
        # ``own`` split once when it changes, not on every placement: names in one fixed order, and ages
        self.own_names: tuple[str, ...] = ()
        self.own_ages: frozenset[str] = frozenset()
        self.step = 0


class _Line:
    __slots__ = ("ages", "first", "last", "names", "number", "stories")

    def __init__(self, number: int) -> None:
        self.number = number
        self.stories: set[str] = set()
        self.names: dict[str, int] = {}  # how many of its stories own each name
        self.ages: dict[str, int] = {}  # how many of its stories own each age (apart: the age test reads only these)
        self.first: float | None = None
        self.last: float | None = None


class StorylineLinker:
    """Places stories in storylines, batch by batch (see the module docstring)."""

    def __init__(self, params: StorylineParams | None = None, last_number: int = 0) -> None:
        self.params = params or StorylineParams.load()
        self.last_number = last_number
        self.step = 0
        self._stories: dict[str, _Story] = {}
        self._lines: dict[str, _Line] = {}
        self._index: dict[str, set[str]] = {}  # name (not age) -> storylines whose stories own it
        self._naming: Counter[str] = Counter()  # name -> held stories owning it

    # ---------- state ----------
    def emptied(self) -> StorylineLinker:
        return StorylineLinker(self.params)

    def restore(self, rows: Iterable[StoryLink], last_number: int) -> None:
        """Take back the stories a store holds (oldest change first) and the storyline counter."""
        self.last_number = max(self.last_number, last_number)
        for row in rows:
            story = self._stories.get(row.story_id) or _Story()
            self._stories[row.story_id] = story
            story.names = Counter(dict(row.names))
            story.size, story.first, story.last, story.step = row.size, row.first, row.last, row.step
            self.step = max(self.step, row.step)
            self._set_own(row.story_id, story, own_names(story.names, story.size, self.params.name_share))
            self._move(row.story_id, story, row.storyline_id)
            self.last_number = max(self.last_number, storyline_number(row.storyline_id))

    def storyline_of(self, story_id: str) -> str | None:
        story = self._stories.get(story_id)
        return story.line if story else None

    def stories_of(self, line_id: str) -> frozenset[str]:
        line = self._lines.get(line_id)
        return frozenset(line.stories) if line else frozenset()

    # ---------- one batch ----------
    def link(self, items: Sequence[StoryItem], assignments: Sequence[Assignment],
             merges: Sequence[tuple[str, str]]) -> StorylineUpdate:
        """Fold a batch's articles into their stories and place each story it touched; returns what changed."""
        self.step += 1
        created: list[tuple[str, int]] = []
        line_merges: list[tuple[str, str]] = []
        final = _final_stories(merges)
        for absorbed, into in merges:
            self._fold_story(absorbed, into, line_merges)
        touched: dict[str, None] = {}
        for item, assignment in zip(items, assignments, strict=True):
            story_id = final.get(assignment.story_id, assignment.story_id)
            self._add_item(self._stories.setdefault(story_id, _Story()), item)
            touched[story_id] = None
        touched.update((into, None) for _, into in merges if into in self._stories)
        for story_id in touched:
            story = self._stories[story_id]
            story.step = self.step
            # only new evidence can change a placement: a new story, or one whose own names changed
            if self._set_own(story_id, story, own_names(story.names, story.size, self.params.name_share)) \
                    or story.line is None:
                self._place(story_id, story, created, line_merges)
            if story.line is not None:
                _widen(self._lines[story.line], story.first, story.last)
        dropped = tuple(dict.fromkeys(absorbed for absorbed, _ in merges))
        rows = tuple(self._row(story_id) for story_id in touched if story_id in self._stories)
        self._forget_oldest()
        return StorylineUpdate(tuple(created), rows, tuple(line_merges), dropped)

    def _add_item(self, story: _Story, item: StoryItem) -> None:
        keys = item.keys or item_keys(item.title, item.text, item.lang)
        story.names.update(keys.rare)
        if keys.ages:
            story.names.update(age_key(age) for age in keys.ages)
        story.size += 1
        if len(story.names) > 2 * self.params.max_names:  # pruned now and then, not on every article
            story.names = Counter(dict(_most_named(story.names, self.params.max_names)))
        if item.time is not None:
            moment = item.time.timestamp()
            story.first = moment if story.first is None else min(story.first, moment)
            story.last = moment if story.last is None else max(story.last, moment)

    def _place(self, story_id: str, story: _Story, created: list[tuple[str, int]],
               line_merges: list[tuple[str, str]]) -> None:
        """Join the storyline the story continues (or start one); if it already has one and continues
        another too, the two become one."""
        best = self._best_line(story)
        if story.line is None:
            if best is None:
                self.last_number += 1
                best = storyline_id(self.last_number)
                created.append((best, self.last_number))
            self._move(story_id, story, best)
        elif best is not None:
            self._merge_lines(story.line, best, line_merges)

    def _best_line(self, story: _Story) -> str | None:
        """The storyline (other than its own) the story continues best, if any continues enough: the
        largest share of the story's name weight, the older storyline on a tie."""
        params = self.params
        if len(story.own) < params.min_shared:  # ages included: an upper bound of its names
            return None
        held, naming, index = len(self._stories), self._naming, self._index
        # in sorted order: the sums below add in one order in every process, so a restart decides as the run did
        weights = name_weights([naming[name] for name in story.own_names], held, params.prior_stories)
        total = math.fsum(weights)
        if total <= 0:
            return None
        leads = [(weight, lines) for name, weight in zip(story.own_names, weights, strict=True)
                 if len(lines := index.get(name, _NO_LINES)) <= _MAX_CANDIDATES_PER_NAME]
        candidates = _able_to_reach(leads, params.min_share * total)
        candidates.discard(story.line or "")
        if not candidates:
            return None
        shared: dict[str, float] = {}  # storyline -> the weight of the names it shares, added in name order
        for weight, lines in leads:
            for line_id in candidates.intersection(lines):
                shared[line_id] = shared.get(line_id, 0.0) + weight
        best, best_key = None, (0.0, 0)
        # ``share < min_share`` is what ``links`` refuses first: most candidates stop here, before any evidence
        for line_id, share in [(line_id, weight / total) for line_id, weight in shared.items()
                               if weight / total >= params.min_share]:
            line = self._lines[line_id]
            if story.own_ages and ages_conflict(story.own_ages, line.ages):  # other victims' ages: another thread
                continue
            count = sum(1 for _, lines in leads if line_id in lines)
            evidence = LinkEvidence(count, share, gap_days(story.first, story.last, line.first, line.last))
            key = (evidence.share, -line.number)
            if links(evidence, params.min_shared, params.min_share, params.max_gap_days) \
                    and (best is None or key > best_key):
                best, best_key = line_id, key
        return best

    # ---------- bookkeeping ----------
    def _set_own(self, story_id: str, story: _Story, own: frozenset[str]) -> bool:
        """Change the names a story stands for, in its storyline's counts and the name index too; False
        when they are the same."""
        if own == story.own:
            return False
        line = self._lines.get(story.line) if story.line else None
        naming = self._naming
        for name in story.own - own:
            left = naming[name] - 1
            if left > 0:
                naming[name] = left
            else:
                del naming[name]
            if line is not None:
                self._unname(story.line or "", line, name)
        for name in own - story.own:
            naming[name] = naming.get(name, 0) + 1
            if line is not None:
                self._name(story.line or "", line, name)
        story.own = own
        story.own_names, story.own_ages = names_and_ages(own)
        return True

    def _name(self, line_id: str, line: _Line, name: str) -> None:
        if is_age(name):
            line.ages[name] = line.ages.get(name, 0) + 1
        else:
            self._name_all(line_id, line, (name,))

    def _name_all(self, line_id: str, line: _Line, names: Iterable[str]) -> None:
        """Count names (not ages) in a storyline, and index it under each."""
        counts, index = line.names, self._index
        for name in names:
            counts[name] = counts.get(name, 0) + 1
            lines = index.get(name)
            if lines is None:
                index[name] = {line_id}
            else:
                lines.add(line_id)

    def _unname(self, line_id: str, line: _Line, name: str) -> None:
        counts = line.ages if is_age(name) else line.names
        left = counts[name] - 1
        if left > 0:
            counts[name] = left
            return
        del counts[name]
        lines = self._index.get(name)
        if lines is not None:
            lines.discard(line_id)
            if not lines:
                del self._index[name]

    def _move(self, story_id: str, story: _Story, line_id: str) -> None:
        """Put a story in a storyline (out of its previous one)."""
        if story.line == line_id:
            return
        self._leave(story_id, story)
        line = self._lines.get(line_id)
        if line is None:
            line = self._lines[line_id] = _Line(storyline_number(line_id))
        line.stories.add(story_id)
        self._name_all(line_id, line, story.own_names)
        for age in story.own_ages:
            line.ages[age] = line.ages.get(age, 0) + 1
        story.line = line_id
        _widen(line, story.first, story.last)

    def _leave(self, story_id: str, story: _Story) -> None:
        if story.line is None:
            return
        line = self._lines.get(story.line)
        if line is not None:
            line.stories.discard(story_id)
            for name in story.own:
                self._unname(story.line, line, name)
            if not line.stories:
                del self._lines[story.line]
        story.line = None

    def _merge_lines(self, one: str, other: str, line_merges: list[tuple[str, str]]) -> None:
        """The younger storyline joins the older: its stories move, the merge is recorded."""
        into, absorbed = sorted((one, other), key=lambda line_id: self._lines[line_id].number)
        for story_id in sorted(self._lines[absorbed].stories):
            self._move(story_id, self._stories[story_id], into)
        line_merges.append((absorbed, into))

    def _fold_story(self, absorbed: str, into: str, line_merges: list[tuple[str, str]]) -> None:
        """Story ``absorbed`` went into story ``into``: its counts join that story, and their storylines
        (when both have one) become one."""
        gone = self._stories.pop(absorbed, None)
        if gone is None:
            return
        line_of_gone = gone.line
        self._leave(absorbed, gone)
        self._set_own(absorbed, gone, frozenset())
        target = self._stories.setdefault(into, _Story())
        target.names.update(gone.names)
        target.size += gone.size
        for moment in (gone.first, gone.last):
            if moment is not None:
                target.first = moment if target.first is None else min(target.first, moment)
                target.last = moment if target.last is None else max(target.last, moment)
        if line_of_gone is None:
            return
        if target.line is None:
            self._move(into, target, line_of_gone)
        elif line_of_gone not in self._lines:  # it held only the absorbed story: it goes where that went
            line_merges.append((line_of_gone, target.line))
        elif target.line != line_of_gone:
            self._merge_lines(target.line, line_of_gone, line_merges)

    def _row(self, story_id: str) -> StoryLink:
        story = self._stories[story_id]
        limit = 2 * self.params.max_names  # passed only for a moment, after stories merged: sorted only then
        names = tuple(story.names.items()) if len(story.names) <= limit else tuple(_most_named(story.names, limit))
        return StoryLink(story_id, story.line or "", names, story.size, story.first, story.last, story.step)

    def _forget_oldest(self) -> None:
        """Past ``max_held`` stories, forget the least recently changed (their rows stay stored)."""
        excess = len(self._stories) - self.params.max_held
        if excess <= 0:
            return
        for story_id in sorted(self._stories, key=lambda s: self._stories[s].step)[:excess]:
            story = self._stories.pop(story_id)
            self._leave(story_id, story)
            self._set_own(story_id, story, frozenset())


def _final_stories(merges: Sequence[tuple[str, str]]) -> dict[str, str]:
    """Where each absorbed story's articles are once all of a batch's merges are applied.

    >>> _final_stories([("s2", "s1"), ("s1", "s0")])
    {'s2': 's0', 's1': 's0'}
    """
    final: dict[str, str] = {}
    for absorbed, into in merges:
        for story_id, target in final.items():
            if target == absorbed:
                final[story_id] = into
        final[absorbed] = final.get(into, into)
    return final


def _able_to_reach(leads: Sequence[tuple[float, AbstractSet[str]]], need: float) -> set[str]:
    """The storylines that could gather ``need`` of weight from ``leads`` (a name's weight, the storylines
    owning it): a storyline none of the heaviest names lead to has at most the lighter names' weight. Most
    candidates come only from light, common names: they are never weighed.

    >>> sorted(_able_to_reach([(3.0, {"L1"}), (1.0, {"L2", "L3"}), (0.5, {"L3", "L4"})], 1.2))
    ['L1', 'L2', 'L3']
    >>> sorted(_able_to_reach([(3.0, {"L1"}), (1.0, {"L2", "L3"}), (0.5, {"L3", "L4"})], 2.0))
    ['L1']
    """
    margin = need * (1.0 - 1e-9)  # the sums are floats added in another order: never cut one that reaches
    heaviest_first = sorted(leads, key=lambda lead: -lead[0])
    rest = [0.0] * (len(heaviest_first) + 1)  # rest[k]: the weight of the names after the k heaviest
    for k in range(len(heaviest_first) - 1, -1, -1):
        rest[k] = rest[k + 1] + heaviest_first[k][0]
    reachable: set[str] = set()
    for k, (_, lines) in enumerate(heaviest_first):
        if rest[k] < margin:
            break
        reachable |= lines
    return reachable


def _most_named(names: Counter[str], limit: int) -> list[tuple[str, int]]:
    """The ``limit`` names most members carry (ties by name, so the choice never depends on order)."""
    return sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def _widen(line: _Line, first: float | None, last: float | None) -> None:
    if first is not None:
        line.first = first if line.first is None else min(line.first, first)
    if last is not None:
        line.last = last if line.last is None else max(line.last, last)
