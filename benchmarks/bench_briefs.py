"""Brief speed on a 50-article, three-language story of invented articles (no outside data).

    python benchmarks/bench_briefs.py [--articles 50] [--sentences 24] [--repeat 5] [--encoder use]

Builds the story straight into a temporary store (articles, vectors, one story), then times the
first brief (which encodes and caches every sentence) and the following ones (cache read).
Results are recorded in benchmarks/BRIEFS.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from machine import describe as machine

from storyline.briefs import build_brief
from storyline.briefs import facts as brief_facts
from storyline.briefs import quotes as brief_quotes
from storyline.embed import get_encoder
from storyline.storage import Store, open_store
from storyline.types import Article

PLACES = ["Sella", "Castrel", "Orvana", "Mirel", "Banta", "Quero", "Lisna", "Tarro"]
PEOPLE = ["Lucía Moreno", "Paul Okafor", "Tomás Ibarra", "Anne Roussel", "Karim Haddad", "Mia Jansen"]
TEMPLATES = {
    "en": [
        "About {n} residents of {p} were ordered to leave their homes after engineers found a crack in the dam.",
        '"We will not take any risks with people\'s lives," said {w}, speaking in {p} on {d}.',
        "Buses took {n} families to sports halls in {p}, where volunteers set up beds and kitchens.",
        '"The crack is {k} metres long and it is growing," said engineer {w}.',
        "Engineers began lowering the reservoir by opening {k} spillway gates near {p}.",
        "Farmers in {p} said they feared for {n} head of cattle left behind in the valley.",
        "The regional government said schools in {p} would stay closed until {d}.",
        "Police closed {k} roads around {p} and set up checkpoints at the entrances to the valley.",
        '"The army has sent {k} helicopters and {n} soldiers," {w} added.',
        "Insurers estimated that damage in {p} could exceed {n} million euros if the wall gave way.",
    ],
    "es": [
        "Unos {n} vecinos de {p} tuvieron que abandonar sus casas después de que los ingenieros hallaran una grieta "
        "en la presa.",
        '"No vamos a correr ningún riesgo con la vida de la gente", dijo {w} en {p} el {d}.',
        "Los autobuses llevaron a {n} familias a polideportivos de {p}, donde voluntarios instalaron camas.",
        '"La grieta mide {k} metros y sigue creciendo", afirmó el ingeniero {w}.',
        "Los técnicos empezaron a vaciar el embalse abriendo {k} compuertas cerca de {p}.",
        "Los ganaderos de {p} temen por {n} cabezas de ganado que quedaron en el valle.",
        "El gobierno regional anunció que las escuelas de {p} seguirán cerradas hasta el {d}.",
        "La policía cortó {k} carreteras alrededor de {p} y montó controles en el valle.",
    ],
    "fr": [
        "Quelque {n} habitants de {p} ont dû quitter leur domicile après la découverte d'une fissure dans le barrage.",
        "« Nous ne prendrons aucun risque avec la vie des gens », a déclaré {w} à {p} {d}.",
        "Des bus ont conduit {n} familles vers des gymnases de {p}, où des bénévoles ont installé des lits.",
        "« La fissure mesure {k} mètres et elle s'agrandit », a expliqué l'ingénieur {w}.",
        "Les techniciens ont commencé à vider le réservoir en ouvrant {k} vannes près de {p}.",
        "Les éleveurs de {p} s'inquiètent pour {n} têtes de bétail restées dans la vallée.",
        "La préfecture a annoncé que les écoles de {p} resteraient fermées jusqu'à {d}.",
        "La police a fermé {k} routes autour de {p} et installé des barrages dans la vallée.",
    ],
}
DAYS = {"en": ["Monday", "Tuesday", "Wednesday"], "es": ["lunes", "martes", "miércoles"],
        "fr": ["lundi", "mardi", "mercredi"]}
TITLES = {"en": "Dam crack forces thousands from homes in {p}", "es": "Una grieta en la presa obliga a evacuar {p}",
          "fr": "Une fissure dans le barrage force l'évacuation de {p}"}


def make_articles(n: int, sentences: int, seed: int = 0) -> list[Article]:
    """``n`` invented articles in en/es/fr about one event, about ``sentences`` sentences each."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 3, 6, tzinfo=UTC)
    out = []
    for i in range(n):
        lang = ["en", "es", "fr"][i % 3]
        paras = []
        for _ in range(sentences):
            template = rng.choice(TEMPLATES[lang])
            paras.append(template.format(n=rng.randint(20, 9000), k=rng.randint(2, 40), p=rng.choice(PLACES),
                                         w=rng.choice(PEOPLE), d=rng.choice(DAYS[lang])))
        text = "\n\n".join(" ".join(paras[j : j + 2]) for j in range(0, len(paras), 2))
        out.append(Article(id=f"b{i:03d}", title=TITLES[lang].format(p=rng.choice(PLACES)), text=text,
                           source=f"outlet{i % 17}.example", lang=lang, published=start + timedelta(minutes=37 * i),
                           ingested=start + timedelta(hours=30)))
    return out


def build_store(path: Path, articles: list[Article], encoder) -> Store:
    store = open_store(path)
    vectors = encoder.encode([a.full_text for a in articles])
    with store.transaction():
        store.create_story("s1", 1)
        for article, vector in zip(articles, vectors, strict=True):
            store.insert_article(article, story_id="s1", similarity=1.0, duplicate_of=None)
            store.insert_vector(article.id, encoder.name, vector)
        store.refresh_story("s1", articles[0].title, articles[0].id)
    return store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--sentences", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--encoder", default="use")
    args = parser.parse_args()
    encoder = get_encoder(args.encoder)
    articles = make_articles(args.articles, args.sentences)
    with tempfile.TemporaryDirectory() as tmp:
        store = build_store(Path(tmp) / "bench.db", articles, encoder)
        start = time.perf_counter()
        brief = build_brief(store, "s1", encoder=encoder)
        cold = time.perf_counter() - start
        warm, memo = [], []
        for n in range(args.repeat):
            brief_facts._entities_of.cache_clear()  # as a new process would: only the store's cache helps
            brief_quotes._person.cache_clear()
            for runs in (warm, memo):
                start = time.perf_counter()
                build_brief(store, "s1", encoder=encoder, lang=["en", "es", "fr", None][n % 4])
                runs.append(time.perf_counter() - start)
        cached = sum(len(texts) for texts in store.sentence_vectors([a.id for a in articles], encoder.name).values())
        store.close()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine()}")
    chars = sum(len(a.text) for a in articles) // len(articles)
    print(f"story: {len(articles)} articles (en/es/fr), {chars} chars each,"
          f" {cached} cached sentence/quote vectors (encoder {encoder.name})")
    print(f"first brief (encodes and caches): {cold:.2f} s")
    print(f"cached brief (sentence vectors from the store, fresh process memo): median {statistics.median(warm):.3f} s,"
          f" max {max(warm):.3f} s over {len(warm)} runs")
    print(f"repeated brief in the same process (entity memo warm): median {statistics.median(memo):.3f} s")
    print(f"brief: {len(brief.summary)} summary sentences, {len(brief.quote_groups)} quote groups, "
          f"{len(brief.single_source_claims)} single-source claims, {len(brief.entities)} entities")


if __name__ == "__main__":
    main()
