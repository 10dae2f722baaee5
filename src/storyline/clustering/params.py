"""The clusterer's parameters and the evidence it weighs: one frozen value, written by the calibration."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from importlib import resources

from storyline.embed.registry import default_entry, params_of

FEATURES = (
    "cos_centroid",  # article vs story centroid
    "cos_member",  # article vs its best-matching kept member (single-link evidence)
    "words",  # same-language word overlap
    "same_lang",  # the story already has a member in the article's language
    "names",  # shared names and numbers, any language
    "log_gap",  # log(1 + days between the article and the story's event time)
    "time_unknown",  # no time on the article or the story
    "headline_only",  # the article has no body
    "log_size",  # log(1 + members)
    "unknown_lang",  # share of story members the encoder cannot compare with the article (either side uncovered)
    "cohesion",  # mean member cosine to the centroid: loose (umbrella) stories accept lower cosines
    "headline_gap",  # log_gap for headline-only articles: without a body, time tells look-alike events apart
    "cos_core",  # article vs the centroid of the story's core (its first members): what the event was
    "missing_core",  # -log(1.02 - share of the core's names the article lacks): another place, other people
    "age_conflict",  # both give ages and none agree: other victims, another event
    "missing_core_headline",  # missing_core for headline-only articles, which name little
    "own_names",  # log(1 + names the article shares that are the story's own: most articles naming them are its)
    "identity_conflict",  # article and core each name rare people or places, none in common (bodies only)
    "followup_gap",  # log(1 + days past the window) for a follow-up: months later needs more than one shared name
    "followup_cos",  # cos_core for a follow-up beyond the window: the same event told again, not the same people
    "names_mass",  # names at the scale of their IDF: a headline naming only a common place shares little
    "headline_bodies",  # headline-only article x share of the story's members with a body: its cosines run lower
    "headline_lead",  # headline-only article x how much nearer (centroid cosine) the nearest story is than the next
)


def params_file(encoder: str | None) -> str:
    """The calibrated parameter file for an encoder: each has its own, as its cosines have their own scale.

    The registry says which (``storyline.embed.registry``); an unknown or no encoder gets the default's.
    """
    return params_of(encoder)


@dataclass(frozen=True)
class StoryParams:
    """Everything the clusterer's decisions depend on; written by scripts/calibrate_stories.py."""

    weights: tuple[float, ...] = (6.0, 4.0, 3.0, 0.0, 3.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                                  0.0, -2.0, -1.0, 0.0, 0.0, -2.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    bias: float = -8.0
    threshold: float = 0.5
    merge_threshold: float = 1.01  # above 1: never merge
    window_days: float = 3.0  # an article meets a story whose event time is this close to its own
    core_size: int = 4  # the first members: their centroid, names and median time are the story's event
    followup_days: float = 0.0  # beyond the window, up to this far, only on the story's own names (0: never)
    followup_names: int = 3  # own names of the story a follow-up must carry
    # a member this many days from the story's first must name ``linked_names`` of the rare names (people,
    # places) of the story's first days: stories run past a month only on the event's own names (issue #15)
    linked_after_days: float = 30.0
    linked_names: int = 2
    min_cosine: float = 0.0  # a story whose centroid is farther than this from the article is never scored
    shortlist: int = 5  # nearest stories the model scores: 10 gave the same figures (within 0.003) at ~1.4x the cost
    max_members: int = 8
    unknown_gap_days: float = 0.5
    # the join model where the article or the story has no time (clustering/undated.py); empty: the dated one
    undated_weights: tuple[float, ...] = ()
    undated_bias: float = 0.0
    undated_threshold: float = 0.5  # its join threshold (the clusterer folds it into the undated bias)
    max_active: int = 5_000
    prefilter_above: int = 2_000  # beyond this many active stories, shortlist via a 64-d sketch first
    keep_past_window: int = 2_000  # stories past the window stay in memory (for late articles) up to this many held
    encoder_languages: frozenset[str] = field(default=default_entry().languages or frozenset())

    def __post_init__(self) -> None:
        if len(self.weights) != len(FEATURES):
            raise ValueError(f"need {len(FEATURES)} weights ({', '.join(FEATURES)}), got {len(self.weights)}")
        if self.undated_weights and len(self.undated_weights) != len(FEATURES):
            raise ValueError(f"need {len(FEATURES)} undated weights or none, got {len(self.undated_weights)}")

    @property
    def reach_days(self) -> float:
        """How far from its event time a story can still take an article (a follow-up, or the window)."""
        return max(self.window_days, self.followup_days)

    @classmethod
    def load(cls, path: str | None = None, encoder: str | None = None) -> StoryParams:
        """Parameters from a JSON file, or the package's file calibrated for ``encoder`` (an encoder name;
        default USE's), falling back to defaults."""
        if path is not None:
            with open(path, encoding="utf-8") as fh:
                raw = json.load(fh)
        else:
            resource = resources.files("storyline") / "params" / params_file(encoder)
            if not resource.is_file():
                return cls()
            raw = json.loads(resource.read_text(encoding="utf-8"))
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known}
        for name in ("weights", "undated_weights"):
            if name in values:
                values[name] = tuple(float(w) for w in values[name])
        if "encoder_languages" in values:
            values["encoder_languages"] = frozenset(values["encoder_languages"])
        return cls(**values)

    def to_json(self) -> dict:
        """A JSON-ready dict (numbers and language codes only)."""
        out = asdict(self)
        out["weights"] = list(self.weights)
        out["undated_weights"] = list(self.undated_weights)
        out["encoder_languages"] = sorted(self.encoder_languages)
        return out
