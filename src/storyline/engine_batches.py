"""A batch between the engine's stages before assignment (storyline.engine), and the clock that times the stages.

What comes after assignment (the assigned batch, the batch the writer stores) stays in the engine:
this module is part of the preparation (scripts/prepared_code.py) and never imports the assignment stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field

import numpy as np

from storyline.compute import PendingBatch
from storyline.dedup import LEAD_CHARS
from storyline.embed.ahead import PendingVectors
from storyline.prepare import Prepared
from storyline.types import Rejection


@dataclass
class Front:
    """A batch through the stages before assignment; its vectors may still be encoding (ahead). What the
    next batch reads of it meanwhile: its content hashes (id checks) and leads (headline and body's opening,
    for near-copies)."""

    pending: PendingBatch
    prepared: tuple[Prepared, ...]
    order: list[int]
    rejections: tuple[Rejection, ...]
    vectors: np.ndarray | PendingVectors
    hashes: dict[str, str] = field(init=False)
    leads: dict[str, tuple[str, str]] = field(init=False)

    def __post_init__(self) -> None:
        self.hashes = {p.article.id: p.article.content_hash for p in self.prepared}
        self.leads = {p.article.id: (p.article.title, p.article.text[:LEAD_CHARS]) for p in self.prepared}


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
