"""A brief as JSON-ready data (the stable schema of docs/brief-schema.md), text, Markdown or one HTML page.

Every format reads the typed ``Brief``. JSON is its fields as they are declared (nested types too),
after a ``schema`` key, so a field added to a type reaches the JSON, the web API and its schema at once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from datetime import datetime
from html import escape
from typing import Any, Protocol

from storyline.briefs.credits import credit, credited_sources, size_line
from storyline.dates import to_iso
from storyline.types import Brief, TimelineEntry

__all__ = ["FORMATS", "SCHEMA", "article_links", "brief_to_dict", "plain", "render", "to_html", "to_markdown",
           "to_text"]

SCHEMA = "storyline.brief/1"
FORMATS = ("text", "md", "json", "html")


class _Cited(Protocol):
    """What a shown sentence, quote variant or timeline entry names: its article, source and language."""

    @property
    def article_id(self) -> str: ...

    @property
    def source(self) -> str: ...

    @property
    def lang(self) -> str: ...


class _Said(_Cited, Protocol):
    """A cited item with words of its own (a summary sentence or a claim)."""

    @property
    def text(self) -> str: ...


def _data(value: object) -> Any:
    """A brief value as JSON data: a dataclass as an object of its fields in order, tuples as lists, times as ISO."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _data(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {key: _data(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_data(item) for item in value]
    if isinstance(value, datetime):
        return to_iso(value)
    return value


def brief_to_dict(brief: Brief) -> dict[str, Any]:
    """The brief as plain JSON data; keys and their meaning are documented in docs/brief-schema.md.

    >>> d = brief_to_dict(Brief("s1", "Bridge closes", (), (), (), (), (), {"en": ("daily",)}))
    >>> list(d)[:5]
    ['schema', 'story_id', 'headline', 'summary', 'entities']
    >>> list(d)[5:]
    ['quote_groups', 'single_source_claims', 'timeline', 'sources']
    >>> d["sources"]
    {'en': ['daily']}
    """
    return {"schema": SCHEMA, **_data(brief)}


# C0/C1 controls (terminal escape sequences) and bidi overrides (text that displays other than it reads)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_BREAKS = re.compile(r"\s*[\n\r\u2028\u2029]+\s*")


def plain(value: Any) -> str:
    r"""A stored value as one safe line: no control characters, no line breaks (a value cannot forge lines).

    >>> plain("Port\x1b[2J strike\nSources")
    'Port[2J strike Sources'
    """
    return _BREAKS.sub(" ", _CONTROLS.sub("", "" if value is None else str(value)))


def _cite(item: _Cited) -> str:
    return f"{plain(item.source or 'unknown')} ({plain(item.lang)}) [{plain(item.article_id)}]"


def _when(entry: TimelineEntry) -> str:
    """A timeline time as people read it; an undated article (time = when it was ingested) says so."""
    iso = to_iso(entry.time)
    if iso is None or not entry.published:
        return "undated"
    return iso[:16].replace("T", " ")


def to_text(brief: Brief) -> str:
    """Plain text for a terminal: every stored value kept to its line, control characters removed."""
    p = plain
    out = [p(brief.headline) or f"story {p(brief.story_id)}",
           f"story {p(brief.story_id)} · {size_line(brief)} · "
           f"languages: {', '.join(p(k) for k in brief.sources) or '-'}", ""]
    if brief.summary:
        out.append("Summary")
        for n, s in enumerate(brief.summary, 1):
            out += [f"  {n}. {p(s.text)}", f"     — {_cite(s)}"]
        out.append("")
    if brief.entities:
        out.append("Key entities")
        for e in brief.entities:
            forms = [p(f) for f in e.forms if f != e.name][:3]
            also = f"; also {', '.join(forms)}" if forms else ""
            out.append(f"  {p(e.name)} ({p(e.kind)}, {e.count} mentions in {e.articles} articles{also})")
        out.append("")
    if brief.quote_groups:
        out.append("Quotes across sources")
        for g in brief.quote_groups:
            out.append(f"  {p(g.speaker or 'unattributed')} — {len(g.variants)} articles, "
                       f"{', '.join(p(x) for x in g.languages)}")
            for v in g.variants:
                out.append(f"    “{p(v.text)}” — {_cite(v)}")
        out.append("")
    if brief.single_source_claims:
        out.append("Only one source says")
        for c in brief.single_source_claims:
            out += [f"  - {p(c.text)}", f"    — {_cite(c)}"]
        out.append("")
    out.append("Timeline")
    for t in brief.timeline:
        copy = f" (copy of [{p(t.copy_of)}])" if t.copy_of else ""
        out.append(f"  {_when(t):<16}  {p(t.lang)}  {p(t.source)}: {p(t.title)} [{p(t.article_id)}]{copy}")
    out += ["", "Sources"]
    out += [f"  {p(x.lang)}: {', '.join(credit(s, c, p) for s, c in x.sources)}" for x in credited_sources(brief)]
    return "\n".join(out) + "\n"


