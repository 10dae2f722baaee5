"""The pair model's file: a typed, versioned schema; the shipped files load unchanged; unknown versions are refused."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from storyline.errors import ConfigError
from storyline.pair_model import FORMAT_VERSION, PairModel
from storyline.similarity import FEATURES, load_model


def _shipped(name: str) -> dict:
    return json.loads(resources.files("storyline.params").joinpath(name).read_text(encoding="utf-8"))


def _old_predict(data: dict, feats: dict[str, float]) -> float:
    """The scorer as it read the untyped JSON before the schema: the figures must not move."""
    x = [feats[name] for name in data["features"]]
    boosted = data["init"]
    for tree in data["trees"]:
        node = 0
        while tree["left"][node] != -1:
            node = tree["left"][node] if x[tree["feature"][node]] <= tree["threshold"][node] else tree["right"][node]
        boosted += data["learning_rate"] * tree["value"][node]
    ridge = data["ridge"]
    linear = ridge["intercept"] + sum(c * (v - m) / s for c, v, m, s in
                                      zip(ridge["coef"], x, ridge["mean"], ridge["scale"], strict=True))
    return min(4.0, max(1.0, (1 - data["blend"]) * boosted + data["blend"] * linear))


@pytest.mark.parametrize("name", ["pairs.json", "pairs-e5.json"])
def test_the_shipped_files_load_unchanged(name):
    data = _shipped(name)
    model = load_model(wide=name == "pairs-e5.json")
    assert data.get("version", 1) == model.version == 1  # a file written before the field is version 1
    assert {k: v for k, v in model.to_json().items() if k in data} == data  # nothing lost or renamed
    for value in (0.0, 0.3, 0.7):
        feats = dict.fromkeys(model.features, value)
        assert model.predict(feats) == _old_predict(data, feats)


def test_the_wide_model_keeps_its_cascade_band():
    model = load_model(wide=True)
    assert model.band == tuple(_shipped("pairs-e5.json")["cascade"]["band"])
    assert model.cascade is not None and model.cascade.head_chars > 0
    assert load_model().band is None


def test_a_written_model_reads_back_equal(tmp_path):
    model = load_model()
    path = tmp_path / "p.json"
    path.write_text(json.dumps(model.to_json()))
    again = load_model(str(path))
    assert again == model and json.loads(path.read_text())["version"] == FORMAT_VERSION


def test_an_unknown_version_is_a_clear_error_naming_the_file(tmp_path):
    path = tmp_path / "future.json"
    path.write_text(json.dumps({**load_model().to_json(), "version": 99}))
    with pytest.raises(ConfigError, match=r"future\.json: pair model format version 99") as error:
        load_model(str(path))
    assert "train_pairs" in (error.value.hint or "")


def test_a_file_that_is_no_pair_model_is_a_clear_error(tmp_path):
    path = tmp_path / "stories.json"
    path.write_text(json.dumps({"features": list(FEATURES)}))
    with pytest.raises(ConfigError, match=r"stories\.json: not a pair model file"):
        load_model(str(path))
    path.write_text("{not json")
    with pytest.raises(ConfigError, match=r"stories\.json: not JSON \(line 1"):
        PairModel.parse(path.read_text(), str(path))
