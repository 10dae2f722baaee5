"""The web fixture corpus (web_corpus) plus what coverage needs: a spam copy of the bridge story's English
article, and a source that published during the story's window about something else (a blind spot)."""

from __future__ import annotations

from web_corpus import corpus

COPY = {"id": "bridge-copy", "lang": "en", "source": "Copycat Blog", "url": "https://copycat.example/bridge",
        "published": "2026-04-14T09:00:00Z"}
QUIET = {"id": "weather-en", "lang": "en", "source": "Valley Weather", "published": "2026-04-14T15:00:00Z",
         "title": "Late snow expected on the northern passes of Tolvar",
         "text": "Forecasters expect up to forty centimetres of late snow on the northern mountain passes of "
                 "Tolvar on Wednesday night and warned drivers to carry chains until the weekend."}


def coverage_corpus() -> list[dict]:
    rows = corpus()
    original = next(r for r in rows if r["id"] == "bridge-en")
    return [*rows, {**original, **COPY}, dict(QUIET)]
