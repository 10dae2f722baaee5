"""The storyline linker's parameters: one frozen value, read from ``params/storylines.json``."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from importlib import resources


@dataclass(frozen=True)
class StorylineParams:
    """What decides whether a story continues a storyline (see ``evidence.link_score``).

    A story links when it shares at least ``min_shared`` of its own rare names with the storyline, those
    carry at least ``min_share`` of the story's name weight (names it has and the storyline lacks count
    against: other people, another place), and it lies within ``max_gap_days`` of the storyline's span."""

    min_shared: int = 2
    min_share: float = 0.4
    max_gap_days: float = 30.0
    name_share: float = 0.25  # a name is a story's own when at least this share of its members name it
    max_names: int = 40  # past twice this many names, a story keeps only this many (the most named)
    prior_stories: float = 20.0  # name weights start as if this many stories were seen (idf on a young stream)
    max_held: int = 50_000  # stories held in memory; the least recently changed are forgotten first

    @classmethod
    def load(cls) -> StorylineParams:
        """The shipped parameters (written by measuring on labelled threads: benchmarks/STORYLINES.md)."""
        text = (resources.files("storyline") / "params" / "storylines.json").read_text(encoding="utf-8")
        data = json.loads(text)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known - {"_comment"})
        if unknown:
            raise ValueError(f"params/storylines.json: unknown parameters {unknown}; known: {sorted(known)}")
        return cls(**{k: v for k, v in data.items() if k in known})
