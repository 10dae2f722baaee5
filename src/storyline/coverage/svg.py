"""The coverage chart drawn server-side as inline SVG (no script, no external file): stacked bars of
original articles per language over time, a legend and a caption. One drawing for the story page and
the HTML brief; it scales to its box (``viewBox``), from a 320 px phone to a laptop (at most 26rem wide).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from html import escape

from storyline.coverage.types import Chart, ChartBar

__all__ = ["PALETTE", "chart_html", "colour"]

# Okabe-Ito colours (told apart with the common colour-vision deficiencies); languages past these are grey
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#8C7A00")
OTHER = "#888888"
WIDTH, HEIGHT = 300, 150
LEFT, RIGHT, TOP, BOTTOM = 26, 8, 10, 28
FONT = 11  # user units: about 10 px on a 320 px phone, 16 px at the widest


def colour(chart: Chart, lang: str) -> str:
    """The fill of a language's bars: by its place in the chart's stacking order."""
    n = chart.languages.index(lang) if lang in chart.languages else len(PALETTE)
    return PALETTE[n] if n < len(PALETTE) else OTHER


def _label(t: datetime, step: str) -> str:
    if "hour" in step:
        return f"{t.day} {t:%b %H:%M}"
    return f"{t.day} {t:%b}" if "day" in step else f"{t.day} {t:%b %Y}"


def _bar_title(bar: ChartBar, step: str) -> str:
    parts = ", ".join(f"{c.lang} {c.articles}" for c in bar.counts)
    noun = "article" if bar.total == 1 else "articles"
    return f"{_label(bar.start, step)} (+{step}): {bar.total} {noun}" + (f" ({parts})" if parts else "")


def _svg(chart: Chart) -> str:
    e = escape
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    base = TOP + plot_h
    n = len(chart.bars)
    slot = plot_w / n
    bar_w = max(slot * 0.8, 1.0)
    peak = max(chart.peak, 1)
    out = [f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#999" stroke-width="1"/>',
           f'<line x1="{LEFT}" y1="{TOP}" x2="{WIDTH - RIGHT}" y2="{TOP}" stroke="#ddd" stroke-width="1"/>',
           f'<text x="{LEFT - 4}" y="{base}" text-anchor="end" dominant-baseline="middle">0</text>',
           f'<text x="{LEFT - 4}" y="{TOP}" text-anchor="end" dominant-baseline="middle">{peak}</text>']
    for i, bar in enumerate(chart.bars):
        x = LEFT + i * slot + (slot - bar_w) / 2
        rects, y = [], float(base)
        for count in bar.counts:
            h = plot_h * count.articles / peak
            y -= h
            rects.append(f'<rect class="bar" data-lang="{e(count.lang)}" x="{x:.1f}" y="{y:.1f}" '
                         f'width="{bar_w:.1f}" height="{h:.1f}" fill="{colour(chart, count.lang)}"/>')
        out.append(f'<g class="step" data-total="{bar.total}"><title>{e(_bar_title(bar, chart.step))}</title>'
                   + "".join(rects) + "</g>")
    marks = sorted({0, n - 1} | ({(n - 1) // 2} if n >= 5 else set()))
    for i in marks:
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        x = LEFT + i * slot + (0 if anchor == "start" else slot if anchor == "end" else slot / 2)
        out.append(f'<text class="tick" x="{x:.1f}" y="{base + FONT + 4}" text-anchor="{anchor}">'
                   f"{e(_label(chart.bars[i].start, chart.step))}</text>")
    total = sum(b.total for b in chart.bars)
    summary = (f"Articles over time by language: {total} dated original articles in {n} steps of "
               f"{chart.step}, at most {chart.peak} in one step")
    return (f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{e(summary)}" '
            f'font-size="{FONT}" fill="currentColor" style="display:block;max-width:26rem;height:auto">'
            + "".join(out) + "</svg>")


def _swatch(fill: str) -> str:
    return ('<svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
            f'<rect width="12" height="12" rx="2" fill="{fill}"/></svg>')


def chart_html(chart: Chart, name_of: Callable[[str], str] = str) -> str:
    """The chart as one escaped HTML ``<figure>``: the SVG, a legend (``name_of`` names a language code) and
    a caption saying the step and what is not drawn; a short note when no article is dated."""
    e = escape
    if not chart.bars:
        return ('<figure class="coverage-chart"><figcaption>No dated article: nothing to draw '
                f"({chart.undated} undated).</figcaption></figure>")
    totals = {lang: sum(c.articles for b in chart.bars for c in b.counts if c.lang == lang) for lang in chart.languages}
    legend = "".join(f'<li data-lang="{e(lang)}">{_swatch(colour(chart, lang))} {e(name_of(lang))} '
                     f"<small>{totals[lang]}</small></li>" for lang in chart.languages)
    undated = f"; {chart.undated} undated not drawn" if chart.undated else ""
    return (f'<figure class="coverage-chart">{_svg(chart)}<figcaption><ul class="legend">{legend}</ul>'
            f"Original articles (copies counted once) per {e(chart.step)}, UTC{undated}.</figcaption></figure>")
