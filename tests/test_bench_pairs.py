"""The pairs entry of `make bench` (benchmarks/bench_pairs.py): what it measures and how RESULTS.md says it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_pairs

EN = ("Heavy rain flooded the centre of Porto on Friday, forcing 300 people from their homes. "
      "The mayor said the river rose two metres in four hours.")
PT = ("Chuvas fortes inundaram o centro do Porto na sexta-feira e 300 pessoas deixaram as suas casas. "
      "O presidente da câmara disse que o rio subiu dois metros em quatro horas.")
DE = "Der Bundestag beschloss am Donnerstag ein neues Gesetz zur Rente mit 63 Stimmen Mehrheit."


def test_measure_reports_rate_quality_and_cpu_of_both_paths(tmp_path):
    rows = [{"pair_id": f"{i}_{i + 9}", "lang1": a, "lang2": b, "title1": None, "text1": x, "title2": None,
             "text2": y, "overall": gold}
            for i, (a, x, b, y, gold) in enumerate([("en", EN, "pt", PT, 1.0), ("en", EN, "de", DE, 4.0),
                                                    ("pt", PT, "de", DE, 3.9)])]
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = bench_pairs.measure(path, quick=True, workers=1)
    assert result["data"] == "pairs.jsonl (3 pairs)" and result["pairs_per_s"] > 0 and result["pearson"] > 0.8
    assert result["cpu"]["pairs"] == result["cpu_use_alone"]["pairs"] == 3
    assert result["cpu"]["ms"] > 0 and result["cpu_use_alone"]["ms"] > 0 and result["cpu_use_alone"]["e5_share"] == 0
    assert 0 <= result["cpu"]["e5_share"] <= 1


def test_report_lines_give_the_rate_the_target_and_the_load():
    result = {"data": "synthetic (4 pairs)", "workers": 2, "pairs_per_s": 21.5, "pearson": None,
              "model": "USE+e5 cascade", "cpu": {"ms": 80.0, "pairs": 4, "e5_share": 0.25},
              "cpu_use_alone": {"ms": 30.0, "pairs": 4, "e5_share": 0.0}, "load": [3.0, 4.2],
              "date": "today", "machine": "2 cores"}
    text = "\n".join(bench_pairs.report_lines(result))
    assert "**21.5 pairs/s** with 2 worker processes" in text and "target ≥ 20 pairs/s" in text
    assert "load average 3.0 → 4.2" in text and "80.0 ms" in text and "30.0 ms with USE alone" in text
    assert "e5 asked for 25% of them" in text and "about 25.0 pairs/s" in text and "Pearson" not in text
    assert bench_pairs.report_lines(None) == []
