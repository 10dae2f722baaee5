"""The assignment stage: arrival order, and near-duplicates routed to their original's story (time order: prepare)."""

from datetime import UTC, datetime, timedelta

import numpy as np

from storyline.assign import arrival_order, assign_in_order, story_item
from storyline.clustering import StoryItem, StoryParams
from storyline.prepare import oldest_first, usable_time
from storyline.types import Article, Assignment

T0 = datetime(2026, 3, 1, tzinfo=UTC)


def test_oldest_first_keeps_undated_in_place():
    assert oldest_first([T0 + timedelta(hours=5), None, T0, T0 + timedelta(hours=1)]) == [2, 1, 3, 0]
    assert oldest_first([None, None]) == [0, 1]


def test_arrival_order_sorts_each_batch_oldest_first_and_keeps_undated_in_place():
    assert arrival_order([1, 2, 3, 4], [5.0, None, 1.0, 2.0], batch_size=3) == [2, 1, 0, 3]
    assert arrival_order([1, 2, 3], [None, None, None], batch_size=2) == [0, 1, 2]
    assert arrival_order([2, 5, 6], [3.0, 2.0, 1.0], batch_size=4) == [0, 2, 1]  # inputs 5 and 6 share a batch


class _Recorder:
    """Stories by the title; the title "bridge" joins s2 and merges s1 into it."""

    params = StoryParams()

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str | None]] = []

    def learn_one(self, item: StoryItem) -> Assignment:
        self.calls.append(("learn_one", item.article_id, None))
        if item.title == "bridge":
            return Assignment(item.article_id, "s2", 0.9, False, merged=(("s1", "s2"),))
        return Assignment(item.article_id, item.title, 0.8, True)

    def add_to(self, item: StoryItem, story_id: str) -> Assignment:
        self.calls.append(("add_to", item.article_id, story_id))
        return Assignment(item.article_id, story_id, 0.7, False)

    def active_story_ids(self) -> list[str]:
        return []

    def emptied(self) -> "_Recorder":
        return _Recorder()


def _item(article_id: str, title: str) -> StoryItem:
    return StoryItem(article_id, np.ones(4, dtype=np.float32), "en", None, title, "", None)


def test_a_near_duplicate_joins_its_originals_story_without_meeting_the_model():
    clusterer = _Recorder()
    items = [_item("copy", "ignored"), _item("orig", "s1"), _item("bridge", "bridge"), _item("old-copy", "x")]
    assigned = assign_in_order(clusterer, items, ["orig", None, None, "stored"], order=[1, 0, 2, 3],
                               stored_story={"stored": "s9"}.get)
    assert clusterer.calls == [("learn_one", "orig", None), ("add_to", "copy", "s1"),
                               ("learn_one", "bridge", None), ("add_to", "old-copy", "s9")]
    assert [a.article_id for a in assigned.assignments] == ["copy", "orig", "bridge", "old-copy"]  # batch order
    assert [a.duplicate_of for a in assigned.assignments] == ["orig", None, None, "stored"]
    assert assigned.merges == (("s1", "s2"),)  # returned with the assignments, nobody drains them


def test_a_near_duplicate_whose_original_has_no_story_meets_the_model():
    clusterer = _Recorder()
    assigned = assign_in_order(clusterer, [_item("copy", "s4")], ["gone"], order=[0])
    assert clusterer.calls == [("learn_one", "copy", None)]
    assert assigned.assignments[0].story_id == "s4" and assigned.assignments[0].duplicate_of == "gone"


def test_a_date_over_a_day_after_ingest_is_no_time_evidence():
    wrong = Article(id="a", title="t", text="x", published=T0 + timedelta(days=2), ingested=T0)
    right = Article(id="b", title="t", text="x", published=T0 + timedelta(hours=20), ingested=T0)
    assert usable_time(wrong) is None and usable_time(right) == right.published
    assert story_item(wrong, np.ones(4)).time is None
