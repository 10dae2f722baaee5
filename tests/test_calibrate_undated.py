"""The undated calibration: it fits only the undated join model, and its replay without dates scores a set as
`eval stories` does on the same file with its dates removed."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from builders import script_module
from storyline.cli import main
from storyline.clustering import FEATURES, StoryParams

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo-corpus.jsonl"


def _undated_calibration(cache: Path):
    module = script_module("calibrate_undated")
    sys.modules["prepared_cache"].CACHE = cache  # the prepared databases, here a temporary folder
    return module


def test_the_undated_fit_leaves_the_dated_model_and_replays_as_eval_stories(tmp_path):
    und = _undated_calibration(tmp_path)
    cal = sys.modules["calibrate_stories"]
    data = cal.Dataset(DEMO, use_time=False)
    assert all(item.time is None for item in data.items)
    shipped = StoryParams.load()
    base = replace(shipped, undated_weights=(), undated_bias=0.0, undated_threshold=0.5)
    fitted = und.fit_undated(base, [data], {data.name: cal.reference(data)}, log=lambda *_: None)
    assert fitted.weights == base.weights and fitted.bias == base.bias and fitted.threshold == base.threshold
    assert len(fitted.undated_weights) == len(FEATURES) and fitted.undated_threshold in und.THRESHOLDS

    undated = tmp_path / "demo-undated.jsonl"
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    undated.write_text("".join(json.dumps({k: v for k, v in r.items() if k != "published"}, ensure_ascii=False)
                               + "\n" for r in rows), encoding="utf-8")
    cli = json.loads(CliRunner().invoke(main, ["eval", "stories", str(undated), "--json"]).output)
    scored = cal.score(shipped, data)
    assert round(scored["F1"], 4) == cli["bcubed_f1"] and scored["stories"] == cli["n_pred"]
