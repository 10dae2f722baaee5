"""The coverage chart's numbers: original articles per language per time step (copies counted once).

The step is the smallest of ``STEPS`` that draws the story's dated span in at most ``MAX_BARS`` bars, so
a chart stays readable on a phone whether the story lasted an afternoon or a season.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from storyline.coverage.types import Chart, ChartBar, LangCount, Original

__all__ = ["MAX_BARS", "STEPS", "chart"]

MAX_BARS = 24
STEPS: tuple[tuple[str, timedelta], ...] = (
    ("1 hour", timedelta(hours=1)), ("3 hours", timedelta(hours=3)), ("6 hours", timedelta(hours=6)),
    ("12 hours", timedelta(hours=12)), ("1 day", timedelta(days=1)), ("1 week", timedelta(weeks=1)),
    ("4 weeks", timedelta(weeks=4)), ("12 weeks", timedelta(weeks=12)), ("1 year", timedelta(days=364)),
)
_EPOCH = datetime(1970, 1, 5, tzinfo=UTC)  # a Monday at midnight: steps of days and weeks start there


def _floor(t: datetime, step: timedelta) -> datetime:
    return _EPOCH + ((t - _EPOCH) // step) * step


def _step(first: datetime, last: datetime) -> tuple[str, timedelta]:
    for name, step in STEPS:
        if (_floor(last, step) - _floor(first, step)) // step + 1 <= MAX_BARS:
            return name, step
    return STEPS[-1]  # more than 24 years: more bars, still drawn


def chart(found: Sequence[Original]) -> Chart:
    """Bars from the first dated original's step to the last one's, empty steps included.

    >>> from datetime import datetime, UTC
    >>> at = lambda h: datetime(2026, 4, 14, h, 30, tzinfo=UTC)
    >>> c = chart([Original("a", "x", "en", at(8), "", ()), Original("b", "y", "es", at(10), "", ()),
    ...            Original("c", "z", "en", None, "", ())])
    >>> c.step, [b.total for b in c.bars], c.languages, c.undated
    ('1 hour', [1, 0, 1], ('en', 'es'), 1)
    """
    dated = [(o.time, o.lang) for o in found if o.time is not None]
    undated = len(found) - len(dated)
    if not dated:
        return Chart("1 hour", (), (), 0, undated)
    times = [t for t, _ in dated]
    name, step = _step(min(times), max(times))
    start = _floor(min(times), step)
    counts: dict[int, Counter] = {}
    for t, lang in dated:
        counts.setdefault((_floor(t, step) - start) // step, Counter())[lang] += 1
    totals = Counter(lang for _, lang in dated)
    order = tuple(sorted(totals, key=lambda lang: (-totals[lang], lang)))
    bars = []
    for n in range(max(counts) + 1):
        here = counts.get(n)
        stack = tuple(LangCount(lang, here[lang]) for lang in order if here[lang]) if here else ()
        bars.append(ChartBar(start + n * step, start + (n + 1) * step, stack, sum(c.articles for c in stack)))
    return Chart(name, tuple(bars), order, max(b.total for b in bars), undated)
