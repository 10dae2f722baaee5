"""The evidence matrix: the compiled key rows (_evidence.c) give what the Python rows (evidence_py) give, bit for
bit, and refresh the core-name cache on the same schedule; the table puts each feature in its column, computes
the Python-only features, and uses compiled rows only of the Python rows' features and version."""

import importlib.util
import math
import os
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clustering import evidence, evidence_py
from storyline.clustering.evidence import EvidenceTable
from storyline.clustering.evidence_py import ROW_FEATURES, ArticleRow, CoreIdf, row_settings
from storyline.clustering.keys import DocFreq, KeyProfile
from storyline.clustering.params import FEATURES
from storyline.clustering.story import StoryState

BUILT = importlib.util.find_spec("storyline.clustering._evidence") is not None
needs_native = pytest.mark.skipif(not BUILT, reason="the C extension was not built (no compiler at install)")

# a small alphabet, so that articles and stories share keys; str keys as the clusterer's
words_st = st.sampled_from([f"en:w{i}" for i in range(10)] + [f"de:w{i}" for i in range(4)])
names_st = st.sampled_from([f"n:p{i}" for i in range(10)] + ["n:polic", "n:satur", "#27", "#3"])
weights = st.one_of(st.floats(-3.0, 12.0), st.sampled_from([0.0, -0.0, 1e-300, 7.25]))
langs_st = st.sampled_from(["en", "de", "sl", "xx"])
stamp_st = st.one_of(st.none(), st.floats(0.0, 90 * 86400.0), st.sampled_from([0.0, 3 * 86400.0, 259200.5]))


@st.composite
def story_specs(draw):
    """What a candidate story holds, as plain values (built into two identical StoryStates)."""
    members = draw(st.integers(1, 6))
    return {
        "size": draw(st.integers(1, 40)),
        "langs": draw(st.dictionaries(langs_st, st.integers(1, 9), min_size=1, max_size=3)),
        "event": draw(stamp_st),
        "words": draw(st.dictionaries(words_st, st.integers(1, members), max_size=12)),
        "names": draw(st.dictionaries(names_st, st.integers(1, members), max_size=10)),
        "members": members,
        "cohesion": draw(st.floats(0.0, 1.0)),
        "core_keys": tuple(sorted(draw(st.sets(names_st, max_size=4)))),
        "ages": draw(st.dictionaries(st.integers(1, 90), st.integers(1, 3), max_size=3)),
        "identity": draw(st.frozensets(names_st, max_size=4)),
        "cached": draw(st.one_of(st.none(), st.integers(0, 400))),  # docs when its core IDF was cached
        "vectors": draw(st.integers(1, 4)),
    }


@st.composite
def article_specs(draw):
    headline = draw(st.booleans())
    rare = draw(st.frozensets(names_st, max_size=5))
    return {
        "lang": draw(langs_st),
        "words": draw(st.dictionaries(words_st, weights, max_size=12)),
        "names": draw(st.dictionaries(names_st, weights, max_size=8)),
        "ages": draw(st.frozensets(st.integers(1, 90), max_size=3)),
        "rare": rare,
        "stamp": draw(stamp_st),
        "headline": 1.0 if headline else 0.0,
        "may_conflict": not headline and len(rare) >= 2,
        "seen": draw(st.dictionaries(names_st, st.integers(0, 30), max_size=10)),
    }


def _world(specs, article, docs, window):
    """Stories, article row, settings and core cache built afresh from the specs (each side gets its own)."""
    df = DocFreq(common=frozenset({"n:polic"}))
    for i in range(docs):
        df.add({f"n:p{i % 7}", f"en:w{i % 5}"})
    core = CoreIdf(df)
    rng = np.random.default_rng(len(specs))
    stories = []
    for row, spec in enumerate(specs):
        story = StoryState(f"s{row}", 4)
        story.row, story.size, story.langs, story.event = row, spec["size"], dict(spec["langs"]), spec["event"]
        for name in ("words", "names"):
            profile = KeyProfile()
            profile.counts, profile.members = Counter(spec[name]), spec["members"]
            setattr(story, name, profile)
        story.cohesion, story.core_keys = spec["cohesion"], spec["core_keys"]
        story.ages, story.identity = Counter(spec["ages"]), spec["identity"]
        story.members = rng.standard_normal((spec["vectors"], 4)).astype(np.float32)
        if spec["cached"] is not None and spec["core_keys"]:
            weights = df.weights(spec["core_keys"])
            core.cache[story.id] = (spec["cached"], weights, math.fsum(weights.values()))
        stories.append(story)
    words, names = article["words"], article["names"]
    row = ArticleRow(article["lang"], dict(words), dict(names), article["ages"], article["rare"],
                     math.fsum(words.values()), math.fsum(names.values()), Counter(article["seen"]), article["stamp"],
                     article["headline"], article["may_conflict"])
    cores = rng.standard_normal((len(specs), 4)).astype(np.float32)
    vector = rng.standard_normal(4).astype(np.float32)
    return stories, row, row_settings(window, 0.5, {"en", "de"}), core, cores, vector


