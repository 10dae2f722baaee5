"""Every stored value is inert in every brief format (issue 16, item 9): an article id once broke out of
its Markdown code span and became a live ``<img onerror>``."""

from __future__ import annotations

import json
import re

from storyline.briefs.render import render, to_markdown, to_text
from storyline.types import Brief, SummarySentence

EVIL_ID = "x`<img src=x onerror=alert(1)>`"
EVIL_SOURCE = "<script>alert(2)</script>"
EVIL_LANG = "en`<b>"
EVIL_TEXT = "Ferry strike ends | [click](javascript:alert(3)) **now** \x1b[31mred\x1b[0m &lt;img&gt; ~~gone~~"


def hostile_brief() -> Brief:
    said = SummarySentence(EVIL_TEXT, EVIL_ID, EVIL_LANG, EVIL_SOURCE)
    variant = {"text": EVIL_TEXT, "article_id": EVIL_ID, "lang": EVIL_LANG, "source": EVIL_SOURCE}
    return Brief(
        story_id="s1`<i>",
        headline="Port reopens\n## Forged section\n<img src=x onerror=alert(4)>",
        summary=(said,),
        entities=({"name": "[Marta](javascript:alert(5))", "kind": "person", "count": 2, "articles": 2,
                   "forms": ["Marta\nOlsen"]},),
        quote_groups=({"speaker": "*Olsen*\n> forged", "languages": [EVIL_LANG], "variants": [variant]},),
        single_source_claims=(said,),
        timeline=({"time": "2026-04-14T08:00:00Z", "published": True, "article_id": EVIL_ID, "source": EVIL_SOURCE,
                   "lang": EVIL_LANG, "title": "Title | with pipe\n| forged | row |", "url": None},),
        sources={EVIL_LANG: (EVIL_SOURCE,)},
    )


def outside_code_spans(markdown: str) -> str:
    """The Markdown with its code spans cut out, as CommonMark finds them: a run of n backticks opens a
    span that the next run of exactly n backticks closes; a backslash-escaped backtick opens nothing."""
    out, i = [], 0
    while i < len(markdown):
        if markdown[i] == "\\" and i + 1 < len(markdown):
            out.append(markdown[i:i + 2])
            i += 2
            continue
        if markdown[i] == "`":
            run = re.match(r"`+", markdown[i:]).group()
            closer = re.compile(r"(?<!`)" + run + r"(?!`)")
            found = closer.search(markdown, i + len(run))
            if found:
                i = found.end()
                continue
            out.append(run)
            i += len(run)
            continue
        out.append(markdown[i])
        i += 1
    return "".join(out)


def test_markdown_values_cannot_break_out_of_code_spans_or_make_html_or_links():
    md = to_markdown(hostile_brief())
    prose = "\n".join(re.sub(r"^>\s?", "", line) for line in outside_code_spans(md).splitlines())  # our quotes
    for special in "<>[]`~&":  # (* and | are the renderer's own emphasis and table marks: checked below)
        assert not re.findall(r"(?<!\\)" + re.escape(special), prose), (special, prose)
    assert "\\*\\*now\\*\\*" in md and "\\[click\\]" in md and "\\<img" in md


def test_markdown_values_cannot_forge_lines_rows_or_sections():
    md = to_markdown(hostile_brief())
    lines = md.splitlines()
    assert [line for line in lines if line.startswith("## ")] == [
        "## Summary", "## Key entities", "## Quotes across sources", "## Only one source says", "## Timeline",
        "## Sources"]
    rows = [line for line in lines if line.startswith("|")]
    assert len(rows) == 3 and all(len(re.findall(r"(?<!\\)\|", outside_code_spans(r))) == 6 for r in rows)
    assert "\x1b" not in md


def test_text_has_no_terminal_escapes_and_no_forged_lines():
    text = to_text(hostile_brief())
    assert "\x1b" not in text and "\r" not in text
    assert not any(line.startswith("## Forged") or line.startswith("| forged") for line in text.splitlines())


def test_html_and_json_stay_escaped():
    page = render(hostile_brief(), "html")
    assert "<img" not in page and "<script>" not in page and "<b>" not in page
    data = json.loads(render(hostile_brief(), "json"))
    assert data["summary"][0]["article_id"] == EVIL_ID  # JSON carries the value exactly, as data


def test_show_and_stories_print_no_terminal_control_characters(tmp_path):
    from click.testing import CliRunner

    from storyline.cli import main
    from storyline.embed import HashingEncoder
    from storyline.engine import Engine
    from storyline.types import RawRecord

    db = str(tmp_path / "t.db")
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(
            origin="t:1", id="evil\x1b[2Jid", source="Src\x1b]0;pwned\x07", title="Harbour strike ends today",
            text="Dock workers at the harbour ended their strike on Tuesday after long talks with the port.")])
        story = engine.store.story_of("evil\x1b[2Jid")
    for args in (["show", story, "--db", db], ["stories", "--db", db]):
        out = CliRunner().invoke(main, args).stdout
        assert "Src" in out and not any(ch in out for ch in "\x1b\x07"), (args, out)


def test_hostile_brief_renders_as_the_golden_files():
    """Every escape above, byte for byte as before the brief was typed (fixtures/briefs/golden/hostile.*)."""
    from pathlib import Path

    golden = Path(__file__).parent / "fixtures" / "briefs" / "golden"
    for fmt, ext in (("text", "txt"), ("md", "md"), ("html", "html")):
        assert render(hostile_brief(), fmt) == (golden / f"hostile.{ext}").read_text(encoding="utf-8"), fmt
