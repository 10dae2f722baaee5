"""An entity's stories across languages, with its merged spellings: what an entity page shows.

Entities are not stored: a story's entities are merged from its articles when its brief is made
(``briefs.facts.merge_entities``). So the page asks the store's text search for the stories whose
articles hold one of the entity's spellings (its gazetteer aliases in every covered language, or the
name itself), at most ``CANDIDATES`` of them, and keeps those whose merged entities include the entity
as the brief would show it. Everything read goes through the ``Store`` protocol.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from storyline.coverage.names import page_title
from storyline.entities import gazetteer_key, normalise_name
from storyline.gazetteer import entries
from storyline.storage import Store, StoryFilter
from storyline.types import Article, StoryEntity

__all__ = ["CANDIDATES", "EntityPage", "EntityStory", "entity_page", "spellings_to_search"]

CANDIDATES = 200  # stories checked at most (best text matches first)
_MAX_SPELLINGS = 40  # spellings searched at most
_MIN_LETTERS = 3  # shorter spellings ("US") match too many words as prefixes; the longer ones find the stories
_MAX_FORMS = 12


@dataclass(frozen=True)
class EntityStory:
    """One story that names the entity: the story as lists show it, and how it names the entity."""

    story_id: str
    headline: str
    size: int
    languages: tuple[str, ...]
    first_published: str | None
    last_published: str | None
    mentions: int
    articles: int  # its articles that name the entity
    entity_languages: tuple[str, ...]  # the languages of those articles
    forms: tuple[str, ...]  # how they spell it, most used first
    copies: int = 0  # the story's near-copies, counted once with their originals in ``size``


@dataclass(frozen=True)
class EntityPage:
    """An entity across stories: its name (a proper name in the reading language when its stories use one:
    ``names.page_title``), kind, every spelling merged into it (the name first, then the most used), the
    languages it is named in, and its stories, newest first (undated last)."""

    key: str
    name: str
    kind: str
    forms: tuple[str, ...]
    languages: tuple[str, ...]
    stories: tuple[EntityStory, ...]
    checked: int  # candidate stories read (at most ``CANDIDATES``)


def spellings_to_search(key: str) -> list[str]:
    """The words to look an entity up by: its gazetteer aliases, else the key itself (a normalised name).

    >>> "Siria" in spellings_to_search("syria"), spellings_to_search("marta olsen")
    (True, ['marta olsen'])
    """
    for gazetteer_entry, _, aliases in entries():
        if gazetteer_entry == key:
            seen: dict[str, str] = {}
            for alias in aliases:
                norm = normalise_name(alias)
                if sum(c.isalnum() for c in norm) >= _MIN_LETTERS:
                    seen.setdefault(norm, alias)
            return list(seen.values())[:_MAX_SPELLINGS]
    return [key]


def names_entity(entity: StoryEntity, key: str) -> bool:
    """Whether a story's merged entity is the one with ``key`` (its own key, or one of its spellings')."""
    return entity.key == key or any(normalise_name(f) == key or gazetteer_key(f) == key for f in entity.forms)


def _merged(articles: Sequence[Article]) -> list[StoryEntity]:
    from storyline.briefs.facts import merge_entities

    return merge_entities(articles, limit=10_000)


def _spelled(articles: Sequence[Article], entity: StoryEntity, into: dict[str, Counter]) -> None:
    """Count, per language, how the ``articles`` of one story spell ``entity`` (its merged forms)."""
    from storyline.briefs.facts import article_entities

    forms = set(entity.forms)
    for article in articles:
        for found in article_entities(article):
            if found.text in forms or found.key == entity.key:
                into.setdefault(article.lang, Counter())[found.text] += found.count


def entity_page(store: Store, key: str, lang: str | None = None) -> EntityPage | None:
    """The stories that name the entity ``key`` (a ``StoryEntity.key``), None when none does; titled for a
    reader of ``lang`` (a language code, or None). The text search index must be up to date
    (``Store.sync_search``)."""
    key = key.strip()
    candidates: list[str] = []
    for words in spellings_to_search(key):
        for story_id in store.text_ranked(words, StoryFilter(), CANDIDATES):
            if story_id not in candidates and len(candidates) < CANDIDATES:
                candidates.append(story_id)
    by_story: dict[str, list[Article]] = defaultdict(list)
    for story_id, article in store.articles_of_stories(candidates):
        by_story[story_id].append(article)
    found: dict[str, StoryEntity] = {}
    spelled: dict[str, Counter] = {}
    for story_id in candidates:
        match = next((e for e in _merged(by_story[story_id]) if names_entity(e, key)), None)
        if match is not None:
            found[story_id] = match
            _spelled(by_story[story_id], match, spelled)
    if not found:
        return None
    rows = [r for r in store.story_rows(list(found)) if not r.get("merged_into")]
    rows.sort(key=lambda r: r.get("last_published") or "", reverse=True)
    rows.sort(key=lambda r: r.get("last_published") is None)
    forms: Counter = Counter()
    kinds: Counter = Counter()
    names: Counter = Counter()  # each story's own name for it (its most used spelling there), by articles
    for entity in found.values():
        kinds[entity.kind] += entity.articles
        names[entity.name] += entity.articles
        for rank, form in enumerate(entity.forms):
            forms[form] += entity.articles * (len(entity.forms) - rank)  # earlier forms are the more used
    stories = tuple(
        EntityStory(r["id"], r["headline"], r["size"], tuple(r["languages"]), r.get("first_published"),
                    r.get("last_published"), found[r["id"]].count, found[r["id"]].articles,
                    found[r["id"]].languages, found[r["id"]].forms, r.get("copies", 0))
        for r in rows)
    if not stories:
        return None
    languages = tuple(sorted({lang for s in stories for lang in s.entity_languages}))
    title = page_title(key, spelled, lang)
    name = title or names.most_common(1)[0][0]
    kind = kinds.most_common(1)[0][0]
    if title and kind == "nationality":
        kind = "place"  # named by the place now, not by its adjective ("Germany", not "tedesco")
    ordered = (name, *(f for f, _ in forms.most_common(_MAX_FORMS) if f != name))[:_MAX_FORMS]
    return EntityPage(key, name, kind, ordered, languages, stories, len(candidates))
