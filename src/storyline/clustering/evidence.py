"""The evidence matrix of one article against its candidate stories: one row per candidate, one column per
feature of ``params.FEATURES``.

Three kinds of column, each computed where it is cheapest:

- the **key rows** (``evidence_py.ROW_FEATURES``: overlaps, time, language, core names, conflicts), made in one
  compiled call per article (``_evidence.c``) where it was built, else by the Python reference
  (``evidence_py.rows``); the same floats either way. The compiled rows are used only when they state the same
  features and ``ROW_VERSION`` as the Python ones and give their floats on a fixed probe (``evidence_probe``),
  so a feature changed in Python alone falls back to Python (with a warning); the hypothesis tests
  (tests/test_clustering_evidence.py) fail when a definition differs under the same name;
- the **vector columns** (``VECTOR_FEATURES``): cosines as numpy products over all candidates at once,
  ``names_mass`` from the ``names`` column, ``headline_bodies`` (a headline-only article only) from the
  stories' counts of members without a body, and ``headline_lead`` (the same) from the centroid cosines;
- **Python features** (``PYTHON_FEATURES``, empty today): a feature neither of the above knows, one Python
  function of (article, story) per candidate. A new feature starts here; moving it into the rows means adding
  it to ``ROW_FEATURES``, to ``rows`` in evidence_py.py and in _evidence.c, and bumping ``ROW_VERSION`` in both.

Why compiled: building ~17 features per candidate in Python, then ``np.array`` of the rows, was about a third
of a headline's assignment (benchmarks/RESULTS.md, "Evidence rows compiled").
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from itertools import accumulate
from types import ModuleType

import numpy as np

from storyline.clustering import evidence_probe, evidence_py
from storyline.clustering.evidence_py import ROW_FEATURES, ArticleRow, CoreIdf, RowSettings
from storyline.clustering.overlap import bodies_share, names_mass, nearest_lead
from storyline.clustering.params import FEATURES
from storyline.clustering.story import StoryState
from storyline.compiled import compiled

VECTOR_FEATURES = ("cos_centroid", "cos_member", "cos_core", "names_mass", "headline_bodies", "headline_lead")
_FOLLOWUP = ROW_FEATURES.index("followup_cos")
# feature name -> its value for (article, story): features computed in Python whether or not the rows are compiled
PYTHON_FEATURES: dict[str, Callable[[ArticleRow, StoryState], float]] = {}


def _compiled_rows() -> ModuleType | None:
    """The compiled rows, if built, not forced off, of the Python rows' features and version, and giving their
    floats on the probe (evidence_probe: a stale build warns and is not used)."""
    module = compiled("storyline.clustering._evidence")
    if module is None:
        return None
    if tuple(module.ROW_FEATURES) != ROW_FEATURES or module.ROW_VERSION != evidence_py.ROW_VERSION:
        return None
    if not evidence_probe.agrees(module):
        warnings.warn("the compiled evidence rows disagree with the Python rows (a feature changed in Python "
                      "alone?): using the Python rows; rebuild _evidence.c to match", RuntimeWarning, stacklevel=2)
        return None
    return module


ROWS: ModuleType | None = _compiled_rows()
NATIVE: bool = ROWS is not None


class EvidenceTable:
    """Where each feature of ``features`` comes from, worked out once (a clusterer holds one)."""

    def __init__(self, features: Sequence[str] = FEATURES, native: bool = NATIVE) -> None:
        index = {name: i for i, name in enumerate(features)}
        uncovered = [name for name in features
                     if name not in ROW_FEATURES and name not in VECTOR_FEATURES and name not in PYTHON_FEATURES]
        if uncovered:
            raise ValueError(f"no computation for the features {', '.join(uncovered)} (evidence.py)")
        for name in ("cos_centroid", "cos_member", "cos_core", "names", "names_mass", "followup_cos"):
            if name not in index:
                raise ValueError(f"the evidence needs the feature {name!r}")
        self.width = len(features)
        self.native = native and ROWS is not None
        # each row feature's column (-1: a feature the model no longer has, computed and not kept)
        self.columns = tuple(index.get(name, -1) for name in ROW_FEATURES)
        kept = [i for i, column in enumerate(self.columns) if column >= 0]
        self._kept = None if kept == list(range(len(ROW_FEATURES))) else kept
        self._kept_columns = [self.columns[i] for i in kept]
        self._python = [(index[name], compute) for name, compute in PYTHON_FEATURES.items() if name in index]
        self._cos_centroid, self._cos_member, self._cos_core = (
            index["cos_centroid"], index["cos_member"], index["cos_core"])
        self._names, self._names_mass, self._followup = index["names"], index["names_mass"], index["followup_cos"]
        self._bodies = index.get("headline_bodies", -1)  # optional: a model without it never reads it
        self._lead = index.get("headline_lead", -1)  # the same

    def matrix(self, stories: Sequence[StoryState], cosines: Sequence[float], article: ArticleRow,
               vector: np.ndarray, cores: np.ndarray, settings: RowSettings, core: CoreIdf) -> np.ndarray:
        """The evidence of ``article`` (its ``vector``) against ``stories`` (their centroid ``cosines``, their
        core centroids in ``cores`` at each story's row)."""
        x = np.zeros((len(stories), self.width))
        if self.native:
            assert ROWS is not None
            followups, members, starts, rows = ROWS.rows(x, self.columns, stories, article, settings, core.cache,
                                                         core.df.docs, core.refresh)
        else:
            found = evidence_py.rows(stories, article, settings, core)
            if self._kept is None:
                x[:, self._kept_columns] = found
            else:
                x[:, self._kept_columns] = np.array(found)[:, self._kept]
            followups = sum(1 for row in found if row[_FOLLOWUP])
            members = [story.members for story in stories]
            starts = list(accumulate([kept.shape[0] for kept in members[:-1]], initial=0))
            rows = [story.row for story in stories]
        for column, compute in self._python:
            x[:, column] = [compute(article, story) for story in stories]
        x[:, self._cos_centroid] = cosines
        # the best-matching kept member of each story: one product over all their members
        x[:, self._cos_member] = np.maximum.reduceat(np.concatenate(members) @ vector, starts)
        core_cosines = cores[rows] @ vector
        x[:, self._cos_core] = core_cosines
        if followups:  # the follow-ups' flag times the core cosine (the others stay 0.0)
            x[:, self._followup] *= core_cosines
        df = core.df
        x[:, self._names_mass] = names_mass(x[:, self._names], article.names_total, df.docs, df.prior_docs)
        if article.headline and self._bodies >= 0:  # 0.0 for an article with a body
            x[:, self._bodies] = bodies_share([(story.headlines, story.size) for story in stories])
        if article.headline and self._lead >= 0:  # 0.0 for an article with a body
            x[:, self._lead] = nearest_lead(list(cosines))  # Python floats (sketch_batch.nearest_first)
        return x
