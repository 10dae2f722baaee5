"""Readers: every input kind, every rejection reason, encodings, streaming (strict mode: test_errors.py)."""

from __future__ import annotations

import io
import json
import os
import tracemalloc
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.sources import REJECTION_REASONS, read_paths
from storyline.sources.files import split_headline
from storyline.types import RawRecord, Rejection

FIXTURES = Path(__file__).parent / "fixtures" / "inputs"

ARTICLE_FR = (
    "Grève des contrôleurs aériens : des centaines de vols annulés\n\n"
    "Le trafic aérien était fortement perturbé jeudi dans le sud de la France, où les contrôleurs "
    "ont cessé le travail pour protester contre la réforme des effectifs.\n\n"
    "La direction générale de l'aviation civile a demandé aux compagnies de réduire leurs programmes de vol."
)


def jsonl(path: Path, *objects: object) -> Path:
    lines = ((o if isinstance(o, str) else json.dumps(o, ensure_ascii=False)) + "\n" for o in objects)
    path.write_text("".join(lines), "utf-8")
    return path


def items(*paths: Path | str, **kwargs) -> list[RawRecord | Rejection]:
    return list(read_paths([str(p) for p in paths], **kwargs))


def reasons(found: list[RawRecord | Rejection]) -> list[str]:
    return [r.reason if isinstance(r, Rejection) else "ok" for r in found]


def test_jsonl_records_with_origin_and_unknown_fields_kept(tmp_path):
    path = jsonl(
        tmp_path / "a.jsonl",
        {"id": 7, "title": "Storm closes ferry routes", "text": "Ferries stayed in port.", "lang": "en",
         "published": "2024-01-02T03:04:05Z", "url": "https://news.example/a", "source": "Ex News",
         "section": "weather", "tags": ["storm", "ferry"], "score": 0.5},
        {"html": "<p>Ciao</p>", "author": {"name": "R. Neri"}},
    )
    first, second = items(path)
    assert first.origin == f"{path}:1" and second.origin == f"{path}:2"
    assert (first.id, first.lang, first.url, first.source) == ("7", "en", "https://news.example/a", "Ex News")
    assert first.published == "2024-01-02T03:04:05Z"
    assert first.extra == {"section": "weather", "tags": ["storm", "ferry"], "score": 0.5}
    assert second.html == "<p>Ciao</p>" and second.extra == {"author": {"name": "R. Neri"}}


def test_every_jsonl_rejection_reason(tmp_path):
    path = jsonl(
        tmp_path / "bad.jsonl",
        '{"title": "broken", ',
        "[1, 2, 3]",
        '"just a string"',
        {"title": "  ", "text": "\n\t", "url": "https://x.example"},
        {"id": "no-body"},
        {"title": ["a", "list"]},
        "",
        {"title": "Valid headline after the bad ones"},
    )
    found = items(path)
    assert reasons(found) == ["malformed_json", "malformed_json", "malformed_json", "empty", "empty", "bad_field", "ok"]
    assert found[0].origin == f"{path}:1" and "Expecting" in found[0].detail
    assert "list" in found[1].detail
    assert found[-1].origin == f"{path}:8"  # the blank line 7 is skipped, numbering is physical
    assert set(reasons(found)) - {"ok"} <= set(REJECTION_REASONS)


def test_too_long_line_is_skipped_and_stream_continues(tmp_path):
    path = jsonl(tmp_path / "long.jsonl", {"text": "x " * 5000}, {"title": "Short one after a long one"})
    found = items(path, max_bytes=1000)
    assert reasons(found) == ["too_long", "ok"]
    assert found[1].origin == f"{path}:2"


def test_missing_path_raises_at_once(tmp_path):
    with pytest.raises(InputError) as err:
        read_paths([str(tmp_path / "nope.jsonl")])
    assert "nope.jsonl" in err.value.message and err.value.hint


