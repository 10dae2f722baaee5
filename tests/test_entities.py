"""Entity and number extraction, and matching them across languages."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from storyline.entities import (
    Entity,
    extract_entities,
    extract_numbers,
    gazetteer_key,
    match_entities,
    name_similarity,
    normalise_name,
)


def keys(entities):
    return {e.key for e in entities}


def test_gazetteer_maps_many_languages_to_one_key():
    for name in ("United States", "Estados Unidos", "États-Unis", "Vereinigte Staaten",
                 "Stanów Zjednoczonych", "ABD", "الولايات المتحدة", "EE.UU."):
        assert gazetteer_key(name) == "us", name
    assert gazetteer_key("Siria") == gazetteer_key("Syria") == gazetteer_key("سوريا") == "syria"
    assert gazetteer_key("Freedonia") is None


def test_normalise_name_ignores_accents_case_suffixes_and_script():
    assert normalise_name("Erdoğan'ın") == normalise_name("ERDOGAN") == "erdogan"
    assert normalise_name("Trump’s") == "trump"
    assert normalise_name("Łódź") == "lodz"
    assert normalise_name("Москва") == "moskva"


def test_extract_entities_finds_places_orgs_and_names():
    text = ("Die Vereinten Nationen warnten am Montag vor einer Hungersnot im Jemen. "
            "In New York sagte Stéphane Dujarric, die Lage sei dramatisch.")
    found = keys(extract_entities(text))
    assert {"un", "yemen", "new_york"} <= found
    assert "stephane dujarric" in found


def test_lone_sentence_opener_is_not_a_name_but_a_repeated_one_is():
    text = "Yesterday the storm reached the coast. Officials in Porto said Porto was calm."
    found = keys(extract_entities(text))
    assert "yesterday" not in found
    assert "porto" in found


def test_title_case_headline_run_is_not_one_giant_name():
    text = "Court Filing Puts Senator In Panic Mode As Fraud Scheme Comes To Light. Senator Vance denied it."
    names = [e.text for e in extract_entities(text)]
    assert all(len(n.split()) <= 4 for n in names)
    assert any("Vance" in n for n in names)


def test_arabic_clitics_and_turkish_suffixes_are_stripped():
    assert "iraq" in keys(extract_entities("وقال مسؤول إن والعراق يرفض ذلك وبالعراق أيضا"))
    assert "turkey" in keys(extract_entities("Türkiye'nin ihracatı arttı, Almanya'ya satış yükseldi."))
    assert "germany" in keys(extract_entities("Türkiye'nin ihracatı arttı, Almanya'ya satış yükseldi."))


def test_acronym_aliases_need_capitals():
    assert "us" not in keys(extract_entities("Tell us what you saw, she asked us twice."))
    assert "us" in keys(extract_entities("The US embassy in Rome closed."))


def test_numbers_are_canonical():
    def nums(text, lang=None):
        return [n.key for n in extract_numbers(text, lang)]

    assert nums("Casualties rose to 164,807 and 2.5 percent in 2020.", "en") == ["164807", "2.5", "2020"]
    assert nums("Die Zahl stieg auf 164.807, ein Plus von 2,5 Prozent.", "de") == ["164807", "2.5"]
    assert nums("1 200 000 personnes, soit 3,40 %", "fr") == ["1200000", "3.4"]
    assert nums("٢٠٢٠ و 45") == ["2020", "45"]
    assert nums("3 children and 7 dogs") == []


def test_numbers_keep_counts_and_first_surface():
    nums = extract_numbers("In 2019 and again in 2019, 45 people.")
    assert nums[0] == Entity("2019", "2019", "number", 2)


def test_match_across_languages():
    es = extract_entities("Estados Unidos y Rusia discuten en Ginebra sobre Siria, dijo Vladimir Putin.")
    en = extract_entities("The United States and Russia met over Syria, said Putin.")
    matches = match_entities(es, en)
    assert {m.a.key for m in matches} >= {"us", "russia", "syria", "vladimir putin"}
    putin = next(m for m in matches if m.a.key == "vladimir putin")
    assert putin.how == "spelling" and putin.b.text == "Putin"


def test_name_similarity_is_strict_about_different_names():
    assert name_similarity("Donald Trump", "Trump") == 0.9
    assert name_similarity("Angela Merkel", "Merkels") == 0.9
    assert name_similarity("Erdoğan", "Erdogan") == 1.0
    assert name_similarity("United States", "United Nations") < 0.8
    assert name_similarity("Berlin", "Bern") < 0.8


def test_numbers_only_match_numbers():
    a = (Entity("45", "45", "number"), Entity("Apollo", "apollo", "name"))
    b = (Entity("Apollo 45", "apollo 45", "name"), Entity("45", "45", "number"))
    matches = match_entities(a, b)
    assert [(m.a.kind, m.b.kind) for m in matches if m.a.kind == "number"] == [("number", "number")]


class _TableEncoder:
    """Maps known strings to fixed vectors, anything else to its own axis: an encoder we control."""

    name = "table"
    dim = 8
    languages = None

    def __init__(self, table):
        self.table = table

    def encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i, self.table.get(text, 7 - i % 3)] = 1.0
        return out


def test_embedding_matches_what_spelling_cannot():
    a = (Entity("Casa Blanca", "casa blanca", "name"),)
    b = (Entity("White House", "white house", "name"),)
    assert match_entities(a, b) == ()
    matches = match_entities(a, b, encoder=_TableEncoder({"Casa Blanca": 0, "White House": 0}))
    assert len(matches) == 1 and matches[0].how == "embedding"


names = st.lists(st.text(alphabet="AbcdeÉñşıİ' -", min_size=1, max_size=12), min_size=0, max_size=6)


@given(names)
def test_normalise_is_idempotent(raw):
    for name in raw:
        once = normalise_name(name)
        assert normalise_name(once) == once


@given(names, names)
def test_matches_are_one_to_one(left, right):
    a = tuple(Entity(n, normalise_name(n), "name") for n in left)
    b = tuple(Entity(n, normalise_name(n), "name") for n in right)
    matches = match_entities(a, b)
    assert len({id(m.a) for m in matches}) == len(matches) == len({id(m.b) for m in matches})
    assert all(0.0 <= m.score <= 1.0 for m in matches)


def test_surname_is_not_a_place_by_a_short_stem():
    # "Almansa" minus "sa" is the Turkish "Alman" (Germany): two letters come off only a 6+ letter stem.
    found = extract_entities("El puerto sigue abierto, dijo Jorge Almansa. Almansa pidió calma.")
    assert "germany" not in keys(found) and all(e.kind != "place" for e in found)
    assert {e.key for e in extract_entities("Deutschlands Exporte und Syriens Lage")} >= {"germany", "syria"}


def test_punctuation_ends_a_name():
    found = [e.text for e in extract_entities("El presidente de la Autoridad Portuaria, Jorge Almansa, habló.")]
    assert sorted(found) == ["Autoridad Portuaria", "Jorge Almansa"]
