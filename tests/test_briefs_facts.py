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
