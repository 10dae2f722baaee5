"""Lexical and name keys, online IDF and story overlap."""

import math
import re
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clustering.keys import (
    BODY_CHARS,
    DocFreq,
    KeyProfile,
    fold,
    name_keys,
    overlap,
    place_keys,
    word_keys,
)


def test_word_keys_are_tagged_by_language_and_stemmed():
    en = word_keys("Floods hit northern towns", "Rescuers reached flooded villages.", "en")
    de = word_keys("Hochwasser trifft Städte", "", "de")
    assert "en:floods" in en and "en:northe" in en
    assert all(k.startswith("de:") for k in de)
    assert not en & de


def test_cjk_text_becomes_bigrams():
    keys = word_keys("东京奥运会开幕", "", "zh")
    assert "zh:东京" in keys and "zh:奥运" in keys


def test_name_keys_meet_across_languages():
    en = name_keys("Djokovic loses to Zverev in Tokyo semi-final", "")
    es = name_keys("Zverev elimina a Djokovic en Tokio", "El alemán Zverev venció el viernes.")
    sl = name_keys("Zverev izločil Djokovića", "")
    assert {"n:djoko", "n:zvere"} <= en & es
    assert "n:djoko" in sl
    assert "n:el" not in es  # too short, and sentence-initial words of a body are not names


def test_places_meet_under_each_languages_own_name():
    en = name_keys("Brazil beat Germany in Tokyo", "")
    pt = name_keys("Brasil vence a Alemanha em Tóquio", "")
    de = name_keys("Brasilien schlägt Deutschland in Tokio", "")
    ru = name_keys("Бразилия обыграла Германию в Токио", "")  # Cyrillic, and an inflected form
    assert en == pt == de == ru == {"n:brazi", "n:germa", "n:tokyo"}
    assert name_keys("Austria and Australia", "") == {"n:austr"}  # a stem two places share maps nowhere
    assert name_keys("Zverev in Moscow", "") != name_keys("Zverev in Madrid", "")


def test_place_table_maps_each_variant_to_a_key_that_is_not_itself_a_variant():
    table = place_keys()
    assert len(table) > 500
    assert all(key.startswith("n:") and canonical not in table for key, canonical in table.items())


def test_numbers_are_names_but_single_digits_are_not():
    keys = name_keys("Quake of magnitude 7 kills 120", "")
    assert "#120" in keys and "#7" not in keys


def test_fold_strips_accents():
    assert fold("Ångström") == "angstrom"


def test_idf_prefers_rare_keys():
    df = DocFreq()
    for _ in range(10):
        df.add({"en:the", "en:olympi"})
    df.add({"n:biles"})
    w = df.weights(["en:the", "n:biles", "n:never"])
    assert w["en:the"] < w["n:biles"] < w["n:never"]


def test_overlap_weighs_rare_shared_keys():
    story = KeyProfile()
    story.add({"n:biles", "en:the"})
    story.add({"n:biles", "en:gold"})
    weights = {"n:biles": 3.0, "en:the": 0.1, "en:vault": 2.0}
    share = overlap(weights, story)
    assert 0.55 < share < 0.65
    assert overlap({"en:zzz": 1.0}, story) == 0.0
    assert overlap({}, story) == 0.0


def test_profile_stays_bounded():
    story = KeyProfile(max_keys=50)
    for i in range(40):
        story.add({f"k{i}", f"j{i}", "common"})
    assert len(story.counts) <= 50 and story.counts["common"] == 40


# The keys are built at regex speed; these plain token-by-token definitions are what they must equal.
_TOKEN = re.compile(r"\w+")
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")


def _reference_name_keys(title: str, text: str) -> set[str]:
    keys = set()
    for part in (title, text[:BODY_CHARS]):
        first = True
        for match in _TOKEN.finditer(part):
            token = match.group()
            if token.isdigit():
                if len(token) >= 2:
                    keys.add(f"#{token}")
            elif token[0].isupper() and len(token) >= 3:
                opens = first or bool(_SENTENCE_END.search(part[max(0, match.start() - 3) : match.start()]))
                if not opens or part is title:
                    key = f"n:{fold(token)[:5]}"
                    keys.add(place_keys().get(key, key))
            first = False
    return keys


def _reference_word_keys(title: str, text: str, lang: str) -> set[str]:
    joined = f"{title}\n{text[:BODY_CHARS]}"
    return {f"{lang}:{t[:6]}" for t in map(str.lower, _TOKEN.findall(joined)) if len(t) >= 3}


