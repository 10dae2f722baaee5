"""The brief's formats (briefs/render.py): text, Markdown, JSON and HTML read the typed Brief; the JSON
carries every field of its types; every stored value is inert in every format (issue 16, item 9: an
article id once broke out of its Markdown code span and became a live ``<img onerror>``)."""

from __future__ import annotations

import json
import re
import typing
from collections.abc import Mapping
from dataclasses import fields, is_dataclass
from datetime import UTC, datetime
from pathlib import Path

from storyline.briefs import brief_to_dict
from storyline.briefs.render import render, to_markdown, to_text
from storyline.types import Brief, CitedSentence, QuoteGroup, QuoteVariant, StoryEntity, TimelineEntry

GOLDEN = Path(__file__).parent / "fixtures" / "briefs" / "golden"
NOISE = re.compile(r"READ MORE|Click Here|Leave a Reply|email address|Credit:|LEE:|À LIRE AUSSI|football shirts")

EVIL_ID = "x`<img src=x onerror=alert(1)>`"
EVIL_SOURCE = "<script>alert(2)</script>"
EVIL_LANG = "en`<b>"
EVIL_TEXT = "Ferry strike ends | [click](javascript:alert(3)) **now** \x1b[31mred\x1b[0m &lt;img&gt; ~~gone~~"


