"""Inputs that used to be lost or miscounted: a NUL line at the top of a JSONL file, BOM-less UTF-16,
odd folder entries (dangling links, FIFOs, links out of the folder), folder files with no source,
HTML nested past the parser's depth limit."""

from __future__ import annotations

import io
import json
import os

import pytest

from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.extract import extract
from storyline.settings import Settings
from storyline.sources import read_paths
from storyline.types import RawRecord, Rejection

GOOD_LINES = "".join(json.dumps({"title": f"Ferry line {n} resumes service after the storm"}) + "\n"
                     for n in range(1001))
BODY = "The harbour strike ended on Monday after talks between the union and the port authority. " * 4


def found(*paths, **kw) -> list[tuple[str, str]]:
    """(origin, reason or 'ok') of everything read."""
    return [(i.origin, i.reason if isinstance(i, Rejection) else "ok")
            for i in read_paths([str(p) for p in paths], **kw)]


def test_one_nul_line_at_the_top_rejects_that_line_not_the_file(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"title": "Half a \x00 record"}\n' + GOOD_LINES.encode())
    items = found(path)
    assert items[0] == (f"{path}:1", "not_text")
    assert len(items) == 1002 and [r for _, r in items[1:]] == ["ok"] * 1001


def test_one_nul_in_a_long_first_line_rejects_that_line_not_the_file(tmp_path):
    path = tmp_path / "a.jsonl"
    long_line = json.dumps({"title": "Long one", "text": "Words of a long body. " * 1000})
    long_line = long_line.replace("body", "bo\x00dy", 1)
    path.write_bytes(long_line.encode() + b"\n" + GOOD_LINES.encode())
    items = found(path)
    assert items[0] == (f"{path}:1", "not_text") and len(items) == 1002


def test_one_nul_line_on_stdin_rejects_that_line_not_the_stream():
    raw = b'{"title": "Half a \x00 record"}\n' + GOOD_LINES.encode()
    stdin = io.TextIOWrapper(io.BufferedReader(io.BytesIO(raw)), encoding="utf-8")
    items = found("-", stdin=stdin)
    assert items[0] == ("<stdin>:1", "not_text") and len(items) == 1002


def test_a_binary_file_named_jsonl_is_still_one_rejection(tmp_path):
    path = tmp_path / "photo.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64)
    assert found(path) == [(str(path), "not_text")]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_bomless_utf16_jsonl_is_read_line_by_line(tmp_path, codec):
    lines = "".join(json.dumps({"title": f"Überschwemmung in Köln, Meldung {n}"}, ensure_ascii=False) + "\n"
                    for n in range(1, 6))
    path = tmp_path / "wide.jsonl"
    path.write_bytes(lines.encode(codec))
    items = list(read_paths([str(path)]))
    assert [i.origin for i in items] == [f"{path}:{n}" for n in range(1, 6)]
    assert all(isinstance(i, RawRecord) for i in items) and items[4].title == "Überschwemmung in Köln, Meldung 5"


def test_unpaired_utf16_units_are_repaired_in_their_line_and_a_cut_file_ends_in_a_rejection(tmp_path):
    path = tmp_path / "wide.jsonl"
    good = json.dumps({"title": "Überschwemmung in Köln, neue Meldung"}, ensure_ascii=False) + "\n"
    broken = '{"title": "Überschwemmung in Köln'.encode("utf-16-le") + b"\x00\xdc" + '"}\n'.encode("utf-16-le")
    path.write_bytes((good * 3).encode("utf-16-le") + broken + good.encode("utf-16-le") + b"\x7b")
    items = found(path)
    assert [r for _, r in items] == ["ok"] * 5 + ["bad_encoding"] and items[5][0] == f"{path}:6"
    db = tmp_path / "x.db"
    with Engine(db, encoder=HashingEncoder(), settings=Settings(db=str(db))) as engine:
        report = engine.ingest_paths([str(path)])
    assert report.ingested == 2 and report.already_stored == 3 and report.repaired_surrogates == 1
    assert report.rejected == {"bad_encoding": 1}


def test_odd_folder_entries_are_counted_rejections(tmp_path):
    news, elsewhere = tmp_path / "news", tmp_path / "elsewhere"
    news.mkdir()
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("Not part of the news folder at all.")
    (news / "a.txt").write_text("Ferry strike ends\n\nBoats sail again from the harbour.")
    (news / "b-dangling.txt").symlink_to(news / "gone.txt")
    (news / "c-out.txt").symlink_to(elsewhere / "secret.txt")
    (news / "d-outdir").symlink_to(elsewhere, target_is_directory=True)
    (news / "e-in.txt").symlink_to(news / "a.txt")
    os.mkfifo(news / "f.jsonl")
    items = found(news)
    assert items == [
        (str(news / "a.txt"), "ok"), (str(news / "b-dangling.txt"), "broken_link"),
        (str(news / "c-out.txt"), "outside_folder"), (str(news / "d-outdir"), "outside_folder"),
        (str(news / "e-in.txt"), "ok"), (str(news / "f.jsonl"), "not_a_file"),
    ]
    rejection = next(i for i in read_paths([str(news)]) if isinstance(i, Rejection) and i.reason == "outside_folder")
    assert str(elsewhere / "secret.txt") in rejection.detail
    assert found(news / "c-out.txt") == [(str(news / "c-out.txt"), "ok")]  # named directly, it is read


def test_a_folder_file_without_a_source_is_named_by_its_file_or_its_pages_host(tmp_path):
    (tmp_path / "dock-strike.txt").write_text("Dock strike ends\n\n" + BODY)
    (tmp_path / "canonical.html").write_text(
        '<html><head><title>Port strike over</title><link rel="canonical" href="https://www.harbour-news.example/a/1">'
        f"</head><body><article><p>{BODY}</p></article></body></html>")
    (tmp_path / "given.jsonl").write_text(json.dumps({"title": "Strike talks resume at the port", "text": BODY}) + "\n")
    db = tmp_path / "x.db"
    with Engine(db, encoder=HashingEncoder(), settings=Settings(db=str(db))) as engine:
        report = engine.ingest_paths([str(tmp_path)])
        sources = sorted(str(engine.store.get_article(a.article_id).source) for a in report.assignments)
    assert sources == ["None", "dock-strike.txt", "harbour-news.example"]  # a JSONL line names its own


@pytest.mark.parametrize("depth", [300, 5000])
def test_html_nested_past_the_parsers_limit_keeps_its_text(depth):
    html = ("<html><head><title>Strike ends</title></head><body>" + '<div class="wrap">' * depth
            + f"<p>{BODY}</p><p>Second paragraph of the report.</p>" + "</div>" * depth + "</body></html>")
    result = extract(RawRecord(origin="deep.html", html=html))
    assert not isinstance(result, Rejection), result
    assert result.text.startswith("The harbour strike ended") and "Second paragraph" in result.text
