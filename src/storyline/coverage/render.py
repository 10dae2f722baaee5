"""A story's coverage as a section of an exported brief: plain text, Markdown or HTML (with the chart).

Every stored value goes through the brief's own escaping (``briefs.render``): one line, no control
characters; Markdown syntax escaped, ids fenced; HTML escaped.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from html import escape

from storyline.briefs.render import _code, _md, plain
from storyline.coverage.svg import chart_html
from storyline.coverage.types import Coverage, LanguageCoverage, Reporter

__all__ = ["coverage_html", "coverage_lines", "coverage_markdown", "totals_line", "with_coverage"]


def _when(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M")


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


def totals_line(c: Coverage) -> str:
    """One line of totals, copies counted once.

    >>> from storyline.coverage import coverage_of
    >>> totals_line(coverage_of("s1", []))
    '0 articles from 0 sources in 0 languages'
    """
    copies = (f" (+{_plural(c.copies, 'near-copy', 'near-copies')} counted with "
              f"{'its' if c.copies == 1 else 'their'} original)") if c.copies else ""
    return (f"{_plural(c.articles, 'article')}{copies} from {_plural(c.sources, 'source')} "
            f"in {_plural(len(c.languages), 'language')}")


def _sources(lang: LanguageCoverage, quote: Callable[[str], str]) -> str:
    named = [f"{quote(s.source)} {s.articles}" + (f" (+{s.copied} copied)" if s.copied else "") for s in lang.sources]
    if lang.copiers:
        named.append("copies only: " + ", ".join(quote(x) for x in lang.copiers))
    return "; ".join(named)


def _first(r: Reporter, quote: Callable[[str], str], ident: Callable[[str], str]) -> str:
    return f"{quote(r.source)} ({quote(r.lang)}) at {_when(r.time)} UTC {ident(r.article_id)}"


def coverage_lines(c: Coverage) -> list[str]:
    """The coverage as plain-text lines for a terminal (a "Coverage" heading first)."""
    p = plain
    out = ["Coverage", f"  {totals_line(c)}"]
    if c.first:
        out.append(f"  first: {_first(c.first, p, lambda i: f'[{p(i)}]')}")
    for lang in c.languages:
        out.append(f"  {p(lang.lang)}: {_plural(lang.articles, 'article')} — {_sources(lang, p)}")
    for o in c.copied:
        for copy in o.copies:
            out.append(f"  copy: {p(copy.source)} [{p(copy.article_id)}] of {p(o.source)} [{p(o.article_id)}]")
    for bar in c.chart.bars:
        counts = ", ".join(f"{p(x.lang)} {x.articles}" for x in bar.counts)
        out.append(f"  {_when(bar.start)}  {'#' * bar.total:<{c.chart.peak}}  {counts}".rstrip())
    if c.blind_spots and c.blind_spots.languages:
        b = c.blind_spots
        out.append(f"  blind spots (active {_when(b.since)} – {_when(b.until)} UTC, did not carry it):")
        for group in b.languages:
            more = f" and {group.more} more" if group.more else ""
            quiet = ", ".join(f"{p(s.source)} ({s.articles})" for s in group.sources)
            out.append(f"    {p(group.lang)}: {quiet}{more}")
    return out


def coverage_markdown(c: Coverage) -> list[str]:
    """The coverage as Markdown lines (a "## Coverage" section)."""
    out = ["## Coverage", "", totals_line(c) + ".", ""]
    if c.first:
        out += [f"First: {_first(c.first, _md, _code)}", ""]
    out += [f"- **{_md(lang.lang)}**: {_plural(lang.articles, 'article')} — {_sources(lang, _md)}"
            for lang in c.languages]
    if c.copied:
        out += ["", "Near-copies, credited to their originals:", ""]
        out += [f"- *{_md(copy.source)}* {_code(copy.article_id)} copies *{_md(o.source)}* {_code(o.article_id)}"
                for o in c.copied for copy in o.copies]
    if c.chart.bars:
        out += ["", f"Articles per {c.chart.step} (UTC):", "", "| from | articles | by language |", "|---|---|---|"]
        out += [f"| {_when(bar.start)} | {bar.total} | {', '.join(f'{_md(x.lang)} {x.articles}' for x in bar.counts)} |"
                for bar in c.chart.bars]
    if c.blind_spots and c.blind_spots.languages:
        b = c.blind_spots
        out += ["", f"Blind spots: active from {_when(b.since)} to {_when(b.until)} UTC, did not carry it:", ""]
        out += [f"- **{_md(g.lang)}**: " + ", ".join(f"{_md(s.source)} ({s.articles})" for s in g.sources)
                + (f" and {g.more} more" if g.more else "") for g in b.languages]
    return [*out, ""]


def coverage_html(c: Coverage) -> str:
    """The coverage as one HTML ``<section>``: totals, sources by language, copies, the chart, blind spots."""
    e = escape
    body = [f'<section class="coverage"><h2>Coverage</h2><p>{e(totals_line(c))}.</p>']
    if c.first:
        body.append(f"<p>First: {e(_first(c.first, str, lambda i: f'[{i}]'))}</p>")
    body.append("<ul>" + "".join(f'<li><span class="lang">{e(lang.lang)}</span> {_plural(lang.articles, "article")}'
                                 f" — {e(_sources(lang, str))}</li>" for lang in c.languages) + "</ul>")
    if c.copied:
        body.append("<p>Near-copies, credited to their originals:</p><ul>" + "".join(
            f"<li>{e(copy.source)} <code>{e(copy.article_id)}</code> copies {e(o.source)} "
            f"<code>{e(o.article_id)}</code></li>" for o in c.copied for copy in o.copies) + "</ul>")
    body.append(chart_html(c.chart))
    if c.blind_spots and c.blind_spots.languages:
        b = c.blind_spots
        body.append(f"<p>Blind spots: active from {_when(b.since)} to {_when(b.until)} UTC, did not carry it:</p><ul>")
        body += [f'<li><span class="lang">{e(g.lang)}</span> '
                 + e(", ".join(f"{s.source} ({s.articles})" for s in g.sources))
                 + (f" and {g.more} more" if g.more else "") + "</li>" for g in b.languages]
        body.append("</ul>")
    return "".join(body) + "</section>"


def with_coverage(rendered: str, fmt: str, coverage: Coverage) -> str:
    """A rendered brief (``briefs.render``) with the story's coverage added: a last section in text and
    Markdown, a section before the end of the HTML page, a ``coverage`` key in JSON."""
    if fmt == "json":
        from storyline.coverage import coverage_to_dict

        data = json.loads(rendered)
        return json.dumps({**data, "coverage": coverage_to_dict(coverage)}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "html":
        head, end, tail = rendered.rpartition("</main>")
        return f"{head}{coverage_html(coverage)}\n{end}{tail}" if end else rendered
    lines = coverage_markdown(coverage) if fmt == "md" else coverage_lines(coverage)
    return rendered.rstrip("\n") + "\n\n" + "\n".join(lines).rstrip("\n") + "\n"