def hostile_brief() -> Brief:
    said = CitedSentence(text=EVIL_TEXT, article_id=EVIL_ID, source=EVIL_SOURCE, lang=EVIL_LANG)
    variant = QuoteVariant(text=EVIL_TEXT, article_id=EVIL_ID, source=EVIL_SOURCE, lang=EVIL_LANG, speaker=None)
    return Brief(
        story_id="s1`<i>",
        headline="Port reopens\n## Forged section\n<img src=x onerror=alert(4)>",
        summary=(said,),
        entities=(StoryEntity(name="[Marta](javascript:alert(5))", key="marta", kind="person", count=2, articles=2,
                              languages=(EVIL_LANG,), forms=("Marta\nOlsen",)),),
        quote_groups=(QuoteGroup(text=EVIL_TEXT, speaker="*Olsen*\n> forged", languages=(EVIL_LANG,),
                                 sources=(EVIL_SOURCE,), variants=(variant,)),),
        single_source_claims=(said,),
        timeline=(TimelineEntry(time=datetime(2026, 4, 14, 8, tzinfo=UTC), published=True, article_id=EVIL_ID,
                                source=EVIL_SOURCE, lang=EVIL_LANG, title="Title | with pipe\n| forged | row |",
                                url=None, copy_of=None),),
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
    for fmt, ext in (("text", "txt"), ("md", "md"), ("html", "html")):
        assert render(hostile_brief(), fmt) == (GOLDEN / f"hostile.{ext}").read_text(encoding="utf-8"), fmt


# ---------- the dam story (conftest's dam_story, USE encoder) ----------
def test_no_noise_anywhere(dam_story):
    _, _, b = dam_story
    for fmt in ("text", "md", "json", "html"):
        assert not NOISE.search(render(b, fmt)), fmt


def test_json_schema_keys(dam_story):
    _, _, b = dam_story
    data = json.loads(render(b, "json"))
    assert list(data) == ["schema", "story_id", "headline", "summary", "entities", "quote_groups",
                          "single_source_claims", "timeline", "sources"]
    assert set(data["summary"][0]) == {"text", "article_id", "source", "lang"}
    assert set(data["quote_groups"][0]) == {"text", "speaker", "languages", "sources", "variants"}
    assert set(data["quote_groups"][0]["variants"][0]) == {"text", "article_id", "source", "lang", "speaker"}
    assert set(data["timeline"][0]) == {"time", "published", "article_id", "source", "lang", "title", "url",
                                        "copy_of"}
    assert data == brief_to_dict(b)


def test_html_is_one_self_contained_page(dam_story):
    _, _, b = dam_story
    page = render(b, "html")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page and 'name="viewport"' in page
    assert not re.search(r"<(?:link|script)\b|src=|@import|url\(", page)
    assert "Lucía Moreno" in page and "« " not in page.split("<body>")[0]


# ---------- the JSON is the types: a field added to a type reaches it, none other appears ----------
def _field_names(cls: type) -> list[str]:
    return [f.name for f in fields(cls)]


def assert_json_is_the_type(value: object, data: object, where: str = "brief") -> None:
    """``data`` (JSON) holds exactly the declared fields of ``value``'s dataclass, in order, at every depth."""
    if is_dataclass(value) and not isinstance(value, type):
        assert isinstance(data, dict) and list(data) == _field_names(type(value)), (where, data)
        for name in data:
            assert_json_is_the_type(getattr(value, name), data[name], f"{where}.{name}")
    elif isinstance(value, Mapping):
        assert isinstance(data, dict) and list(data) == list(value), where
        for key in value:
            assert_json_is_the_type(value[key], data[key], f"{where}[{key!r}]")
    elif isinstance(value, tuple | list):
        assert isinstance(data, list) and len(data) == len(value), where
        for n, (item, got) in enumerate(zip(value, data, strict=True)):
            assert_json_is_the_type(item, got, f"{where}[{n}]")
    elif isinstance(value, datetime):
        assert data == value.astimezone(UTC).isoformat().replace("+00:00", "Z"), where
    else:
        assert data == value and type(data) is type(value), (where, data, value)


def brief_types() -> set[type]:
    """Brief and every dataclass its fields hold, at any depth."""
    found: set[type] = set()

    def visit(hint: object) -> None:
        if isinstance(hint, type) and is_dataclass(hint) and hint not in found:
            found.add(hint)
            for h in typing.get_type_hints(hint).values():
                visit(h)
        for arg in typing.get_args(hint):
            visit(arg)

    visit(Brief)
    return found


def test_brief_is_typed_to_the_leaves():
    """No dict bag left: every nested value of a brief is a declared dataclass, a tuple of them, or plain data."""
    assert brief_types() == {Brief, CitedSentence, StoryEntity, QuoteGroup, QuoteVariant, TimelineEntry}
    for cls in brief_types():
        for name, hint in typing.get_type_hints(cls).items():
            assert typing.Any not in (hint, *typing.get_args(hint)), f"{cls.__name__}.{name} is Any"


def test_json_carries_every_field_of_the_brief_types():
    b = hostile_brief()
    assert all(getattr(b, name) for name in _field_names(Brief))  # one of each nested type at least
    data = json.loads(render(b, "json"))
    assert list(data) == ["schema", *_field_names(Brief)] and data["schema"] == "storyline.brief/1"
    assert_json_is_the_type(b, {k: v for k, v in data.items() if k != "schema"})
    assert data == brief_to_dict(b)


def test_json_of_a_real_story_is_its_types(dam_story):
    _, _, b = dam_story
    assert b.quote_groups and b.single_source_claims and b.entities
    data = brief_to_dict(b)
    assert_json_is_the_type(b, {k: v for k, v in data.items() if k != "schema"})


def test_markdown_and_html_link_each_cited_article_to_its_address():
    said = CitedSentence(text="The port reopened.", article_id="a1", source="Courier", lang="en")
    other = CitedSentence(text="Le port a rouvert.", article_id="a2", source="Le Jour", lang="fr")
    timeline = tuple(TimelineEntry(time=None, published=False, article_id=i, source="x", lang="en", title="T",
                                   url=url, copy_of=None)
                     for i, url in [("a1", "https://courier.example/port?id=1"), ("a2", "javascript:alert(1)")])
    brief = Brief("s1", "Port", (said, other), (), (), (said,), timeline, {"en": ("Courier",)})
    md, html = to_markdown(brief), render(brief, "html")
    assert "The port reopened. — *Courier* (en, `a1`) [article](https://courier.example/port?id=1)" in md
    assert '<a href="https://courier.example/port?id=1" rel="noopener noreferrer"><code>a1</code></a>' in html
    assert "javascript:" not in md and "javascript:" not in html  # only http(s) addresses are linked
