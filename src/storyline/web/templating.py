"""The pages' templates and every filter they use, in one Jinja environment; the reading language a page
is shown in. No route lives here: the page modules import it (it imports none of them)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment
from markupsafe import Markup

from storyline.briefs.credits import credit
from storyline.coverage import Coverage
from storyline.coverage.facts import credits_by_language
from storyline.coverage.render import totals_line
from storyline.coverage.svg import chart_html
from storyline.web.format import install_filters, language

PAGE_SIZE = 30  # stories or storylines a list page shows
# The cookie the story page's language menu sets (static/app.js), read when the URL names no ?lang=.
READING_COOKIE = "storyline_lang"
_LANG_CODE = re.compile(r"[a-z]{2,3}")


def install_coverage_filters(env: Environment) -> None:
    """The template filters coverage needs: ``chart`` (the drawn chart, languages named) and ``totals``."""
    env.filters.update(chart=lambda chart: Markup(chart_html(chart, language)), totals=totals_line,
                       credited=sources_line)


def sources_line(sources: list[str], coverage: Coverage | None) -> list[str]:
    """A story's sources as its page lists them: with near-copies, each source with original articles and
    the sources that copied it ("Telegraph (+ copied by spam.blog)"), as the brief's Sources list names them;
    a source that only carried copies is named there, not on its own. Without copies: ``sources`` as stored.

    >>> from storyline.coverage import coverage_of, Piece
    >>> c = coverage_of("s1", [Piece("a", "Wire", "en", None, ""), Piece("b", "blog", "en", None, "", "a")])
    >>> sources_line(["Wire", "blog"], c)
    ['Wire (+ copied by blog)']
    """
    if coverage is None or not coverage.copies:
        return list(sources)
    copiers: dict[str, set[str]] = {}
    for lang in credits_by_language(coverage.languages, coverage.copied):
        for source, by in lang.sources:
            copiers.setdefault(source, set()).update(by)
    return [credit(source, tuple(sorted(by))) for source, by in copiers.items()]


def reading_language(request: Request, lang: str | None) -> str | None:
    """The language a reader asked for: ``?lang=`` (empty: as written), else the page's remembered choice
    (the ``READING_COOKIE`` cookie the language menu sets), else none. Only a language code is taken."""
    chosen = lang if lang is not None else request.cookies.get(READING_COOKIE)
    chosen = (chosen or "").strip().lower()
    return chosen if _LANG_CODE.fullmatch(chosen) else None


templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
install_filters(templates.env)
install_coverage_filters(templates.env)
