"""The coverage section of exported briefs (text, Markdown, HTML, JSON), on invented data and through
`storyline brief` (hashing encoder: no model)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from click.testing import CliRunner

from storyline.commands.brief import brief_command
from storyline.coverage import coverage_of
from storyline.coverage.render import coverage_lines, coverage_markdown, totals_line, with_coverage
from storyline.coverage.types import Piece
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.storage import SourceActivity
from storyline.types import RawRecord

T0 = datetime(2026, 4, 14, 8, 0, tzinfo=UTC)
STORY = [Piece("tel", "Telegraph", "en", T0, "Assad speaks"),
         Piece("spam", "spam*blog", "en", T0 + timedelta(hours=1), "Assad speaks", duplicate_of="tel"),
         Piece("cnn", "CNN `Español`", "es", T0 + timedelta(hours=2), "Assad habla")]
COVERAGE = coverage_of("s1", STORY, [SourceActivity("Quiet <Times>", "fr", 2)])


def test_totals_count_the_copy_once():
    assert totals_line(COVERAGE) == "2 articles (+1 near-copy counted with its original) from 2 sources in 2 languages"


def test_text_names_first_reporter_copy_credit_bars_and_blind_spots():
    text = "\n".join(coverage_lines(COVERAGE))
    assert "first: Telegraph (en) at 2026-04-14 08:00 UTC [tel]" in text
    assert "copy: spam*blog [spam] of Telegraph [tel]" in text
    assert "2026-04-14 10:00  #  es 1" in text and "fr: Quiet <Times> (2)" in text


def test_markdown_escapes_stored_values():
    md = "\n".join(coverage_markdown(COVERAGE))
    assert "## Coverage" in md and r"spam\*blog" in md and r"Quiet \<Times\>" in md
    assert "CNN \\`Español\\`" in md


def test_each_export_format_carries_the_coverage():
    assert with_coverage("# Brief\n", "md", COVERAGE).startswith("# Brief\n\n## Coverage")
    assert with_coverage("Brief\n", "text", COVERAGE).startswith("Brief\n\nCoverage\n")
    page = with_coverage("<html><body><main>x</main></body></html>", "html", COVERAGE)
    assert page.index('<section class="coverage">') < page.index("</main>") and "<svg" in page
    assert "Quiet &lt;Times&gt;" in page
    data = json.loads(with_coverage(json.dumps({"schema": "storyline.brief/1"}), "json", COVERAGE))
    assert data["coverage"]["copies"] == 1 and data["coverage"]["first"]["time"] == "2026-04-14T08:00:00Z"


def test_storyline_brief_exports_coverage_in_every_format(tmp_path):
    db = tmp_path / "b.db"
    text = ("Dock workers at the port of Valmare stopped all ferries to Isla Verde on Tuesday, union leader "
            "Eva Lind said, and some 2,000 travellers were stranded overnight in the terminal building.")
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([
            RawRecord(origin="t:1", id="a", source="portnews.example", lang="en", published="2026-04-01T08:00:00Z",
                      title="Port strike halts all ferries to Isla Verde", text=text),
            RawRecord(origin="t:2", id="b", source="copycat.example", lang="en", published="2026-04-01T09:00:00Z",
                      title="Port strike halts all ferries to Isla Verde", text=text)])
        story = engine.store.story_of("a")
        assert engine.store.story_of("b") == story
    run = CliRunner()
    out = {fmt: run.invoke(brief_command, [story, "--db", str(db), "--format", fmt]) for fmt in ("text", "md", "json")}
    assert all(r.exit_code == 0 for r in out.values()), [r.output for r in out.values()]
    assert "1 article (+1 near-copy counted with its original) from 1 source" in out["text"].output
    assert "## Coverage" in out["md"].output
    assert json.loads(out["json"].output)["coverage"]["copied"][0]["copies"][0]["article_id"] == "b"
    html = tmp_path / "b.html"
    assert run.invoke(brief_command, [story, "--db", str(db), "--format", "html", "-o", str(html)]).exit_code == 0
    assert 'class="coverage-chart"' in html.read_text(encoding="utf-8")