# What Markdown (CommonMark, GitHub tables, strikethrough and math) may read as syntax inside a line:
# emphasis, code, links and images, HTML and entities, table cells. Values never start a line (line
# breaks are removed), so only a leading list or heading marker needs escaping besides these.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|!&~$])")
_MD_LEADING = re.compile(r"^([-+=])")


def _md(value: Any) -> str:
    r"""A stored value as inert Markdown text: one line, every syntax character escaped.

    >>> _md("x` <img src=x onerror=alert(1)> *y* [a](javascript:b)")
    'x\\` \\<img src=x onerror=alert(1)\\> \\*y\\* \\[a\\](javascript:b)'
    """
    return _MD_LEADING.sub(r"\\\1", _MD_SPECIAL.sub(r"\\\1", plain(value)))


def _code(value: Any) -> str:
    r"""A stored value as one Markdown code span that cannot be closed from inside (CommonMark: the fence
    is one backtick longer than any run of backticks in the value).

    >>> _code("a1"), _code("x`<img onerror=alert(1)>`")
    ('`a1`', '`` x`<img onerror=alert(1)>` ``')
    """
    text = plain(value)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


_LINKABLE = re.compile(r"https?://[^\s<>()\[\]`\\\"']+", re.IGNORECASE)


def article_links(brief: Brief) -> dict[str, str]:
    """Article id -> its web address (from the timeline), for the addresses safe to link: http(s) only,
    none of the characters that could end a Markdown link or an HTML attribute.

    >>> from storyline.types import TimelineEntry
    >>> t = [TimelineEntry(None, False, "a1", "x", "en", "T", "https://x.example/a?b=1", None),
    ...      TimelineEntry(None, False, "a2", "x", "en", "T", "javascript:alert(1)", None)]
    >>> article_links(Brief("s1", "", (), (), (), (), tuple(t), {}))
    {'a1': 'https://x.example/a?b=1'}
    """
    return {t.article_id: t.url for t in brief.timeline if t.url and _LINKABLE.fullmatch(t.url)}


def _md_cite(item: _Cited, links: Mapping[str, str]) -> str:
    link = f" [article]({links[item.article_id]})" if item.article_id in links else ""
    return f"*{_md(item.source or 'unknown')}* ({_md(item.lang)}, {_code(item.article_id)}){link}"


def to_markdown(brief: Brief) -> str:
    """Markdown for notes, issues and wikis; every stored value escaped (text) or fenced (ids); each cited
    article linked to its web address when it has one."""
    links = article_links(brief)
    title = _md(brief.headline) if brief.headline else "story " + _md(brief.story_id)
    out = [f"# {title}", "", f"Story {_code(brief.story_id)} · {size_line(brief)} · "
           f"{', '.join(_md(k) for k in brief.sources)}", ""]
    if brief.summary:
        out += ["## Summary", ""]
        out += [f"{n}. {_md(s.text)} — {_md_cite(s, links)}" for n, s in enumerate(brief.summary, 1)] + [""]
    if brief.entities:
        out += ["## Key entities", "", ", ".join(f"**{_md(e.name)}** ({int(e.articles)})" for e in brief.entities), ""]
    if brief.quote_groups:
        out += ["## Quotes across sources", ""]
        for g in brief.quote_groups:
            out += [f"**{_md(g.speaker or 'unattributed')}**", ""]
            out += [f"> {_md(v.text)} — {_md_cite(v, links)}\n>" for v in g.variants]
            out.append("")
    if brief.single_source_claims:
        out += ["## Only one source says", ""]
        out += [f"- {_md(c.text)} — {_md_cite(c, links)}" for c in brief.single_source_claims] + [""]
    out += ["## Timeline", "", "| time | lang | source | title | article |", "|---|---|---|---|---|"]
    out += [f"| {_md(_when(t))} | {_md(t.lang)} | {_md(t.source)} | {_md(t.title)} | {_code(t.article_id)}"
            + (f" [link]({links[t.article_id]})" if t.article_id in links else "")
            + (f" copy of {_code(t.copy_of)}" if t.copy_of else "") + " |" for t in brief.timeline]
    out += ["", "## Sources", ""]
    out += [f"- **{_md(x.lang)}**: {', '.join(credit(s, c, _md) for s, c in x.sources)}"
            for x in credited_sources(brief)]
    return "\n".join(out) + "\n"


