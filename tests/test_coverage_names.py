"""An entity page's title is a proper name in the reader's language (issue 19), on invented spellings."""

from __future__ import annotations

from collections import Counter

from storyline.coverage.names import page_title

GERMANY = {"it": Counter({"tedesco": 9, "tedeschi": 2}), "en": Counter({"German": 4, "Germany": 1}),
           "de": Counter({"Deutschland": 2, "deutschen": 3, "Deutschlands": 1})}


def test_a_lower_case_adjective_never_titles_a_page_however_often_it_is_used():
    assert page_title("germany", {"it": Counter({"tedesco": 9}), "en": Counter({"Germany": 1})}) == "Germany"
    assert page_title("germany", GERMANY, "it") == "Germania"  # no proper Italian spelling: the gazetteer's


def test_the_gazetteer_names_the_entity_in_a_language_whose_articles_do_not():
    assert page_title("germany", {"it": Counter({"tedesco": 3})}, "it") == "Germania"
    assert page_title("iraq", {"en": Counter({"Iraq": 3})}, "fr") == "Irak"  # no French article at all
    assert page_title("spain", {"es": Counter({"España": 2})}, "de") == "Spanien"
    assert page_title("germany", GERMANY, "sv") == "Germany"  # no Swedish name tagged: as before
    assert page_title("corvana", {"de": Counter({"Corvana": 1})}, "it") == "Corvana"  # not in the gazetteer


def test_the_reading_languages_own_spelling_titles_the_page():
    assert page_title("germany", GERMANY, "de") == "Deutschland"
    assert page_title("spain", {"en": Counter({"Spain": 5}), "es": Counter({"España": 2})}, "es") == "España"
    assert page_title("spain", {"en": Counter({"Spain": 5}), "es": Counter({"España": 2})}) == "Spain"


def test_a_place_is_titled_by_its_name_not_its_capitalised_adjective():
    assert page_title("germany", GERMANY) == "Germany"
    assert page_title("germany", GERMANY, "en") == "Germany"


def test_a_spelling_of_the_entity_itself_beats_one_that_only_merged_with_it():
    spelled = {"de": Counter({"Hafenstadt Corvana": 4}), "en": Counter({"Corvana": 1})}
    assert page_title("corvana", spelled, "de") == "Corvana" and page_title("corvana", spelled) == "Corvana"
    assert page_title("marta olsen", {"es": Counter({"Marta Olsen": 2, "Olsen": 5})}) == "Marta Olsen"


def test_no_proper_spelling_leaves_the_title_to_the_caller():
    assert page_title("germany", {"it": Counter({"tedesco": 3})}) is None
    assert page_title("x", {}) is None
