"""The coverage chart's bars and their drawing, on invented originals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storyline.coverage.chart import MAX_BARS, chart
from storyline.coverage.svg import PALETTE, chart_html
from storyline.coverage.types import Original

T0 = datetime(2026, 4, 14, 8, 20, tzinfo=UTC)


def _original(article_id, lang, at):
    return Original(article_id, "src", lang, at, "", ())


def test_bars_stack_languages_per_step_with_empty_steps_kept():
    found = [_original("a", "en", T0), _original("b", "es", T0 + timedelta(minutes=10)),
             _original("c", "en", T0 + timedelta(hours=2)), _original("d", "de", None)]
    c = chart(found)
    assert c.step == "1 hour" and c.languages == ("en", "es") and c.undated == 1 and c.peak == 2
    assert [(b.start.hour, b.total, [(x.lang, x.articles) for x in b.counts]) for b in c.bars] == [
        (8, 2, [("en", 1), ("es", 1)]), (9, 0, []), (10, 1, [("en", 1)])]


def test_a_long_story_gets_wider_steps_never_more_than_the_phone_limit():
    c = chart([_original(str(n), "en", T0 + timedelta(days=3 * n)) for n in range(20)])  # two months
    assert c.step == "1 week" and len(c.bars) <= MAX_BARS
    assert sum(b.total for b in c.bars) == 20
    assert all(b.start.weekday() == 0 and b.start.hour == 0 for b in c.bars)  # weeks start on Monday


def test_the_drawing_has_a_bar_per_language_and_step_a_legend_and_no_script():
    html = chart_html(chart([_original("a", "en", T0), _original("b", "en", T0), _original("c", "es", T0)]),
                      name_of={"en": "English", "es": "Spanish"}.get)
    assert html.count('class="bar"') == 2 and 'data-total="3"' in html
    assert 'data-lang="en" x=' in html and PALETTE[0] in html and PALETTE[1] in html
    assert "English <small>2</small>" in html and "Spanish <small>1</small>" in html
    assert "<script" not in html and "viewBox=" in html and "http" not in html.replace("http://www.w3", "")


def test_a_story_with_no_dated_article_says_so_instead_of_drawing():
    html = chart_html(chart([_original("a", "en", None)]))
    assert "<svg" not in html and "No dated article" in html and "1 undated" in html


def test_stored_values_are_escaped_in_the_drawing():
    html = chart_html(chart([_original("a", '<img src=x onerror="alert(1)">', T0)]))
    assert "<img" not in html and "&lt;img" in html
