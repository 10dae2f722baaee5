"""The pair model and its JSON file: one typed, versioned schema for the trainer that writes it
(``scripts/train_pairs.py``) and the scorer that reads it (:mod:`storyline.similarity`).

The model is gradient-boosted trees blended with a ridge line over the pair features, predictions
clipped to 1..4: ``(1 - blend) * (init + rate * sum(tree(x))) + blend * (intercept + coef . (x - mean) / scale)``.
A file without ``version`` is version 1 (the shipped files predate the field); a version this code does
not know is an error that says so, never a silent misreading.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from storyline.errors import ConfigError

FORMAT_VERSION = 1  # what the trainer writes
READABLE_VERSIONS = (1,)


@dataclass(frozen=True)
class Tree:
    """One regression tree as parallel arrays: node i splits on ``feature[i] <= threshold[i]`` (left) or
    not (right); a node whose ``left`` is -1 is a leaf worth ``value[i]``."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    feature: tuple[int, ...]
    threshold: tuple[float, ...]
    value: tuple[float, ...]

    def leaf(self, x: Sequence[float]) -> float:
        """The value of the leaf ``x`` falls in."""
        left, right, feature, threshold = self.left, self.right, self.feature, self.threshold
        node = 0
        while left[node] != -1:
            node = left[node] if x[feature[node]] <= threshold[node] else right[node]
        return self.value[node]


@dataclass(frozen=True)
class Ridge:
    """The linear part: standardised features (``mean``, ``scale``) times ``coef``, plus ``intercept``."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float


@dataclass(frozen=True)
class Cascade:
    """When the wide (e5) model is asked: only for pairs whose USE-model score lies in ``band``."""

    share: float  # the share of training pairs the band holds
    band: tuple[float, float]
    head_chars: int  # characters of each article's head the e5 cosine reads
    cv: Mapping[str, Any] = field(default_factory=dict)  # the cascade's cross-validated figures


@dataclass(frozen=True)
class PairModel:
    """A fitted pair model, as read from or written to its JSON file."""

    features: tuple[str, ...]
    init: float
    learning_rate: float
    trees: tuple[Tree, ...]
    blend: float
    ridge: Ridge
    cv: Mapping[str, Any] = field(default_factory=dict)  # cross-validated figures, for the record
    trained_on: tuple[str, ...] = ()  # pair keys (similarity.pair_key) of the training pairs
    cascade: Cascade | None = None  # wide models only
    version: int = FORMAT_VERSION

    @property
    def band(self) -> tuple[float, float] | None:
        """Where the USE model is unsure (its prediction scale): the pairs the wide model is asked about."""
        return self.cascade.band if self.cascade is not None else None

    def predict(self, feats: Mapping[str, float]) -> float:
        """The ``overall`` score (1 same story … 4 unrelated) of a pair's features."""
        x = [feats[name] for name in self.features]
        boosted = self.init
        for tree in self.trees:
            boosted += self.learning_rate * tree.leaf(x)
        ridge = self.ridge
        linear = ridge.intercept + sum(
            c * (v - m) / s for c, v, m, s in zip(ridge.coef, x, ridge.mean, ridge.scale, strict=True))
        return min(4.0, max(1.0, (1 - self.blend) * boosted + self.blend * linear))

    def to_json(self) -> dict[str, Any]:
        """The file's content (the trainer writes it compactly)."""
        out: dict[str, Any] = {
            "version": self.version, "features": list(self.features), "init": self.init,
            "learning_rate": self.learning_rate,
            "trees": [{"left": list(t.left), "right": list(t.right), "feature": list(t.feature),
                       "threshold": list(t.threshold), "value": list(t.value)} for t in self.trees],
            "blend": self.blend,
            "ridge": {"mean": list(self.ridge.mean), "scale": list(self.ridge.scale), "coef": list(self.ridge.coef),
                      "intercept": self.ridge.intercept},
            "cv": dict(self.cv), "trained_on": list(self.trained_on),
        }
        if self.cascade is not None:
            c = self.cascade
            out["cascade"] = {"share": c.share, "band": list(c.band), "head_chars": c.head_chars, "cv": dict(c.cv)}
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any], origin: str) -> PairModel:
        """The model in a parsed file; ``origin`` names the file in errors."""
        version = data.get("version", 1)
        if version not in READABLE_VERSIONS:
            raise ConfigError(f"{origin}: pair model format version {version!r}; this storyline reads version "
                              f"{', '.join(map(str, READABLE_VERSIONS))}",
                              hint="retrain it with scripts/train_pairs.py, or use the storyline that wrote it")
        try:
            ridge, cascade = data["ridge"], data.get("cascade")
            return cls(
                features=tuple(data["features"]), init=float(data["init"]),
                learning_rate=float(data["learning_rate"]),
                trees=tuple(Tree(tuple(t["left"]), tuple(t["right"]), tuple(t["feature"]),
                                 tuple(map(float, t["threshold"])), tuple(map(float, t["value"])))
                            for t in data["trees"]),
                blend=float(data["blend"]),
                ridge=Ridge(tuple(map(float, ridge["mean"])), tuple(map(float, ridge["scale"])),
                            tuple(map(float, ridge["coef"])), float(ridge["intercept"])),
                cv=dict(data.get("cv", {})), trained_on=tuple(data.get("trained_on", ())),
                cascade=None if cascade is None else Cascade(
                    float(cascade["share"]), (float(cascade["band"][0]), float(cascade["band"][1])),
                    int(cascade["head_chars"]), dict(cascade.get("cv", {}))),
                version=int(version),
            )
        except (KeyError, TypeError, ValueError, IndexError) as error:
            raise ConfigError(f"{origin}: not a pair model file ({type(error).__name__}: {error})",
                              hint="write it with scripts/train_pairs.py") from error

    @classmethod
    def parse(cls, text: str, origin: str) -> PairModel:
        """The model in a file's text."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ConfigError(f"{origin}: not JSON (line {error.lineno}: {error.msg})",
                              hint="write it with scripts/train_pairs.py") from error
        if not isinstance(data, Mapping):
            raise ConfigError(f"{origin}: not a pair model file (a JSON object is expected)",
                              hint="write it with scripts/train_pairs.py")
        return cls.from_json(data, origin)
