"""The story list's indexes both backends make on first need (each backend's ``READ_SCHEMA`` runs them from
its ``prepare_reads``, beside its own text-search table); all IF NOT EXISTS, so idempotent, and an ingest
that no one reads pays nothing for them."""

from __future__ import annotations

READ_INDEXES: tuple[str, ...] = (
    # the story list's orders (storage.portable.search): by time the undated stories come last
    "CREATE INDEX IF NOT EXISTS web_stories_recent_dated ON stories("
    "(last_seen IS NULL), substr(COALESCE(last_seen, updated), 1, 10) DESC, size DESC, seq DESC)",
    "CREATE INDEX IF NOT EXISTS web_stories_latest_dated ON stories("
    "(last_seen IS NULL), COALESCE(last_seen, updated) DESC, seq DESC)",
    "CREATE INDEX IF NOT EXISTS web_stories_size ON stories(size DESC, seq DESC)",
    # a page's dated spans (``dated_spans``) read this index alone, not each article of each story
    "CREATE INDEX IF NOT EXISTS web_articles_published ON articles(story_id, published)",
    # the sources active over a story's span (``active_sources``, a story's blind spots) read this index alone
    "CREATE INDEX IF NOT EXISTS web_articles_when ON articles(published, source, lang)",
    # a story's near-copies (``COPIES_OF_STORY``: sizes with a copy counted once) read this small index alone
    "CREATE INDEX IF NOT EXISTS web_articles_copies ON articles(story_id, duplicate_of) WHERE duplicate_of IS NOT NULL",
)
