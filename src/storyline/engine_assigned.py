"""A batch after assignment (storyline.engine): what the background writer stores, and what the next batch
reads of it while the write is in flight."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from storyline.assign import Assigned
from storyline.engine_batches import Held
from storyline.prepare import Prepared
from storyline.storylines import StorylineUpdate
from storyline.types import Rejection


@dataclass(frozen=True)
class AssignedBatch:
    """A batch through every stage but the store: what ``write_batch`` stores and the report counts."""

    prepared: tuple[Prepared, ...]
    vectors: np.ndarray
    assigned: Assigned
    rejections: tuple[Rejection, ...]
    ids_before: int  # the story counter before this batch's new stories, checked free when it is written
    ids_after: int
    storylines: StorylineUpdate = field(default_factory=StorylineUpdate)  # the stories it touched, placed in storylines


@dataclass
class InFlight:
    """A batch the background writer is storing, and what the next batch must read of it meanwhile:
    its articles (``Held``), and each article's story once the batch's merges are applied (as in the store)."""

    batch: AssignedBatch
    held: Held = field(init=False)
    story_of: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.held = Held(self.batch.prepared)
        self.story_of = {a.article_id: a.story_id for a in self.batch.assigned.assignments}
        for absorbed, into in self.batch.assigned.merges:
            for article_id, story_id in self.story_of.items():
                if story_id == absorbed:
                    self.story_of[article_id] = into
