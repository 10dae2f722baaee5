"""`storyline compare` and `storyline eval pairs`: resolution of A and B, output, and clear errors."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import numpy as np
import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.commands.compare import ArticleLookup, read_pairs, resolve
from storyline.errors import InputError
from storyline.types import Article

FLOOD_EN = (
    "Floods in Porto Alegre\n\n"
    "Heavy rain flooded Porto Alegre on Friday, forcing 15,000 people from their homes, "
    "the Brazilian civil defence said. The Guaíba river rose to a record 5.3 metres. "
    "Rescuers in boats reached families trapped on rooftops."
)
FLOOD_PT = (
    "Enchentes em Porto Alegre: rio Guaíba atinge 5,3 metros e 15.000 pessoas deixam suas casas após "
    "chuvas fortes na sexta-feira, informou a Defesa Civil do Brasil. Equipes de resgate usam barcos "
    "para chegar a famílias ilhadas nos telhados."
)
FLOOD_HTML = (
    "<!doctype html><html><head><title>Cheias em Porto Alegre</title></head><body><article>"
    "<h1>Cheias em Porto Alegre</h1>"
    + "".join(f"<p>{s}.</p>" for s in FLOOD_PT.split(". "))
    + "</article></body></html>"
)
KEYS = {"overall", "cosine", "shared_entities", "matched_sentences", "date_gap_days"}


class FakeStore:
    """An in-memory ArticleLookup, standing in for storyline.storage.Store."""

    def __init__(self, articles):
        self._articles = {a.id: a for a in articles}

    def get_article(self, article_id):
        return self._articles.get(article_id)

    def find_article_by_url(self, url):
        return next((a for a in self._articles.values() if a.url == url), None)

    def get_vector(self, article_id):
        return np.ones(4, dtype=np.float32) if article_id in self._articles else None


ARTICLES = [
    Article(id="a1", title="Floods in Porto Alegre", text=FLOOD_EN.split("\n\n", 1)[1], lang="en",
            url="https://news.example/floods", published=datetime(2024, 5, 3, 9, tzinfo=UTC),
            ingested=datetime(2024, 5, 5, tzinfo=UTC), content_hash="h1"),
    Article(id="a2", title="", text=FLOOD_PT, lang="pt",
            published=datetime(2024, 5, 4, 21, tzinfo=UTC),
            ingested=datetime(2024, 5, 5, tzinfo=UTC), content_hash="h2"),
]


@pytest.fixture()
def files(tmp_path):
    (tmp_path / "en.txt").write_text(FLOOD_EN, encoding="utf-8")
    (tmp_path / "pt.html").write_text(FLOOD_HTML, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 4)
    return tmp_path


def test_fake_store_satisfies_the_protocol():
    store: ArticleLookup = FakeStore(ARTICLES)
    assert store.get_vector("a1") is not None


def test_resolve_file_url_and_id(files):
    store = FakeStore(ARTICLES)
    html = resolve(str(files / "pt.html"), store)
    assert "Guaíba" in html.text and html.title
    by_url = resolve("https://news.example/floods", store)
    assert by_url.title == "Floods in Porto Alegre" and by_url.lang == "en"
    by_id = resolve("a2", lambda: store)
    assert by_id.lang == "pt" and by_id.published.day == 4


@pytest.mark.parametrize("ref", ["nope", "https://news.example/unknown", "missing/file.txt"])
def test_resolve_unknown_refs(ref):
    with pytest.raises(InputError) as err:
        resolve(ref, FakeStore(ARTICLES))
    assert ref in err.value.message and err.value.hint


def test_compare_files_text_output(files):
    result = CliRunner().invoke(main, ["compare", str(files / "en.txt"), str(files / "pt.html")])
    assert result.exit_code == 0, result.output
    assert "overall" in result.output and "cosine" in result.output
    assert "Porto Alegre" in result.output and "15,000" in result.output


def test_compare_json_keys_and_same_story(files):
    result = CliRunner().invoke(main, ["compare", str(files / "en.txt"), str(files / "pt.html"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == KEYS
    assert data["overall"] < 2.5
    assert all(len(triple) == 3 for triple in data["matched_sentences"])


def test_compare_ids_in_a_real_store(tmp_path):
    from storyline.storage import open_store

    db = tmp_path / "s.db"
    store = open_store(db)
    store.create_story("s1", 1)
    for article in ARTICLES:
        store.insert_article(article, story_id="s1", similarity=1.0, duplicate_of=None)
    store.close()
    result = CliRunner().invoke(main, ["compare", "a1", "https://news.example/floods", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["date_gap_days"] == 0.0
    result = CliRunner().invoke(main, ["compare", "a1", "a2", "--db", str(db), "--json"])
    assert json.loads(result.stdout)["date_gap_days"] == 1.5


@pytest.mark.parametrize("bad, says", [("empty.txt", "is empty"), ("blob.bin", "not a text or HTML file"),
                                       ("does-not-exist.txt", ""), (".", "")])
def test_compare_bad_input_exits_2_with_hint(files, bad, says):
    result = CliRunner().invoke(main, ["compare", str(files / "en.txt"), str(files / bad),
                                                  "--db", str(files / "no.db")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and "\n  hint: " in result.stderr and says in result.stderr


def _pairs_file(tmp_path, rows):
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def _row(i, lang1, text1, lang2, text2, overall):
    return {"pair_id": f"{i}_{i + 100}", "lang1": lang1, "lang2": lang2, "title1": None, "text1": text1,
            "title2": None, "text2": text2, "overall": overall}


def test_eval_pairs_json(tmp_path):
    other = "Der Bundestag beschloss am Donnerstag ein neues Gesetz zur Rente mit 63 Stimmen Mehrheit."
    rows = [
        _row(1, "en", FLOOD_EN, "pt", FLOOD_PT, 1.0),
        _row(2, "en", FLOOD_EN, "de", other, 4.0),
        _row(3, "pt", FLOOD_PT, "de", other, 3.8),
        _row(4, "en", FLOOD_EN, "en", FLOOD_EN.replace("Friday", "Saturday"), 1.2),
    ]
    path = str(_pairs_file(tmp_path, rows))
    result = CliRunner().invoke(main, ["eval", "pairs", path, "--json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"pearson", "per_lang_pair", "pairs_per_s", "n", "in_training"}
    assert data["n"] == 4 and data["pearson"] > 0.8 and data["pairs_per_s"] > 0 and data["in_training"] == 0
    assert set(data["per_lang_pair"]) == {"en-pt", "en-de", "pt-de", "en-en"}
    text = CliRunner().invoke(main, ["eval", "pairs", path, "--workers", "2"])
    assert text.exit_code == 0, text.output
    assert f"pearson   {data['pearson']:.3f}" in text.output and "pairs/s with 2 worker(s)" in text.output


def test_eval_pairs_says_when_pairs_were_in_the_training_data(tmp_path, monkeypatch):
    import storyline.similarity as similarity

    rows = [_row(1, "en", FLOOD_EN, "pt", FLOOD_PT, 1.0), _row(2, "en", FLOOD_EN, "en", FLOOD_EN, 1.0)]
    monkeypatch.setattr(similarity, "training_keys", lambda: frozenset({similarity.pair_key(rows[0])}))
    result = CliRunner().invoke(main, ["eval", "pairs", str(_pairs_file(tmp_path, rows)), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "note: 1 of these 2 pairs were in the scorer's training data" in result.stderr


def test_eval_pairs_bad_files(tmp_path):
    missing = CliRunner().invoke(main, ["eval", "pairs", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "hint:" in missing.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(_row(1, "en", "a", "en", "b", 2.0)) + "\n{not json\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "pairs", str(bad)])
    assert result.exit_code == 2 and "bad.jsonl:2" in result.stderr
    with pytest.raises(InputError):
        read_pairs(str(_pairs_file(tmp_path, [{"text1": "x", "text2": "y"}])))


def test_compare_db_comes_from_env_and_storyline_toml_like_every_command(tmp_path, monkeypatch):
    from storyline.storage import open_store

    db = tmp_path / "named.db"
    store = open_store(db)
    store.create_story("s1", 1)
    for article in ARTICLES:
        store.insert_article(article, story_id="s1", similarity=1.0, duplicate_of=None)
    store.close()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("STORYLINE_DB", raising=False)
    result = CliRunner().invoke(main, ["compare", "a1", "a2", "--json"], env={"STORYLINE_DB": str(db)})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["date_gap_days"] == 1.5
    (tmp_path / "storyline.toml").write_text(f'[storyline]\ndb = "{db.name}"\n')
    result = CliRunner().invoke(main, ["compare", "a1", "a2", "--json"])
    assert result.exit_code == 0, result.output


def test_compare_reads_files_as_ingest_does(tmp_path):
    """A legacy-charset text and an .xhtml page: compare decodes and recognises them as ingest does."""
    from storyline.sources import read_paths

    latin = tmp_path / "fr.txt"
    latin.write_bytes("Crues à Porto Alegre\n\nLa rivière Guaíba a atteint 5,3 mètres vendredi ; 15 000 "
                      "personnes ont quitté leurs maisons, a indiqué la défense civile brésilienne.".encode("cp1252"))
    page = tmp_path / "pt.xhtml"
    page.write_text(FLOOD_HTML, encoding="utf-8")
    left, right = resolve(str(latin), None), resolve(str(page), None)
    assert left.title == "Crues à Porto Alegre" and "rivière Guaíba" in left.text
    assert "Guaíba" in right.text and "<p>" not in right.text
    ingested = {r.origin: r for r in read_paths([str(tmp_path)])}
    assert ingested[str(latin)].title == left.title and ingested[str(page)].html == FLOOD_HTML
    result = CliRunner().invoke(main, ["compare", str(latin), str(page), "--json"])
    assert result.exit_code == 0, result.output


def _child_processes_after_scoring(row: dict) -> list[int]:
    """Score ``row`` in this (pool worker) process, then list the processes it started (Linux /proc)."""
    from pathlib import Path

    from storyline.commands.compare import _score_row

    _score_row(row)
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == os.getpid():
            children.append(int(stat.parent.name))
    return children


def _threads_of_pools() -> list[int]:
    from threadpoolctl import threadpool_info

    return sorted({int(pool["num_threads"]) for pool in threadpool_info()})


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads the process table from /proc")
def test_an_eval_pairs_worker_starts_no_encoder_helper_of_its_own():
    """Issue #21: each of the two `eval pairs` workers started a USE helper for a long pair (four encoding
    processes on two cores, two more model loads); the workers are the only encoding processes now."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from storyline.commands.compare import _start_pool_worker

    long_pair = _row(1, "en", FLOOD_EN * 15, "pt", FLOOD_PT * 15, 1.0)  # over the helper's 3,000-character floor
    with ProcessPoolExecutor(1, mp_context=get_context("spawn"), initializer=_start_pool_worker) as pool:
        assert pool.submit(_child_processes_after_scoring, long_pair).result() == []
        assert pool.submit(_threads_of_pools).result() == [1]  # the workers are the parallelism