def _matrix(native, specs, article, docs, window, features=FEATURES):
    stories, row, setting, core, cores, vector = _world(specs, article, docs, window)
    cosines = [0.1 * i for i in range(len(stories))]
    try:
        x = EvidenceTable(features, native=native).matrix(stories, cosines, row, vector, cores, setting, core)
    except (ValueError, OverflowError, ZeroDivisionError) as exc:
        return type(exc), None
    return x, {key: (docs_then, weights) for key, (docs_then, weights, _) in core.cache.items()}


@needs_native
@settings(max_examples=300, deadline=None)
@given(specs=st.lists(story_specs(), min_size=1, max_size=6), article=article_specs(), docs=st.integers(0, 600),
       window=st.sampled_from([3.0, 3, 1.5]))
def test_compiled_rows_match_the_python_rows(specs, article, docs, window):
    compiled, cache_c = _matrix(True, specs, article, docs, window)
    python, cache_py = _matrix(False, specs, article, docs, window)
    if isinstance(python, type):
        assert compiled is python
        return
    assert compiled.tobytes() == python.tobytes()  # to the bit, -0.0 and nan included
    assert cache_c == cache_py  # refreshed on the same schedule


@needs_native
@settings(max_examples=50, deadline=None)
@given(specs=st.lists(story_specs(), min_size=1, max_size=4), article=article_specs())
def test_features_in_another_order_land_in_their_columns(specs, article):
    shuffled = tuple(reversed(FEATURES))
    for native in (True, False):
        x, _ = _matrix(native, specs, article, 200, 3.0)
        y, _ = _matrix(native, specs, article, 200, 3.0, shuffled)
        assert y[:, ::-1].tobytes() == x.tobytes()


def test_a_feature_of_python_only_is_computed_both_ways(monkeypatch):
    monkeypatch.setitem(evidence.PYTHON_FEATURES, "story_size", lambda article, story: float(story.size))
    features = (*FEATURES, "story_size")
    specs = [{"size": 3, "langs": {"en": 3}, "event": 0.0, "words": {"en:w1": 2}, "names": {"n:p1": 1}, "members": 2,
              "cohesion": 0.5, "core_keys": ("n:p1",), "ages": {}, "identity": frozenset(), "cached": None,
              "vectors": 2}]
    article = {"lang": "en", "words": {"en:w1": 1.0}, "names": {"n:p1": 2.0}, "ages": frozenset(), "rare": frozenset(),
               "stamp": 86400.0, "headline": 1.0, "may_conflict": False, "seen": {}}
    for native in (True, False) if BUILT else (False,):
        x, _ = _matrix(native, specs, article, 10, 3.0, features)
        assert x[0, -1] == 3.0
        assert x[0, features.index("log_gap")] == math.log1p(1.0)


def test_a_feature_nothing_computes_is_refused():
    with pytest.raises(ValueError, match="no_such_feature"):
        EvidenceTable((*FEATURES, "no_such_feature"))


def test_compiled_rows_of_other_features_or_version_are_not_used(monkeypatch):
    if not BUILT:
        pytest.skip("the C extension was not built")
    assert evidence._compiled_rows() is not None
    monkeypatch.setattr(evidence_py, "ROW_VERSION", evidence_py.ROW_VERSION + 1)
    assert evidence._compiled_rows() is None
    monkeypatch.undo()
    monkeypatch.setattr(evidence, "ROW_FEATURES", (*ROW_FEATURES, "new_feature"))
    assert evidence._compiled_rows() is None


def test_pure_python_is_used_when_forced():
    code = "from storyline.clustering import evidence; print(evidence.NATIVE)"
    env = {**os.environ, "STORYLINE_PURE_PYTHON": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@needs_native
def test_compiled_rows_refuse_what_they_cannot_read():
    from storyline.clustering import _evidence

    stories, row, setting, core, _, _ = _world([], {"lang": "en", "words": {}, "names": {}, "ages": frozenset(),
                                                     "rare": frozenset(), "stamp": None, "headline": 0.0,
                                                     "may_conflict": False, "seen": {}}, 0, 3.0)
    columns = tuple(range(len(ROW_FEATURES)))
    with pytest.raises(ValueError):  # float32, not float64
        _evidence.rows(np.zeros((0, 21), dtype=np.float32), columns, stories, row, setting, core.cache, 0, core.refresh)
    with pytest.raises(ValueError):  # a column past the matrix
        _evidence.rows(np.zeros((0, 3)), columns, stories, row, setting, core.cache, 0, core.refresh)
    with pytest.raises(TypeError):
        _evidence.rows(np.zeros((0, 21)), columns[:-1], stories, row, setting, core.cache, 0, core.refresh)


@needs_native
@pytest.mark.parametrize("changed", ["age_conflict", "identity_conflict", "count_own_names", "missing_share",
                                     "key_overlap"])
def test_the_probe_catches_a_definition_changed_in_python_alone(monkeypatch, changed):
    from storyline.clustering import _evidence, evidence_probe

    assert evidence_probe.agrees(_evidence)
    original = getattr(evidence_py, changed)
    monkeypatch.setattr(evidence_py, changed, lambda *args: original(*args) + 0.25)
    assert not evidence_probe.agrees(_evidence)
    with pytest.warns(RuntimeWarning, match="disagree"):
        assert evidence._compiled_rows() is None
