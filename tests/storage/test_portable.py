"""The statements both backends run (storyline/storage/portable/) are the ones each backend's store uses:
no backend overrides a shared read with a copy of its own, and the shared helpers read both backends' forms."""

from __future__ import annotations

import pytest

from storyline.storage.portable import Portable, text_list
from storyline.storage.portable.articles import ArticleReads
from storyline.storage.portable.meaning import MeaningReads
from storyline.storage.portable.rejections import RejectionReads, SentenceReads
from storyline.storage.portable.search import StoryReads
from storyline.storage.portable.storylines import StorylineReads
from storyline.storage.portable.watches import WatchRows
from storyline.storage.postgres.store import PostgresStore
from storyline.storage.sqlite.store import SqliteStore

SHARED = (ArticleReads, StoryReads, MeaningReads, StorylineReads, RejectionReads, SentenceReads, WatchRows)
HOOKS = {"run", "own_transaction", "ids_in", "lists_hold_any", "search_query"}  # what each backend supplies


def _shared_methods() -> list[tuple[type, str]]:
    return [(part, name) for part in SHARED for name, value in vars(part).items()
            if callable(value) and not name.startswith("__") and name not in HOOKS]


@pytest.mark.parametrize("store_class", [SqliteStore, PostgresStore], ids=["sqlite", "postgres"])
def test_each_backend_runs_the_shared_statements_not_a_copy(store_class):
    copies = [f"{part.__name__}.{name}" for part, name in _shared_methods()
              if getattr(store_class, name) is not vars(part)[name]]
    assert not copies, f"{store_class.__name__} overrides shared reads: {copies}"


@pytest.mark.parametrize("store_class", [SqliteStore, PostgresStore], ids=["sqlite", "postgres"])
def test_each_backend_supplies_every_hook(store_class):
    missing = [name for name in HOOKS if getattr(store_class, name) is getattr(Portable, name, None)
               or getattr(store_class, name) is getattr(StoryReads, name)]
    assert not missing and isinstance(store_class.ARTICLE_HITS, str)


def test_the_shared_reads_cover_what_was_twice_written():
    """The reads of articles, stories, centroids and storylines all live here (a guard against drift)."""
    names = {name for _, name in _shared_methods()}
    assert {"get_vectors", "articles_of_stories", "story_page", "story_rows", "story_vectors",
            "list_storylines", "storyline_events", "list_watches", "sentence_vectors", "rejection_counts"} <= names


def test_a_text_list_reads_json_text_and_arrays_alike():
    assert text_list('["el", "en"]') == text_list(["el", "en"]) == ["el", "en"]
    assert text_list("[]") == text_list(()) == []