_CSS = """
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;background:#fafafa}
main{max-width:46rem;margin:0 auto;padding:1rem}h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0}
h2{font-size:1.1rem;margin:1.6rem 0 .4rem;border-bottom:1px solid #ddd}.meta,.cite{color:#555;font-size:.85rem}
.lang{display:inline-block;padding:0 .35em;border-radius:.3em;background:#e4ecf7;color:#17406d;font-size:.75rem;font-weight:600}
blockquote{margin:.3rem 0;padding:.2rem .7rem;border-left:3px solid #8aa4c8;background:#fff}
.group{margin:.8rem 0;padding:.5rem;background:#f0f3f7;border-radius:.4rem}.speaker{font-weight:600}
ul,ol{padding-left:1.3rem}li{margin:.35rem 0}.chips span{display:inline-block;margin:.15rem;padding:.1rem .5rem;
border-radius:1rem;background:#eee}table{border-collapse:collapse;width:100%;font-size:.9rem}
td{border-top:1px solid #e3e3e3;padding:.25rem .3rem;vertical-align:top;overflow-wrap:anywhere}
@media (max-width:30rem){body{font-size:15px}main{padding:.6rem}}
"""  # noqa: E501 (the page's style, kept as it ships)


def _e(value: object) -> str:
    return escape(str(value if value is not None else ""))


def _html_cite(item: _Cited, links: Mapping[str, str]) -> str:
    article = f"<code>{_e(item.article_id)}</code>"
    if item.article_id in links:
        article = f'<a href="{_e(links[item.article_id])}" rel="noopener noreferrer">{article}</a>'
    source = _e(item.source or "unknown")
    return f'<span class="cite"><span class="lang">{_e(item.lang)}</span> {source} · {article}</span>'


def _said(item: _Said, links: Mapping[str, str]) -> str:
    return f'<span lang="{_e(item.lang)}">{_e(item.text)}</span> {_html_cite(item, links)}'


def to_html(brief: Brief) -> str:
    """One self-contained HTML page: inline CSS, no scripts, every text escaped, readable on a phone; each
    cited article linked to its web address when it has one."""
    e = _e
    links = article_links(brief)
    title = e(brief.headline or f"story {brief.story_id}")
    body = [f"<h1>{title}</h1>", f'<p class="meta">story {e(brief.story_id)} · {size_line(brief)} · '
            f'{e(", ".join(brief.sources))}</p>']
    if brief.summary:
        body += ["<h2>Summary</h2><ol>"] + [f"<li>{_said(s, links)}</li>" for s in brief.summary] + ["</ol>"]
    if brief.entities:
        chips = "".join(f'<span title="{e(x.kind)}: {e(", ".join(x.forms))}">{e(x.name)} '
                        f"<small>{x.articles}</small></span>" for x in brief.entities)
        body.append(f'<h2>Key entities</h2><p class="chips">{chips}</p>')
    if brief.quote_groups:
        body.append("<h2>Quotes across sources</h2>")
        for g in brief.quote_groups:
            body.append(f'<div class="group"><div class="speaker">{e(g.speaker or "unattributed")}</div>')
            body += [f'<blockquote lang="{e(v.lang)}">{e(v.text)}</blockquote>{_html_cite(v, links)}'
                     for v in g.variants]
            body.append("</div>")
    if brief.single_source_claims:
        body += ["<h2>Only one source says</h2><ul>"]
        body += [f"<li>{_said(c, links)}</li>" for c in brief.single_source_claims] + ["</ul>"]
    rows = "".join(f'<tr><td>{e(_when(t))}</td><td><span class="lang">{e(t.lang)}</span></td><td>{e(t.source)}</td>'
                   f'<td lang="{e(t.lang)}">{_linked(e(t.title), links.get(t.article_id))}'
                   + (f' <small class="copy">copy of <code>{e(t.copy_of)}</code></small>' if t.copy_of else "")
                   + "</td></tr>" for t in brief.timeline)
    body.append(f"<h2>Timeline</h2><table>{rows}</table>")
    body += ["<h2>Sources</h2><ul>"] + [f'<li><span class="lang">{e(x.lang)}</span> '
                                        f'{", ".join(credit(s, c, e) for s, c in x.sources)}</li>'
                                        for x in credited_sources(brief)] + ["</ul>"]
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title><style>{_CSS}</style></head><body><main>\n"
            + "\n".join(body) + "\n</main></body></html>\n")


def _linked(html: str, url: str | None) -> str:
    return f'<a href="{_e(url)}" rel="noopener noreferrer">{html}</a>' if url else html


def _json(brief: Brief) -> str:
    return json.dumps(brief_to_dict(brief), ensure_ascii=False, indent=2) + "\n"


_RENDERERS: dict[str, Callable[[Brief], str]] = {"text": to_text, "md": to_markdown, "json": _json, "html": to_html}


def render(brief: Brief, fmt: str = "text") -> str:
    """The brief in one of ``FORMATS``: text, md, json or html."""
    if fmt not in _RENDERERS:
        raise ValueError(f"unknown brief format {fmt!r}; use one of {', '.join(FORMATS)}")
    return _RENDERERS[fmt](brief)