_PIECES = st.sampled_from(["Tokyo", "tokyo", "İstanbul", "ĐOKOVIĆ", "2021", "7", "²²", "Ab", "x1", "Ünal",
                           "Σ", " ", "  ", "   ", ". ", ".  ", "\n", ":", "!", "-", "_", "é", "Ω", "ß"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join), st.lists(_PIECES, max_size=40).map("".join))
def test_fast_keys_equal_the_token_by_token_definition(title, text):
    assert name_keys(title, text) == _reference_name_keys(title, text)
    assert word_keys(title, text, "tr") == _reference_word_keys(title, text, "tr")


def test_no_upper_case_letter_or_digit_lies_past_the_planes_the_name_pattern_scans():
    from storyline.clustering.keys import _CASED_PLANES_END

    assert not any(chr(cp).isupper() or chr(cp).isdigit() for cp in range(_CASED_PLANES_END, 0x110000))


def _idf_by_definition(counts: dict[str, int], docs: int, key: str, prior_docs: float = 20.0,
                       common: frozenset[str] = frozenset()) -> float:
    """IDF as DocFreq defines it, from the counts alone."""
    prior = prior_docs / 2 if key in common or key.partition(":")[2] in common else 0.0
    return math.log(docs + prior_docs) - math.log(counts.get(key, 0) + prior + 1.0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.sampled_from(["en:a", "en:b", "n:c", "#12", "en:police"]), max_size=4), max_size=12))
def test_idf_weights_equal_the_definition_after_any_adds(batches):
    """The weights' fast path (log table, remembered priors) equals the definition to the last bit, after any
    sequence of adds: story assignment's partitions depend on it."""
    common = frozenset({"police"})
    df, counts = DocFreq(common=common), Counter()
    keys = ["en:a", "en:b", "n:c", "#12", "en:police", "en:unseen"]
    for batch in batches:
        assert df.weights(keys) == {k: _idf_by_definition(counts, df.docs, k, common=common) for k in keys}
        df.add(batch)
        counts.update(batch)
    assert df.weights(keys) == {k: _idf_by_definition(counts, df.docs, k, common=common) for k in keys}


def test_a_pruned_key_weighs_like_an_unseen_one():
    df = DocFreq(max_keys=3)
    df.add({"a", "b"})
    before = df.weights(["b"])["b"]  # count 1
    df.add({"a", "c"})
    df.add({"a", "d"})  # prunes: "b" is forgotten, so it weighs like an unseen key again
    assert df.weights(["b"])["b"] == math.log(df.docs + df.prior_docs) > before


def _name_keys_as_first_written(title: str, text: str) -> set[str]:
    """name_keys before the title's shortcut: every capitalised token's sentence position looked up."""
    from storyline.clustering.keys import _SENTENCE_END, _TOKEN, _name_candidates, _name_key

    keys: set[str] = set()
    for part in (title, text[:BODY_CHARS]):
        first = _TOKEN.search(part)
        opening = first.start() if first is not None else -1
        for match in _name_candidates().finditer(part):
            token = match.group()
            if token[0].isupper():
                start = match.start()
                opens = start == opening or bool(_SENTENCE_END.search(part[max(0, start - 3) : start]))
                if not opens or part is title:
                    keys.add(_name_key(token))
            else:
                keys.add(f"#{token}")
    return keys


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="AbC dÉ. 12:\n!Ωωİ3", max_size=60), st.text(alphabet="AbC dÉ. 12:\n!Ωωİ3", max_size=60))
def test_name_keys_equal_the_first_written_rule(title, text):
    assert name_keys(title, text) == _name_keys_as_first_written(title, text)
    assert name_keys(title, title) == _name_keys_as_first_written(title, title)  # the body the very title string


# every alternative of the pattern, and near misses of the hints ages() reads first (conflict._AGE_HINTS)
_AGE_PIECES = [*"ab Zé,-\n0123456789٣", " years-old", "year-old", " aged ", "aged", ", 23,", ", ", " ans,", "ans",
               " años", "años", " anni", " anos", "de ", "di ", "-Jährige", "jährige", "Jahre alt", "jahre alt",
               "jarige", "latek", "latka", "letni", "letnia", "yaşında", "летн", "лет"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_AGE_PIECES), max_size=30).map("".join), st.text(max_size=40))
def test_ages_equal_the_pattern_alone(title, text):
    from storyline.clustering import conflict

    lead = f"{title}\n{text[:BODY_CHARS]}"
    expected = {int(next(g for g in m.groups() if g is not None)) for m in conflict._AGE.finditer(lead)}
    assert conflict.ages(title, text) == frozenset(age for age in expected if 0 < age < 120)
