"""What a brief needs no vectors for: entities merged across languages (briefs/facts.py)."""

from __future__ import annotations

from storyline.briefs.facts import merge_entities
from storyline.types import Article


def test_entities_one_clean_name_per_person():
    texts = [("en", "Clara Voss, a Lumora spokeswoman, said the firm would appeal. Maria Lind spoke first."),
             ("de", "Unternehmenssprecherin Clara Voss kündigte Berufung an. Die Kommissarin Maria Lind schwieg."),
             ("it", "La Commissione europea ha deciso. Ha parlato la vicepresidente della Commissione Maria Lind. "
                    "Clara Voss ha annunciato ricorso.")]
    articles = [Article(id=f"a{i}", title="", text=t, lang=lang, source=f"s{i}") for i, (lang, t) in enumerate(texts)]
    people = {e.name: e for e in merge_entities(articles) if e.name in ("Clara Voss", "Maria Lind")}
    assert set(people) == {"Clara Voss", "Maria Lind"}
    for entity in people.values():
        assert entity.articles == 3 and entity.forms == (entity.name,)


def _names(*texts: tuple[str, str]) -> dict[str, str]:
    articles = [Article(id=f"a{i}", title="", text=t, lang=lang, source=f"s{i}") for i, (lang, t) in enumerate(texts)]
    return {e.name: e.kind for e in merge_entities(articles, limit=40)}


def test_no_name_carries_a_weekday_a_common_word_or_two_places():
    found = _names(
        ("en", "Trump called him Animal Assad on Monday. Assad said the attack was an animal act. Lula Monday met "
               "Assad. Lula spoke of Russia."),
        ("es", 'Los estibadores pararon en Barcelona y Tarragona. Lula habló con Assad, al que Trump llamó '
               '"Animal Assad" en un tuit.'),
        ("en", "Assad and Lula met in Barcelona. Calm returned to Tarragona. Russia watched."))
    assert "Assad" in found and "Lula" in found and "Barcelona" in found and "Tarragona" in found
    assert not {"Animal Assad", "Lula Monday", "Barcelona y Tarragona"} & set(found)


def test_nationalities_are_not_places_and_a_short_form_joins_the_full_name():
    found = _names(
        ("en", "Russian officials met French diplomats. President Hu Jintao had lunch with Lula."),
        ("en", "Russian troops left. Hu thanked Lula for the French wine."),
        ("en", "Hu Jintao and Lula signed deals. French and Russian envoys watched."))
    assert found.get("Russian") == "nationality" and found.get("French") == "nationality"
    assert "Hu Jintao" in found and "Hu" not in found
    mixed = _names(("en", "Russian troops entered. Russia denied it."), ("en", "Russia said Russian troops left."),
                   ("en", "Russia and Russian envoys."))
    assert mixed.get("Russia") == "place" and "Russian" not in mixed
