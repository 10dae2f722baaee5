"""What the API and the pages show, assembled once for both: story detail, article, comparison, ingest."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from typing import Any

from storyline.coverage import coverage_to_dict, story_coverage
from storyline.errors import InputError, NotFoundError
from storyline.storage import StoryFilter
from storyline.types import Brief, RawRecord, Rejection
from storyline.web import checks
from storyline.web.state import AppState
from storyline.web.storylines import story_storyline

log = logging.getLogger("storyline.web")

MAX_ITEMS = 1000  # articles per POST: bigger batches belong in `storyline ingest`
FRONT_PAGE = 30  # stories whose briefs `storyline serve` keeps built: the story list's first page
BRIEF_WATCH_SECONDS = 5.0  # how often `storyline serve` looks for new articles to brief


def brief_for(state: AppState, story: dict[str, Any], lang: str | None,
              wait: float = 0.0) -> tuple[Brief | None, str | None, str]:
    """The story's brief if it is built as the story is now, else None and why not, and its status:
    ``ready``, ``pending`` (asked of the app's brief worker; waited for up to ``wait`` seconds),
    ``failed`` or ``unavailable``. A request never builds a brief itself."""
    try:
        from storyline.briefs import build_brief
    except ImportError:
        return None, "story briefs are not available in this installation", "unavailable"
    key = (story["id"], story["size"], story["updated"], lang)

    def build() -> Brief:
        store = state.store()  # the brief worker's own connection
        made_by = store.story_vector_encoder(story["id"])
        # The app's encoder only if it made the stored vectors; else briefs picks the matching one.
        encoder = state.encoder if made_by in (None, state.encoder.name) else None
        return build_brief(store, story["id"], lang=lang, encoder=encoder)

    found = state.brief_state(key, build, wait)
    if found.status == "pending":
        return None, "The brief is being written; it appears here when ready.", "pending"
    return found.brief, found.error, found.status


def prepare_briefs(state: AppState, story_ids: Iterable[str]) -> None:
    """Ask the brief worker for the briefs of stories that just changed, so a reader finds them ready."""
    store = state.store()
    for story_id in dict.fromkeys(story_ids):
        story = store.story_row(story_id)
        if story is not None and not story["merged_into"] and story["size"]:
            brief_for(state, story, None)


def prepare_front_page(state: AppState, limit: int = FRONT_PAGE) -> int:
    """Ask for the briefs of the stories on the list's first page (newest first): what readers open next,
    whichever process (``ingest``, ``fetch``, ``follow``, a POST) added their articles. Returns how many."""
    rows, _ = state.store().story_page(StoryFilter(limit=limit))
    wanted = [row["id"] for row in rows if row["size"]]
    prepare_briefs(state, wanted)
    return len(wanted)


def watch_for_briefs(state: AppState, stop: threading.Event, every: float = BRIEF_WATCH_SECONDS) -> None:
    """Until ``stop``: whenever articles arrived (``content_version``), ask for the front page's briefs."""
    seen = -1
    while not stop.is_set():
        try:
            version = state.store().content_version()
            if version != seen:
                prepare_front_page(state)
                seen = version
        except Exception:  # a failed round only means the next page view asks for its brief itself
            log.exception("preparing briefs failed")
        stop.wait(every)


def story_detail(state: AppState, story_id: str, *, lang: str | None = None,
                 with_brief: bool = True, wait: float = 0.0) -> dict[str, Any]:
    """A story row, its articles and its ``Brief`` when ready (for pages; the API sends ``story_json``
    of it); ``brief_status`` says whether it is ``ready`` or still ``pending`` (waited for up to ``wait``
    seconds). Raises NotFoundError for an unknown id."""
    store = state.store()
    story = store.story_row(story_id)
    if story is None:
        raise NotFoundError(f"no story {story_id!r}", hint="list stories with GET /api/stories")
    detail = dict(story)
    detail["brief"], detail["brief_error"], detail["note"] = None, None, None
    detail["brief_status"] = "none"
    if story["merged_into"]:  # its articles live in the story it joined: say where, list none here
        detail["merged_into"] = store.final_story(story_id)
        detail["note"] = f"merged into {detail['merged_into']}"
        detail["articles"], detail["storyline"], detail["coverage"] = [], None, None
        return detail
    detail["articles"] = store.story_article_rows(story_id)
    detail["coverage"] = story_coverage(store, story_id)
    detail["storyline"] = story_storyline(store, story_id)
    if with_brief and detail["articles"]:
        detail["brief"], detail["brief_error"], detail["brief_status"] = brief_for(state, story, lang, wait)
    return detail


def story_json(detail: dict[str, Any]) -> dict[str, Any]:
    """A story detail as the API answers it: the brief as its JSON data (docs/brief-schema.md)."""
    coverage = detail.get("coverage")
    detail = {**detail, "coverage": coverage_to_dict(coverage) if coverage is not None else None}
    brief = detail["brief"]
    if brief is None:
        return detail
    from storyline.briefs import brief_to_dict

    return {**detail, "brief": brief_to_dict(brief)}


def article_detail(state: AppState, article_id: str) -> dict[str, Any]:
    found = state.store().article_row(article_id)
    if found is None:
        raise NotFoundError(f"no article {article_id!r}", hint="article ids are listed in GET /api/stories/{id}")
    return found


def compare_articles(state: AppState, a: str, b: str) -> dict[str, Any]:
    """Pair score of two stored articles on the SemEval scale (1 same story … 4 unrelated), with evidence."""
    from storyline.similarity import compare, label

    store = state.store()
    first, second = store.get_article(a), store.get_article(b)
    if first is None:
        raise NotFoundError(f"no article {a!r} (parameter a)", hint="pass two article ids from GET /api/stories/{id}")
    if second is None:
        raise NotFoundError(f"no article {b!r} (parameter b)", hint="pass two article ids from GET /api/stories/{id}")
    use, wide = state.pair_encoders
    score = compare(first.text, second.text, title_a=first.title, title_b=second.title,
                    lang_a=first.lang, lang_b=second.lang, published_a=first.published,
                    published_b=second.published, encoder=use, wide=wide or False)
    return {
        "a": a, "b": b, "overall": score.overall, "label": label(score.overall), "cosine": score.cosine,
        "shared_entities": list(score.shared_entities),
        "matched_sentences": [{"a": x, "b": y, "cosine": c} for x, y, c in score.matched_sentences],
        "date_gap_days": score.date_gap_days,
    }


def parse_items(body: bytes) -> list[Any]:
    """The articles of a POST body: one JSON object or a list of them. Raises InputError otherwise."""
    hint = 'send one JSON object like {"title": "...", "text": "..."} or a list of them'
    if not body.strip():
        raise InputError("the request body is empty", hint=hint)
    data = checks.load_json(body)  # NaN, Infinity and overflowing numbers are refused too
    items = data if isinstance(data, list) else [data]
    if not items:
        raise InputError("the list of articles is empty", hint=hint)
    if len(items) > MAX_ITEMS:
        raise InputError(f"{len(items)} articles in one request; at most {MAX_ITEMS}",
                         hint="split the list, or use `storyline ingest FILE.jsonl` for bulk loads")
    if not any(isinstance(item, dict) for item in items):
        raise InputError("no item is a JSON object", hint=hint)
    return items  # an item that is not an object is rejected on its own, the others ingested


def ingest_items(state: AppState, items: list[Any], origin: str) -> dict[str, Any]:
    """Ingest parsed items as if they were JSONL lines; answer with assignments and rejections."""
    from storyline.sources.files import parse_record

    limit = state.settings.max_bytes  # the same limit as a JSONL line given to `storyline ingest`
    records: list[RawRecord | Rejection] = []
    for n, item in enumerate(items):
        line = json.dumps(item, ensure_ascii=False)
        # under limit/4 characters no line can be over the limit: most items skip the encoding
        # (a lone surrogate, valid in JSON, counts as its 3 bytes: the engine replaces it)
        if len(line) > limit // 4 and len(line.encode("utf-8", "surrogatepass")) > limit:
            records.append(Rejection(f"{origin}:{n}", "too_long", f"item over {limit} bytes"))
        else:
            records.append(parse_record(line, f"{origin}:{n}"))
    records, warnings = checks.review(records)  # fields not used as given are reported
    report = state.ingest(records)
    prepare_briefs(state, (x.story_id for x in report.assignments))
    rejected_items = {_item_number(r.origin) for r in report.rejections}
    return {
        "ingested": report.ingested,
        "already_stored": report.already_stored,
        "duplicates": report.duplicates,
        "stories_created": report.stories_created,
        "stories_updated": report.stories_updated,
        "assignments": [
            {"article_id": x.article_id, "story_id": x.story_id, "similarity": round(float(x.similarity), 4),
             "is_new": x.is_new, "duplicate_of": x.duplicate_of}
            for x in report.assignments
        ],
        "rejected": [
            {"item": _item_number(r.origin), "reason": r.reason, "detail": r.detail}
            for r in report.rejections
        ],
        "warnings": [w for w in warnings if w["item"] not in rejected_items],
    }


def _item_number(origin: str) -> int | None:
    tail = origin.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None
