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


# ---------- titles, on an invented corpus stored with the hashing encoder ----------
PORT_PLAN = [
    ("it1", "it", "Corriere Tolvar", "Il governo tedesco approva il piano per i porti",
     "Il governo tedesco ha approvato martedì un piano per modernizzare i porti del nord. Il ministro tedesco ha "
     "detto che i lavori inizieranno in estate. Secondo il governo tedesco il costo è di due miliardi."),
    ("it2", "it", "Gazzetta Tolvar", "Piano tedesco per i porti",
     "Il piano tedesco per i porti del nord costerà due miliardi, ha detto il governo tedesco martedì."),
    ("en1", "en", "Wire", "Germany approves port plan",
     "Germany approved a plan on Tuesday to modernise its northern ports. The German government said work "
     "starts in summer and will cost two billion euros."),
    ("de1", "de", "Nordblatt", "Deutschland modernisiert seine Häfen",
     "Deutschland will seine Häfen im Norden modernisieren. Die Regierung in Deutschland rechnet mit Kosten "
     "von zwei Milliarden Euro, sagte der Minister am Dienstag."),
]


def test_an_entity_page_is_titled_by_a_proper_name_in_the_reading_language(tmp_path):
    from storyline.coverage.entities import entity_page
    from storyline.embed import HashingEncoder
    from storyline.engine import Engine
    from storyline.types import RawRecord

    with Engine(tmp_path / "e.db", encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin=f"t:{n}", id=i, lang=lang, source=src, title=title, text=text,
                                         published=f"2026-04-20T0{n}:00:00Z")
                               for n, (i, lang, src, title, text) in enumerate(PORT_PLAN)])
        store = engine.store
        store.prepare_reads()
        store.sync_search()
        plain, german, italian = (entity_page(store, "germany", lang) for lang in (None, "de", "it"))
    assert plain is not None and german is not None and italian is not None
    assert (plain.name, plain.kind) == ("Germany", "place")  # never "tedesco", the adjective most used
    assert german.name == "Deutschland" and italian.name == "Germania"  # no Italian article names it: the gazetteer
    assert "tedesco" in plain.forms and "Deutschland" in plain.forms  # the other spellings stay listed
    assert german.forms[0] == "Deutschland" and set(german.forms) == set(plain.forms)
