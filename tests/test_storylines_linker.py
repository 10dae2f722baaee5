"""The storyline linker on invented keys: continuations join, look-alikes sharing one name stay apart,
evidence against (the story's other names, time) counts, merges are recorded, and a restart resumes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from storyline.clustering import ItemKeys, StoryItem
from storyline.storylines import StorylineLinker, StorylineParams
from storyline.types import Assignment

START = datetime(2026, 4, 1, 9, tzinfo=UTC)
PARAMS = StorylineParams(min_shared=2, min_share=0.3, max_gap_days=120.0, name_share=0.25, max_names=40,
                         prior_stories=20.0, max_held=1000)


def _item(article_id: str, names: set[str], day: float, ages: frozenset[int] = frozenset()) -> StoryItem:
    keys = ItemKeys(words=frozenset(), names=frozenset(names), ages=ages, rare=frozenset(names))
    return StoryItem(article_id, np.zeros(4, dtype=np.float32), "en", START + timedelta(days=day), "", "", None, keys)


def _batch(linker: StorylineLinker, *placed: tuple[str, str, set[str], float], merges=()):
    """Feed (article id, story id, names, day) rows as one batch."""
    items = [_item(a, names, day) for a, _, names, day in placed]
    assignments = [Assignment(a, story, 1.0, False) for a, story, _, _ in placed]
    return linker.link(items, assignments, merges)


def test_three_events_of_one_affair_over_three_weeks_are_one_storyline():
    linker = StorylineLinker(PARAMS)
    first = _batch(linker, ("a1", "s1", {"n:varga", "n:lena", "n:bellm", "n:ostra"}, 0))
    _batch(linker, ("a2", "s2", {"n:varga", "n:lena", "n:miria", "n:osei"}, 8))
    last = _batch(linker, ("a3", "s3", {"n:varga", "n:lena", "n:arjen", "n:holt"}, 19))
    assert first.created == (("L1", 1),) and not last.created
    assert {linker.storyline_of(s) for s in ("s1", "s2", "s3")} == {"L1"}
    assert [(link.story_id, link.storyline_id) for link in last.links] == [("s3", "L1")]


def test_two_events_sharing_only_a_city_are_two_storylines():
    linker = StorylineLinker(PARAMS)
    _batch(linker, ("a1", "s1", {"n:harlo", "n:tamsi", "n:petra", "n:lindq"}, 0))
    _batch(linker, ("a2", "s2", {"n:harlo", "n:kenji", "n:araka", "n:mbeki"}, 2))
    assert linker.storyline_of("s1") == "L1" and linker.storyline_of("s2") == "L2"


def test_other_names_count_against_and_time_has_a_reach():
    linker = StorylineLinker(PARAMS)
    _batch(linker, ("a1", "s1", {"n:varga", "n:lena"}, 0))
    # two shared names drowned by six of its own: another affair that mentions the same people
    _batch(linker, ("a2", "s2", {"n:varga", "n:lena", "n:aa", "n:bb", "n:cc", "n:dd", "n:ee", "n:ff"}, 3))
    _batch(linker, ("a3", "s3", {"n:varga", "n:lena"}, 400))  # more than a year later
    assert [linker.storyline_of(s) for s in ("s1", "s2", "s3")] == ["L1", "L2", "L3"]


def test_a_story_that_comes_to_continue_another_storyline_joins_it_and_the_merge_is_recorded():
    linker = StorylineLinker(PARAMS)
    _batch(linker, ("a1", "s1", {"n:xa", "n:xb"}, 0), ("a2", "s2", {"n:pa", "n:pb"}, 0))
    assert linker.storyline_of("s2") == "L2"
    update = _batch(linker, ("a3", "s2", {"n:xa", "n:xb"}, 1), ("a4", "s2", {"n:xa", "n:xb", "n:pa"}, 1))
    assert update.merges == (("L2", "L1"),)
    assert linker.storyline_of("s1") == linker.storyline_of("s2") == "L1"
    assert linker.stories_of("L1") == {"s1", "s2"} and not linker.stories_of("L2")


def test_a_story_merge_drops_the_absorbed_story_and_keeps_its_storyline():
    linker = StorylineLinker(PARAMS)
    _batch(linker, ("a1", "s1", {"n:xa", "n:xb"}, 0), ("a2", "s2", {"n:pa", "n:pb"}, 0))
    update = _batch(linker, ("a3", "s1", {"n:xa"}, 1), merges=[("s2", "s1")])
    assert update.dropped == ("s2",) and update.merges == (("L2", "L1"),)
    assert linker.storyline_of("s2") is None and linker.stories_of("L1") == {"s1"}


def test_a_restored_linker_goes_on_as_the_one_that_never_stopped():
    going = StorylineLinker(PARAMS)
    rows = {}
    for n, (story, names, day) in enumerate([("s1", {"n:xa", "n:xb", "n:xc"}, 0), ("s2", {"n:qa", "n:qb"}, 1),
                                             ("s3", {"n:xa", "n:xb", "n:yy"}, 9)]):
        update = _batch(going, (f"a{n}", story, names, day))
        rows.update({link.story_id: link for link in update.links})
    restored = StorylineLinker(PARAMS)
    restored.restore(sorted(rows.values(), key=lambda r: r.step), last_number=going.last_number)
    nxt = ("a9", "s4", {"n:xa", "n:xb", "n:zz"}, 12)
    assert _batch(restored, nxt) == _batch(going, nxt)
    assert restored.storyline_of("s4") == "L1" and restored.last_number == going.last_number == 2


def test_other_victims_ages_count_against_a_link():
    """Two shootings in one neighbourhood a week apart name the same street and police sergeant, but
    their victims' ages differ: two storylines. A third report giving the first victim's age joins."""
    linker = StorylineLinker(PARAMS)
    shared = {"n:teleg", "n:sobra", "n:uptow"}
    linker.link([_item("a1", shared | {"n:katie"}, 0, frozenset({38}))], [Assignment("a1", "s1", 1.0, True)], [])
    linker.link([_item("a2", shared | {"n:graff"}, 8, frozenset({17, 44}))], [Assignment("a2", "s2", 1.0, True)], [])
    linker.link([_item("a3", shared | {"n:court"}, 12, frozenset({38}))], [Assignment("a3", "s3", 1.0, True)], [])
    assert [linker.storyline_of(s) for s in ("s1", "s2", "s3")] == ["L1", "L2", "L1"]


def _weighed_in_full(linker: StorylineLinker, story) -> str | None:
    """The rule as first written: every storyline sharing a name weighed (the linker prunes: same answer)."""
    import math

    from storyline.storylines.evidence import LinkEvidence, ages_conflict, gap_days, is_age, links, name_weight

    params = linker.params
    if len(story.own) < params.min_shared:
        return None
    held = len(linker._stories)
    weights = [(name, name_weight(linker._naming[name], held, params.prior_stories))
               for name in sorted(story.own) if not is_age(name)]
    ages = {name for name in story.own if is_age(name)}
    total = math.fsum(weight for _, weight in weights)
    shared: dict[str, list] = {}
    for name, weight in weights:
        lines = linker._index.get(name, set())
        if len(lines) > 50:
            continue
        for line_id in lines:
            hit = shared.setdefault(line_id, [0, 0.0])
            hit[0], hit[1] = hit[0] + 1, hit[1] + weight
    shared.pop(story.line or "", None)
    best, best_key = None, (0.0, 0)
    for line_id, (count, weight) in shared.items():
        if count < params.min_shared or total <= 0:
            continue
        line = linker._lines[line_id]
        if ages and ages_conflict(ages, set(line.names) | set(line.ages)):
            continue
        evidence = LinkEvidence(count, weight / total, gap_days(story.first, story.last, line.first, line.last))
        if links(evidence, params.min_shared, params.min_share, params.max_gap_days) \
                and (best is None or (evidence.share, -line.number) > best_key):
            best, best_key = line_id, (evidence.share, -line.number)
    return best


def test_the_pruned_search_picks_what_weighing_every_candidate_picks():
    """Only storylines that can reach ``min_share`` are weighed (the cost target of #20): on a random stream
    of names drawn from a small vocabulary (many candidates per story), every placement is the same."""
    import random

    rng = random.Random(7)
    vocabulary = [f"n:{k}" for k in range(60)]
    params = StorylineParams(min_shared=2, min_share=0.4, max_gap_days=30.0, name_share=0.25, max_names=40,
                             prior_stories=20.0, max_held=1000)

    class Checked(StorylineLinker):
        decisions = 0

        def _best_line(self, story):
            chosen = super()._best_line(story)
            assert chosen == _weighed_in_full(self, story)
            Checked.decisions += chosen is not None
            return chosen

    linker = Checked(params)
    article = 0
    for day in range(40):
        placed, items = [], []
        for _ in range(12):
            article += 1
            story = f"s{rng.randrange(1, 6 * (day + 2))}"
            names = set(rng.sample(vocabulary[:20], 2) + rng.sample(vocabulary, rng.randrange(1, 6)))
            ages = frozenset(rng.sample(range(18, 30), 1)) if rng.random() < 0.2 else frozenset()
            items.append(_item(f"a{article}", names, day + rng.random(), ages))
            placed.append(Assignment(f"a{article}", story, 1.0, False))
        linker.link(items, placed, ())
    assert Checked.decisions > 50  # the stream links often: the comparison was not vacuous
