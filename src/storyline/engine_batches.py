"""A batch between the engine's stages before assignment (storyline.engine), and the clock that times the stages.

What comes after assignment (the assigned batch, the batch the writer stores) stays in the engine:
this module is part of the preparation (scripts/prepared_code.py) and never imports the assignment stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from storyline.compute import PendingBatch
from storyline.embed.ahead import PendingVectors
from storyline.prepare import Prepared, lead
from storyline.types import Rejection


class Held:
    """The articles of a batch not yet stored (waiting for its vectors, or in the writer's hands): what the
    next batch's id checks (content hashes) and near-copy checks (leads) read of it meanwhile."""

    def __init__(self, prepared: Sequence[Prepared]) -> None:
        self._articles = {p.article.id: p.article for p in prepared}

    def hash_of(self, article_id: str) -> str | None:
        article = self._articles.get(article_id)
        return None if article is None else article.content_hash

    def lead_of(self, article_id: str) -> tuple[str, str] | None:
        article = self._articles.get(article_id)
        return None if article is None else lead(article)


@dataclass
class Front:
    """A batch through the stages before assignment; its vectors may still be encoding (ahead)."""

    pending: PendingBatch
    prepared: tuple[Prepared, ...]
    order: list[int]
    rejections: tuple[Rejection, ...]
    vectors: np.ndarray | PendingVectors
    held: Held = field(init=False)

    def __post_init__(self) -> None:
        self.held = Held(self.prepared)


class StageClock:
    """Adds the time since the previous lap to a named stage, so one run times every stage:
    wall time, and this process's CPU time (which other jobs on the machine do not inflate).
    ``background``: CPU seconds of a thread working alongside (the writer), left out of every
    stage here because its owner charges them to the stage they belong to."""

    def __init__(self, totals: MutableMapping[str, float], cpu_totals: MutableMapping[str, float],
                 background: Callable[[], float] | None = None) -> None:
        self._totals = totals
        self._cpu_totals = cpu_totals
        self._background = background or (lambda: 0.0)
        self._last = time.perf_counter()
        self._last_cpu = time.process_time() - self._background()

    def lap(self, stage: str) -> None:
        now, now_cpu = time.perf_counter(), time.process_time() - self._background()
        self._totals[stage] += now - self._last
        self._cpu_totals[stage] += now_cpu - self._last_cpu
        self._last, self._last_cpu = now, now_cpu
