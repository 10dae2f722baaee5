"""Story briefs: quotes across languages, single-source claims, summary, schema, renderers, cache."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.briefs import brief, brief_to_dict, build_brief
from storyline.briefs_cache import cached_vectors
from storyline.briefs_quotes import article_quotes
from storyline.briefs_render import render
from storyline.briefs_text import find_quotes, split_units
from storyline.embed import HashingEncoder, thresholds_for
from storyline.engine import Engine
from storyline.errors import NotFoundError
from storyline.types import RawRecord

FIXTURE = Path(__file__).parent / "fixtures" / "briefs" / "dam_story.jsonl"
NOISE = re.compile(r"READ MORE|Click Here|Leave a Reply|email address|Credit:|LEE:|À LIRE AUSSI|football shirts")


# ---------- text: quotations and sentences ----------
@pytest.mark.parametrize("text, expected", [
    ('He said: “We will rebuild.”', ["We will rebuild."]),
    ("« Nous partirons demain », a-t-il dit.", ["Nous partirons demain"]),
    ("Er sagte: „Wir bleiben hier.“ Dann ging er.", ["Wir bleiben hier."]),
    ("El ministro dijo: «No habrá recortes».", ["No habrá recortes"]),
    ("彼は「明日行く」と言った。", ["明日行く"]),
    ('"We leave. "They came too late," he said.', ["We leave.", "They came too late"]),
    ("They're sure it's Syria's turn.", []),
])
def test_find_quotes_in_many_scripts(text, expected):
    assert [q.text for q in find_quotes(text)] == expected


def test_units_keep_quotations_whole_and_split_prose():
    text = ('"We stay. We fight. We win," said Mr. Ruiz on Monday. The U.S. embassy closed.\n\n'
            "Roads reopen on Friday.")
    assert [u.text for u in split_units(text)] == [
        '"We stay. We fight. We win," said Mr. Ruiz on Monday.', "The U.S. embassy closed.",
        "Roads reopen on Friday."]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Rain fell.", '"We go. Now," he said.', "« Oui. Non. »", "the end",
                                 "U.S. aid came!", "\n\n", "¿Qué pasó?", "x"]), max_size=12))
def test_units_cover_the_text_and_never_cut_a_quotation(pieces):
    text = " ".join(pieces)
    units = split_units(text)
    assert "".join(u.text for u in units).replace(" ", "") == "".join(text.split())
    for unit in units:
        assert unit.text.count("«") == unit.text.count("»")


def _speakers(text: str) -> list[tuple[str, str | None]]:
    """(quoted text, speaker) of each quote segment of one article."""
    return [(s.text, s.speaker) for s in article_quotes("a", text)]


def test_speakers_from_attribution_and_pronouns():
    text = ('"The crack is growing," said chief engineer Paul Okafor.\n\n'
            '"No vamos a correr riesgos", dijo la gobernadora Lucía Moreno. "Es grave", añadió.\n\n'
            "« Tout le monde part », a déclaré Marc Petit.\n\n"
            'Anna Berg said: "We are ready to help the families."')
    got = _speakers(text)
    assert got == [("The crack is growing", "Paul Okafor"), ("No vamos a correr riesgos", "Lucía Moreno"),
                   ("Tout le monde part", "Marc Petit"), ("We are ready to help the families.", "Anna Berg")]


def test_speaker_is_the_name_in_the_attribution_clause_without_glued_words():
    text = ('"We will fight this ruling," a Lumora spokeswoman, Clara Voss, said, adding that it "acted in good faith".'
            '\n\n„Der Markt braucht klare Regeln“, sagte die für Finanzen zuständige '
            'Exekutiv-Vizepräsidentin Maria Lind.'
            '\n\n„Wir prüfen alle Optionen“, sagte Unternehmenssprecher Clara Voss.'
            '\n\nLa Commissione europea ha deciso. «Le regole valgono per tutti», ha dichiarato la vicepresidente '
            'della Commissione Maria Lind, responsabile per la finanza.'
            '\n\n«No estamos de acuerdo con la multa», dijo su portavoz, Clara Voss.'
            '\n\n"As regras valem para todos", afirmou a presidente da Agência para o clima, Maria Lind.')
    got = _speakers(text)
    assert got == [("We will fight this ruling", "Clara Voss"), ("acted in good faith", "Clara Voss"),
                   ("Der Markt braucht klare Regeln", "Maria Lind"), ("Wir prüfen alle Optionen", "Clara Voss"),
                   ("Le regole valgono per tutti", "Maria Lind"), ("No estamos de acuerdo con la multa", "Clara Voss"),
                   ("As regras valem para todos", "Maria Lind")]


def test_entities_one_clean_name_per_person():
    from storyline.briefs_facts import merge_entities
    from storyline.types import Article

    texts = [("en", "Clara Voss, a Lumora spokeswoman, said the firm would appeal. Maria Lind spoke first."),
             ("de", "Unternehmenssprecherin Clara Voss kündigte Berufung an. Die Kommissarin Maria Lind schwieg."),
             ("it", "La Commissione europea ha deciso. Ha parlato la vicepresidente della Commissione Maria Lind. "
                    "Clara Voss ha annunciato ricorso.")]
    articles = [Article(id=f"a{i}", title="", text=t, lang=lang, source=f"s{i}") for i, (lang, t) in enumerate(texts)]
    people = {e["name"]: e for e in merge_entities(articles) if e["name"] in ("Clara Voss", "Maria Lind")}
    assert set(people) == {"Clara Voss", "Maria Lind"}
    for entity in people.values():
        assert entity["articles"] == 3 and entity["forms"] == [entity["name"]]


def test_quote_with_an_unnamed_speaker_does_not_inherit_the_last_name():
    text = ('"We will rebuild the bridge," said Mayor Ana Ruiz.\n\n'
            '"It will take a year," she added.\n\n'
            'In Lyon, the transport ministry said the city "had not been consulted".\n\n'
            "À Paris, la ministre a salué « un signal fort pour la ville ».")
    got = _speakers(text)
    assert got == [("We will rebuild the bridge", "Ana Ruiz"), ("It will take a year", "Ana Ruiz"),
                   ("had not been consulted", None), ("un signal fort pour la ville", None)]


# ---------- the multilingual fixture story, with the real encoder ----------
@pytest.fixture(scope="module")
def story(tmp_path_factory):
    from storyline.embed import get_encoder

    db = tmp_path_factory.mktemp("briefs") / "dam.db"
    engine = Engine(db, encoder=get_encoder("use"))
    engine.ingest_paths([str(FIXTURE)])
    story_id = engine.store.story_of("dam-en")
    first = build_brief(engine.store, story_id, encoder=engine.encoder)
    yield engine, story_id, first
    engine.close()


def _variants(group):
    return {v["article_id"]: v for v in group["variants"]}


def test_fixture_is_one_story_with_the_copy_linked(story):
    engine, story_id, _ = story
    assert {engine.store.story_of(a) for a in ("dam-en", "dam-en-copy", "dam-es", "dam-fr")} == {story_id}
    assert engine.store.article_meta("dam-en-copy")["duplicate_of"] == "dam-en"


def test_quote_groups_match_translations_and_split_sentences(story):
    _, _, b = story
    groups = [_variants(g) for g in b.quote_groups]
    governor = next(g for g in groups if "dam-es" in g and "risks" in g.get("dam-en", {}).get("text", ""))
    # One English sentence matches two Spanish and two French sentences.
    assert governor["dam-es"]["text"] == ("No vamos a correr ningún riesgo con la vida de la gente. "
                                          "Todos los que viven debajo de la presa deben irse esta noche")
    assert governor["dam-fr"]["text"].startswith("Nous ne prendrons aucun risque")
    assert governor["dam-fr"]["text"].endswith("doivent partir ce soir")
    assert {v["speaker"] for v in governor.values()} == {"Lucía Moreno"}
    crack = next(g for g in groups if "La grieta mide doce metros y sigue creciendo" in
                 [v["text"] for v in g.values()])
    assert set(crack) == {"dam-en", "dam-en-copy", "dam-es", "dam-fr"}
    assert all(v["speaker"] == "Paul Okafor" for v in crack.values())
    army = next(g for g in groups if "dam-fr" in g and "hélicoptères" in g["dam-fr"]["text"])
    assert set(army) == {"dam-en", "dam-en-copy", "dam-fr"}
    full = next(g for g in b.quote_groups if "dam-es" in _variants(g) and "risks" in _variants(g)["dam-en"]["text"])
    assert full["sources"] == sorted(["harbourpost.example", "best-deals-news.example", "diariodelsur.example",
                                      "lequotidien.example"])
    assert len(b.quote_groups) == 3


def test_single_source_claims(story):
    _, _, b = story
    claims = {(c.article_id, c.text) for c in b.single_source_claims}
    assert any(a == "dam-es" and "Tomás Ibarra" in t for a, t in claims)
    assert any(a == "dam-fr" and "construit en 1968" in t for a, t in claims)
    # Only the English original and its spam copy (one family) carry the farmers: listed once.
    assert sum("livestock" in t for _, t in claims) == 1
    for _, text in claims:  # what every source carries is not a single-source claim
        assert "3,000" not in text and "3.000" not in text and "3 000" not in text
        assert "900" not in text and "twelve" not in text and "douze" not in text


def test_claim_carried_in_another_language_by_a_middle_cosine_and_a_shared_number():
    from storyline.briefs_select import single_source

    vectors = np.array([[1.0, 0, 0], [0.5, 0.75 ** 0.5, 0], [0, 0, 1.0]], dtype=np.float32)
    families = np.array([0, 1, 0])
    texts = ["Inspectors found that 14 pumps had failed.", "Die Prüfer fanden 14 defekte Pumpen.",
             "The mayor visited the flooded school."]
    # Cosine 0.5 alone is not the same fact; with the shared number it is: only the mayor is single-source.
    assert [r for r, _, _ in single_source(vectors, families, [0, 2], texts=texts)] == [2]
    texts[1] = "Die Prüfer fanden 15 defekte Pumpen."
    assert sorted(r for r, _, _ in single_source(vectors, families, [0, 2], texts=texts)) == [0, 2]


def test_compound_sentence_whose_clauses_other_sources_carry_is_not_single_source():
    from storyline.briefs_select import carried_in_parts

    pool = np.eye(4, dtype=np.float32)  # rows 0, 1: family 0 (the claims); rows 2, 3: family 1
    families = np.array([0, 0, 1, 1])
    texts = ["The firm, which has many users, said it would appeal.", "The mayor, who was angry, left early.",
             "Die Firma hat viele Nutzer.", "Sie kündigte Berufung an."]
    found = [(0, 0.3, 1.0), (1, 0.3, 0.9)]
    parts = {0: (np.eye(4, dtype=np.float32)[[2, 3]], ["which has many users", "said it would appeal."]),
             1: (np.array([[0, 0, 1, 0], [0, 1, 0, 0]], dtype=np.float32),
                 ["who was angry", "left early."])}
    # Both clauses of row 0 are carried by family 1; only one of row 1's is.
    assert carried_in_parts(found, parts, pool, families, families, texts) == [(1, 0.3, 0.9)]


def test_summary_size_coverage_and_traceability(story):
    engine, _, b = story
    assert 3 <= len(b.summary) <= 7
    assert {s.lang for s in b.summary} == {"en", "es", "fr"}
    for s in list(b.summary) + list(b.single_source_claims):
        article = engine.store.get_article(s.article_id)
        assert s.text in article.text and s.lang == article.lang and s.source == article.source
    texts = [s.text for s in b.summary]
    assert len(set(texts)) == len(texts)


@pytest.mark.parametrize("lang", ["en", "es", "fr"])
def test_summary_tells_each_fact_once_in_the_requested_language(story, lang):
    engine, story_id, _ = story
    b = build_brief(engine.store, story_id, lang=lang, encoder=engine.encoder)
    assert 3 <= len(b.summary) <= 7
    # Every fact here is carried in all three languages but one (the spillway, English only).
    assert sum(s.lang == lang for s in b.summary) >= len(b.summary) - 1
    vectors = np.asarray(engine.encoder.encode([s.text for s in b.summary]), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = vectors @ vectors.T - 2 * np.eye(len(vectors))
    same_fact = thresholds_for(engine.encoder.name).fact  # the cosine of one fact on this encoder's scale
    assert sims.max() < same_fact, "two summary items state the same fact"


@pytest.mark.parametrize("text, expected", [
    ("BRUSSELS — The Commission fined the app on Thursday.", "The Commission fined the app on Thursday."),
    ("(Harbour Wire) — Dock workers walked out on Tuesday.", "Dock workers walked out on Tuesday."),
    ("PORT LOUIS, Mauritius (Reuters) - Ferries stopped running at noon.", "Ferries stopped running at noon."),
    ("(CNN) - El presidente dijo que no habrá acuerdo.", "El presidente dijo que no habrá acuerdo."),
    ("The EU — and not the states — decides this matter alone.",
     "The EU — and not the states — decides this matter alone."),
    ("NATO - the alliance - met.", "NATO - the alliance - met."),
])
def test_strip_dateline(text, expected):
    from storyline.briefs_match import strip_dateline

    assert strip_dateline(text) == expected


def test_summary_sentences_shown_without_dateline():
    engine = Engine(":memory:", encoder=HashingEncoder())
    engine.ingest_records([RawRecord(origin="x", id="d1", source="wire.example", title="Bridge closes",
                                     text="ORVANA (Valley Wire) — The old bridge closed on Monday for repairs. "
                                          "Traffic moves to the ring road until May. Shops on the bridge stay shut.")])
    b = build_brief(engine.store, "s1")
    assert b.summary[0].text == "The old bridge closed on Monday for repairs."


def test_headline_timeline_sources_entities(story):
    engine, story_id, b = story
    assert b.headline == "Crack in Orvana dam forces 3,000 people from their homes"
    spanish = build_brief(engine.store, story_id, lang="es")
    assert spanish.headline == "Una grieta en la presa de Orvana obliga a evacuar a 3.000 vecinos"
    assert [t["article_id"] for t in b.timeline] == ["dam-en", "dam-en-copy", "dam-es", "dam-fr"]
    assert dict(b.sources) == {"en": ("best-deals-news.example", "harbourpost.example"),
                               "es": ("diariodelsur.example",), "fr": ("lequotidien.example",)}
    names = {e["name"] for e in b.entities}
    assert {"Paul Okafor", "Castrel"} <= names
    assert not any(n in names for n in ("Monday", "But", "Also"))


def test_no_noise_anywhere(story):
    _, _, b = story
    for fmt in ("text", "md", "json", "html"):
        assert not NOISE.search(render(b, fmt)), fmt


def test_json_schema_keys(story):
    _, _, b = story
    data = json.loads(render(b, "json"))
    assert list(data) == ["schema", "story_id", "headline", "summary", "entities", "quote_groups",
                          "single_source_claims", "timeline", "sources"]
    assert set(data["summary"][0]) == {"text", "article_id", "source", "lang"}
    assert set(data["quote_groups"][0]) == {"text", "speaker", "languages", "sources", "variants"}
    assert set(data["quote_groups"][0]["variants"][0]) == {"text", "article_id", "source", "lang", "speaker"}
    assert set(data["timeline"][0]) == {"time", "published", "article_id", "source", "lang", "title", "url"}
    assert data == brief_to_dict(b)


def test_html_is_one_self_contained_page(story):
    _, _, b = story
    page = render(b, "html")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and 'name="viewport"' in page
    assert not re.search(r"<(?:link|script)\b|src=|@import|url\(", page)
    assert "Lucía Moreno" in page and "« " not in page.split("<body>")[0]


def test_second_brief_reads_the_cache(story):
    engine, story_id, first = story

    class Counting:
        name, dim, languages = engine.encoder.name, engine.encoder.dim, engine.encoder.languages
        calls = 0

        def encode(self, texts):
            Counting.calls += len(texts)
            return engine.encoder.encode(texts)

    again = build_brief(engine.store, story_id, encoder=Counting())
    assert Counting.calls == 0
    assert again == first


# ---------- no model needed ----------
def _hash_engine(db):
    engine = Engine(db, encoder=HashingEncoder())
    engine.ingest_records([
        RawRecord(origin="t:1", id="h1", source="one.example", title="Port strike halts ferries",
                  text='Dock workers stopped all ferries on Tuesday. "We want fair pay," said union leader Eva Lind.'),
    ])
    return engine


def test_cache_encodes_only_new_texts(tmp_path):
    engine = _hash_engine(tmp_path / "h.db")
    calls = []

    class Spy(HashingEncoder):
        def encode(self, texts):
            calls.append(len(texts))
            return super().encode(texts)

    wanted = {"h1": [("sentence", "Dock workers stopped all ferries on Tuesday.", None)]}
    vectors = cached_vectors(engine.store, Spy(), wanted)
    assert calls == [1] and vectors["Dock workers stopped all ferries on Tuesday."].shape == (256,)
    cached_vectors(engine.store, Spy(), wanted)
    assert calls == [1]
    wanted["h1"].append(("quote", "We want fair pay", "Eva Lind"))
    cached_vectors(engine.store, Spy(), wanted)
    assert calls == [1, 1]
    with sqlite3.connect(engine.store.path) as conn:
        rows = conn.execute("SELECT kind, speaker FROM sentences ORDER BY idx").fetchall()
    assert rows == [("sentence", None), ("quote", "Eva Lind")]


def test_brief_api_and_unknown_story(tmp_path):
    db = tmp_path / "h.db"
    _hash_engine(db).close()
    b = brief("s1", db=db)
    assert b.headline == "Port strike halts ferries" and b.single_source_claims == ()
    assert all(np.isfinite(len(s.text)) for s in b.summary)
    with pytest.raises(NotFoundError) as err:
        brief("s42", db=db)
    assert "storyline stories" in err.value.hint


def test_headline_only_story(tmp_path):
    engine = Engine(tmp_path / "t.db", encoder=HashingEncoder())
    engine.ingest_records([
        RawRecord(origin=f"t:{i}", id=f"t{i}", source=f"feed{i}.example", title=title)
        for i, title in enumerate(["Port strike halts all ferries to Isla Verde on Tuesday",
                                   "All ferries to Isla Verde halted by a port strike on Tuesday"])
    ])
    story_id = engine.store.story_of("t0")
    b = build_brief(engine.store, story_id)
    assert b.summary and all(s.text in ("Port strike halts all ferries to Isla Verde on Tuesday",
                                        "All ferries to Isla Verde halted by a port strike on Tuesday")
                             for s in b.summary)
    assert len(b.timeline) == len(engine.store.story_articles(story_id))
