"""The feature screen (scripts/screen_feature.py): its decisions are the calibration's, its stack sees information."""

from __future__ import annotations

import doctest
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from builders import event_rows, script_module, write_jsonl
from storyline.clustering import StoryParams

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "demo-corpus.jsonl"


@pytest.fixture
def screen(tmp_path):
    module = script_module("screen_feature")
    sys.modules["prepared_cache"].CACHE = tmp_path  # prepared databases in a temporary folder
    return module


def _sets(rng: np.random.Generator, informative: bool) -> dict:
    """Three sets whose labels follow column 0 and, where ``informative``, column 1 as strongly."""
    out = {}
    for name in "abc":
        x = rng.normal(size=(600, 2))
        y = (x[:, 0] + (2.0 * x[:, 1] if informative else 0.0) + rng.logistic(size=600) > 0).astype(int)
        out[name] = (x, y)
    return out


def test_a_column_that_informs_lowers_every_held_out_loss_and_noise_none_by_much(screen):
    rng = np.random.default_rng(20)
    for base, full in screen.held_out_losses(_sets(rng, informative=True), 1.0).values():
        assert full < base - 0.05
    for base, full in screen.held_out_losses(_sets(rng, informative=False), 1.0).values():
        assert full > base - 0.005


def test_the_scripts_examples_hold(screen):
    result = doctest.testmod(screen)
    assert result.attempted and not result.failed


def test_auc_is_the_share_of_positive_negative_pairs_ranked_right(screen):
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, 60)
    score = rng.integers(0, 5, 60).astype(float)  # many ties
    pos, neg = score[y == 1], score[y == 0]
    slow = np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg])
    assert screen._auc(y, score) == pytest.approx(slow)


def test_core_words_is_the_share_of_the_cores_same_language_words_the_article_carries(screen):
    def item(title: str, lang: str = "en"):
        return SimpleNamespace(title=title, text="", lang=lang, keys=None)

    data = SimpleNamespace(items=[item("harbour strike closes port"), item("chess final ends in a draw"),
                                  item("Hafen streikt", "de"), item("harbour strike closes port again")])
    ctx = screen.SetContext(data, core_size=4)
    for index in range(3):
        ctx.word_df.update(ctx.keys(index).words)
        ctx.seen += 1
    assert screen.core_words(screen.Decision(3, (0,), ctx)) == pytest.approx(1.0)
    assert screen.core_words(screen.Decision(3, (1,), ctx)) == 0.0
    assert screen.core_words(screen.Decision(3, (2,), ctx)) == 0.0  # no core member in the article's language
    ctx._titles = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8], [1.0, 0.0]])
    assert screen.title_core_cos(screen.Decision(3, (0, 1), ctx)) == pytest.approx(np.sqrt(0.5))


def test_the_screens_decisions_are_the_calibrations_and_main_reports_each_set_held_out(screen, tmp_path, capsys,
                                                                                       monkeypatch):
    cal = sys.modules["calibrate_stories"]
    data = cal.Dataset(DEMO)
    params = StoryParams.load()
    logit, y, value, followup = screen.screen_rows(params, data, screen.core_words)
    x, labels = cal.teacher_forced(params, data)
    assert np.array_equal(y, labels.astype(int))
    assert np.allclose(logit, x @ np.array(params.weights) + params.bias)
    assert value.shape == y.shape and ((value >= 0) & (value <= 1)).all() and set(followup) <= {0.0, 1.0}
    lines = DEMO.read_text(encoding="utf-8").splitlines(keepends=True)
    halves = []
    for name, part in (("first", lines[:30]), ("second", lines[30:])):
        halves.append(tmp_path / f"{name}.jsonl")
        halves[-1].write_text("".join(part), encoding="utf-8")
    joins_only = write_jsonl(tmp_path / "joins-only.jsonl", event_rows())  # two decisions, both joins
    monkeypatch.setattr(sys, "argv", ["screen_feature.py", *map(str, halves), str(joins_only),
                                      "--feature", "core_words"])
    screen.main()
    out = capsys.readouterr().out
    assert "core_words: held-out log-loss" in out
    assert "held out first: 0." in out and "held out joins-only: 0." in out
    monkeypatch.setattr(sys, "argv", ["screen_feature.py", str(halves[0]), str(joins_only)])
    screen.main()
    assert "held out first: the other sets' decisions are all of one kind" in capsys.readouterr().out
