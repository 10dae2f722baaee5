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

from storyline.clustering import StoryItem, item_keys
from storyline.storage.rows import StorylineUpdate, StoryLink
from storyline.storylines.evidence import (
    LinkEvidence,
    age_key,
    ages_conflict,
    gap_days,
    is_age,
    links,
    name_weight,
    own_names,
)
from storyline.storylines.params import StorylineParams
from storyline.types import Assignment

_NUMBERED = re.compile(r"^L(\d+)$")
# a name more storylines than this carry is no lead to candidates (its weight is small anyway)
_MAX_CANDIDATES_PER_NAME = 50


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
    __slots__ = ("first", "last", "line", "names", "own", "size", "step")

    def __init__(self) -> None:
        self.names: Counter[str] = Counter()
        self.size = 0
        self.first: float | None = None
        self.last: float | None = None
        self.line: str | None = None
        self.own: frozenset[str] = frozenset()
        self.step = 0


class _Line:
    __slots__ = ("first", "last", "names", "number", "stories")

    def __init__(self, number: int) -> None:
        self.number = number
        self.stories: set[str] = set()
        self.names: Counter[str] = Counter()  # how many of its stories own each name
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
        self._index: dict[str, set[str]] = {}  # name -> storylines whose stories own it
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
        held = len(self._stories)
        # sorted: the sums below add in one order in every process, so a restart decides as the run did
        weights = [(name, name_weight(self._naming[name], held, params.prior_stories))
                   for name in sorted(story.own) if not is_age(name)]
        ages = {name for name in story.own if is_age(name)}
        total = math.fsum(weight for _, weight in weights)
        shared: dict[str, list] = {}  # storyline -> [shared names, their weight]
        for name, weight in weights:
            lines = self._index.get(name, ())  # ages are in the index too, but never looked up
            if len(lines) > _MAX_CANDIDATES_PER_NAME:
                continue
            for line_id in lines:
                hit = shared.get(line_id)
                if hit is None:
                    shared[line_id] = [1, weight]
                else:
                    hit[0] += 1
                    hit[1] += weight
        shared.pop(story.line or "", None)
        best, best_key = None, (0.0, 0)
        for line_id, (count, weight) in shared.items():
            if count < params.min_shared or total <= 0:
                continue
            line = self._lines[line_id]
            if ages and ages_conflict(ages, line.names):  # other victims' ages: another event's thread
                continue
            evidence = LinkEvidence(count, weight / total, gap_days(story.first, story.last, line.first, line.last))
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
        for name in story.own - own:
            self._naming[name] -= 1
            if self._naming[name] <= 0:
                del self._naming[name]
            if line is not None:
                self._unname(story.line or "", line, name)
        for name in own - story.own:
            self._naming[name] += 1
            if line is not None:
                self._name(story.line or "", line, name)
        story.own = own
        return True

    def _name(self, line_id: str, line: _Line, name: str) -> None:
        line.names[name] += 1
        self._index.setdefault(name, set()).add(line_id)

    def _unname(self, line_id: str, line: _Line, name: str) -> None:
        line.names[name] -= 1
        if line.names[name] <= 0:
            del line.names[name]
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
        for name in story.own:
            self._name(line_id, line, name)
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
        return StoryLink(story_id, story.line or "", tuple(_most_named(story.names, 2 * self.params.max_names)),
                         story.size, story.first, story.last, story.step)

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


def _most_named(names: Counter[str], limit: int) -> list[tuple[str, int]]:
    """The ``limit`` names most members carry (ties by name, so the choice never depends on order)."""
    return sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def _widen(line: _Line, first: float | None, last: float | None) -> None:
    if first is not None:
        line.first = first if line.first is None else min(line.first, first)
    if last is not None:
        line.last = last if line.last is None else max(line.last, last)