def test_folder_mixed_sorted_recursive_hidden_skipped(tmp_path):
    (tmp_path / "b.txt").write_text(ARTICLE_FR, "utf-8")
    (tmp_path / "a.html").write_bytes((FIXTURES / "article_en.html").read_bytes())
    (tmp_path / "sub").mkdir()
    jsonl(tmp_path / "sub" / "c.jsonl", {"title": "One"}, {"title": "Two"})
    (tmp_path / "sub" / "d.pdf").write_bytes(b"%PDF-1.4 not really")
    (tmp_path / ".hidden.txt").write_text("secret")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.txt").write_text("nope")
    (tmp_path / "sub" / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = items(tmp_path)
    assert [f.origin for f in found] == [
        str(tmp_path / "a.html"), str(tmp_path / "b.txt"),
        f"{tmp_path / 'sub' / 'c.jsonl'}:1", f"{tmp_path / 'sub' / 'c.jsonl'}:2", str(tmp_path / "sub" / "d.pdf"),
    ]
    assert found[0].html.startswith("<!DOCTYPE html>")
    assert found[1].title.startswith("Grève des contrôleurs") and found[1].text.startswith("Le trafic")
    assert reasons(found)[-1] == "unsupported_file"


def test_stdin_is_jsonl_with_stdin_origin():
    stdin = io.StringIO('{"title": "Live one"}\nnot json\n{"text": "Live two has a body"}\n')
    found = items("-", stdin=stdin)
    assert reasons(found) == ["ok", "malformed_json", "ok"]
    assert [f.origin for f in found] == ["<stdin>:1", "<stdin>:2", "<stdin>:3"]


def test_stdin_bytes_buffer_with_latin1_line():
    raw = '{"title": "Fête à Montréal après la victoire"}\n'.encode("latin-1") + b'{"title": "ok line here"}\n'
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8")
    found = items("-", stdin=stdin)
    assert [f.title for f in found] == ["Fête à Montréal après la victoire", "ok line here"]


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-8-sig", "utf-16", "utf-16-le"])
def test_text_file_encodings(tmp_path, encoding):
    path = tmp_path / "art.txt"
    path.write_bytes(ARTICLE_FR.encode(encoding))
    (record,) = items(path)
    assert record.title == "Grève des contrôleurs aériens : des centaines de vols annulés"
    assert "réforme des effectifs" in record.text and "\ufeff" not in record.title


def test_legacy_encodings_of_other_scripts(tmp_path):
    samples = {
        "ru.txt": ("Министр заявил, что переговоры продолжатся на следующей неделе в Москве.", "cp1251"),
        "hr.txt": ("Zagreb: Vlada je u četvrtak objavila da će plaće porasti za šest posto.", "cp1250"),
        "tr.txt": ("Bakan, müzakerelerin gelecek hafta İstanbul'da süreceğini söyledi.", "cp1254"),
        "ja.txt": ("東京五輪の開会式が行われました。選手たちが入場しました。", "shift_jis"),
    }
    for name, (text, encoding) in samples.items():
        (tmp_path / name).write_bytes(text.encode(encoding))
    decoded = {Path(r.origin).name: r.text for r in items(tmp_path)}
    assert decoded == {name: text for name, (text, _) in samples.items()}


def test_latin1_jsonl_file(tmp_path):
    path = tmp_path / "l1.jsonl"
    line = json.dumps({"title": "Les élèves fêtent la fin de l'année"}, ensure_ascii=False)
    path.write_bytes(line.encode("latin-1") + b"\n")
    (record,) = items(path)
    assert record.title == "Les élèves fêtent la fin de l'année"


def test_utf16_jsonl_file(tmp_path):
    path = tmp_path / "wide.jsonl"
    path.write_text(json.dumps({"title": "Überschwemmung in Köln"}, ensure_ascii=False) + "\n", "utf-16")
    (record,) = items(path)
    assert record.title == "Überschwemmung in Köln" and record.origin == f"{path}:1"


def test_html_meta_charset_is_honoured():
    (record,) = items(FIXTURES / "articulo_es.html")
    assert "paseo marítimo" in record.html


def test_binary_files_are_not_text(tmp_path):
    (tmp_path / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000))
    (tmp_path / "dump.jsonl").write_bytes(b"\x00\x01\x02\x03" * 100)
    (tmp_path / "ctrl.html").write_bytes(b"\x01\x02\x03\x04\x05\x06\x07\x08" * 50)
    assert reasons(items(tmp_path)) == ["not_text", "not_text", "not_text"]


def test_undecodable_bytes_are_bad_encoding(tmp_path):
    path = tmp_path / "mojibake.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 4)
    (rejection,) = items(path)
    assert rejection.reason == "bad_encoding"


def test_big_text_file_is_too_long_and_empty_file_empty(tmp_path):
    (tmp_path / "big.txt").write_text("Word after word goes on. " * 80_000)  # 2 MB
    (tmp_path / "blank.txt").write_text(" \n\n \t\n")
    found = items(tmp_path)
    assert reasons(found) == ["too_long", "empty"]
    assert "bytes" in found[0].detail
    (record,) = items(tmp_path / "big.txt", max_bytes=3_000_000)
    assert len(record.text) > 1_900_000


def test_unreadable_file(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_text("A story nobody may read.")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as a user who can read anything")
        assert reasons(items(path)) == ["unreadable"]
    finally:
        path.chmod(0o644)


def _many(path: Path, count: int) -> Path:
    line = json.dumps({"title": "Headline number", "text": "Body of the article. " * 8}) + "\n"
    with open(path, "w") as out:
        for _ in range(count):
            out.write(line)
    return path


def test_jsonl_streams_in_constant_memory(tmp_path):
    path = _many(tmp_path / "many.jsonl", 20_000)
    stream = read_paths([str(path)])
    tracemalloc.start()
    count = sum(1 for _ in stream)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 20_000
    assert peak < 1_000_000 < os.path.getsize(path) / 3


def test_hundred_thousand_lines(tmp_path):
    path = _many(tmp_path / "many.jsonl", 100_000)
    stream = read_paths([str(path)])
    first = next(stream)
    assert first.origin == f"{path}:1"
    assert sum(1 for _ in stream) == 99_999


def test_headline_detection():
    assert split_headline("Rain floods the coast road\nIt rained all night.") == ("Rain floods the coast road",
                                                                                 "It rained all night.")
    assert split_headline("U.S. troops leave base in Syria\n\nThe pullout began.")[0] == \
        "U.S. troops leave base in Syria"
    assert split_headline("It rained. The road flooded.\nMore later.")[0] is None
    assert split_headline("A very long first line " * 20 + "\nbody")[0] is None
    assert split_headline("Only a headline here") == ("Only a headline here", "")
    assert split_headline("Only one sentence of text.") == (None, "Only one sentence of text.")


def test_binary_piped_to_stdin_is_one_rejection_not_one_per_line():
    blob = bytes(range(256)) * 64 + b"\n{not json}\n" * 50
    stdin = io.TextIOWrapper(io.BufferedReader(io.BytesIO(blob)), encoding="utf-8")
    items = list(read_paths(["-"], stdin=stdin))
    assert [(i.origin, i.reason) for i in items] == [("<stdin>", "not_text")]
    text = io.TextIOWrapper(io.BufferedReader(io.BytesIO(b'{"title": "Ferry strike ends after two days"}\n')))
    assert [type(i) for i in read_paths(["-"], stdin=text)] == [RawRecord]
