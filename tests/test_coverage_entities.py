"""What an entity page looks an entity up by, and which of a story's merged entities is it (invented names)."""

from __future__ import annotations

from storyline.coverage.entities import names_entity, spellings_to_search
from storyline.types import StoryEntity


def _entity(key, name, forms, kind="name"):
    return StoryEntity(name=name, key=key, kind=kind, count=3, articles=2, languages=("en", "es"), forms=forms)


def test_a_gazetteer_place_is_searched_by_its_names_in_every_language_not_by_two_letter_ones():
    words = spellings_to_search("spain")
    assert {"Spain", "España", "Espagne", "Spanien"} <= set(words)
    assert all(sum(c.isalnum() for c in w) >= 3 for w in words)
    assert spellings_to_search("marta olsen") == ["marta olsen"]  # a name: its own key


def test_a_story_entity_is_the_one_asked_by_its_key_or_by_one_of_its_spellings():
    assert names_entity(_entity("marta olsen", "Marta Olsen", ("Marta Olsen",)), "marta olsen")
    merged = _entity("olsen", "Olsen", ("Olsen", "Marta Olsen"))  # the full name merged into the short one
    assert names_entity(merged, "marta olsen") and names_entity(merged, "olsen")
    assert names_entity(_entity("espana", "España", ("España",), kind="place"), "spain")  # by the gazetteer
    assert not names_entity(_entity("mirel", "Mirel", ("Mirel",)), "marta olsen")
