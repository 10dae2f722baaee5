"""The SQLite schema: versioned migrations (each entry runs once, in order: PRAGMA user_version),
and the tables and indexes made on first need (fetch state; the web's list indexes and search).

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

from storyline.storage.portable.schema import READ_INDEXES

# The page size of a new database file (SQLite's default is 4096): a vector row (1 KB) or a full-text article
# row (2–4 KB) packs into 8 KB pages with far less left unused (measured in benchmarks/bench_dbsize.py).
PAGE_SIZE = 8192

# The briefs' sentence cache (migration 2), made again under another name by migration 9
_SENTENCES_TABLE = """
    CREATE TABLE {name} (
        article_id TEXT NOT NULL,
        encoder TEXT NOT NULL,
        idx INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT,
        vector BLOB NOT NULL,
        PRIMARY KEY (article_id, encoder, idx)
    );
"""

MIGRATIONS: tuple[str, ...] = (
    # 1: the core schema
    """
    CREATE TABLE articles (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        url TEXT,
        source TEXT,
        published TEXT,
        lang TEXT NOT NULL,
        lang_confidence REAL NOT NULL,
        ingested TEXT NOT NULL,
        origin TEXT NOT NULL,
        removed TEXT NOT NULL DEFAULT '[]',
        extra TEXT NOT NULL DEFAULT '{}',
        duplicate_of TEXT,
        story_id TEXT NOT NULL,
        similarity REAL NOT NULL
    );
    CREATE INDEX articles_story ON articles(story_id, seq);
    CREATE INDEX articles_url ON articles(url);
    CREATE INDEX articles_hash ON articles(content_hash);
    CREATE TABLE vectors (article_id TEXT PRIMARY KEY, encoder TEXT NOT NULL, vector BLOB NOT NULL);
    CREATE TABLE minhashes (article_id TEXT PRIMARY KEY, signature BLOB NOT NULL);
    CREATE TABLE stories (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'active',
        size INTEGER NOT NULL DEFAULT 0,
        first_seen TEXT,
        last_seen TEXT,
        languages TEXT NOT NULL DEFAULT '[]',
        sources TEXT NOT NULL DEFAULT '[]',
        headline TEXT NOT NULL DEFAULT '',
        headline_article TEXT,
        merged_into TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX stories_last_seen ON stories(status, last_seen);
    CREATE TABLE story_lineage (
        story_id TEXT NOT NULL, kind TEXT NOT NULL, other_id TEXT NOT NULL, at TEXT NOT NULL
    );
    CREATE TABLE rejections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        origin TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', at TEXT NOT NULL
    );
    CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
    """,
    # 2: sentence and quote embeddings of articles, cached for briefs (storyline.briefs.cache)
    _SENTENCES_TABLE.format(name="sentences"),
    # 3: nothing looks articles up by content hash (re-ingest checks the hash of the same id), and a
    # random-order index costs every insert a page write once the database outgrows the cache
    """
    DROP INDEX IF EXISTS articles_hash;
    """,
    # 4: one row per rejected input and reason: a re-run updates it (``times`` counts the runs) instead
    # of storing it again; the repeats older runs stored are folded into one row
    """
    CREATE TABLE rejections_once (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        origin TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '', at TEXT NOT NULL,
        times INTEGER NOT NULL DEFAULT 1,
        UNIQUE (origin, reason)
    );
    INSERT INTO rejections_once(origin, reason, detail, at, times)
        WITH runs AS (SELECT MIN(id) AS first, MAX(id) AS last, COUNT(*) AS times FROM rejections
                      GROUP BY origin, reason)
        SELECT r.origin, r.reason, r.detail, r.at, runs.times FROM runs JOIN rejections r ON r.id = runs.last
        ORDER BY runs.first;
    DROP TABLE rejections;
    ALTER TABLE rejections_once RENAME TO rejections;
    """,
    # 5: a story's span is that of its dated articles: an undated article's ingest time is no publication
    # time (shown and sorted as one, it put undated stories before every dated one); none dated, no span
    """
    UPDATE stories SET
        first_seen = (SELECT MIN(published) FROM articles WHERE articles.story_id = stories.id),
        last_seen = (SELECT MAX(published) FROM articles WHERE articles.story_id = stories.id)
    WHERE status != 'merged';
    """,
    # 6: search by meaning and watches. ``story_vectors`` holds each story's sum of member vectors (its
    # centroid, unnormalised) and count, filled lazily by ``sync_search`` up to the ``story_vectors``
    # counter (an article seq); ``watches`` are saved searches, ``watch_hits`` the stories they caught
    # and how each webhook notice went (delivery: none, pending, sent, failed)
    """
    CREATE TABLE story_vectors (
        story_id TEXT PRIMARY KEY, encoder TEXT NOT NULL, total BLOB NOT NULL, count INTEGER NOT NULL
    );
    CREATE TABLE watches (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        query TEXT NOT NULL, lang TEXT, webhook TEXT, encoder TEXT, vector BLOB, created TEXT NOT NULL
    );
    CREATE TABLE watch_hits (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        watch_id INTEGER NOT NULL, story_id TEXT NOT NULL, kind TEXT NOT NULL, size INTEGER NOT NULL,
        at TEXT NOT NULL, delivery TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX watch_hits_watch ON watch_hits(watch_id, id);
    """,
    # 7: storylines — the thread above stories (storyline.storylines): each story's storyline, with the
    # rare-name counts, size and span the online linker resumes from; merges of storylines are kept
    """
    CREATE TABLE storylines (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        merged_into TEXT,
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE TABLE storyline_stories (
        story_id TEXT PRIMARY KEY,
        storyline_id TEXT NOT NULL,
        names TEXT NOT NULL DEFAULT '[]',
        size INTEGER NOT NULL,
        first REAL,
        last REAL,
        step INTEGER NOT NULL
    );
    CREATE INDEX storyline_stories_line ON storyline_stories(storyline_id);
    CREATE INDEX storyline_stories_step ON storyline_stories(step);
    """,
    # 8: article vectors stored as float16 (storage.stored_form.FLOAT16), not float32: a 512-dimension
    # row of 2 KB took a whole 4 KB page. The table is copied converted (``float16_vector``, registered by
    # ``migrations.migrate``), so the new rows are packed; the old pages go to the free list, which later
    # writes reuse (``VACUUM`` hands them back to the disk at once)
    """
    CREATE TABLE vectors_f16 (article_id TEXT PRIMARY KEY, encoder TEXT NOT NULL, vector BLOB NOT NULL);
    INSERT INTO vectors_f16(article_id, encoder, vector)
        SELECT article_id, encoder, float16_vector(vector) FROM vectors ORDER BY rowid;
    DROP TABLE vectors;
    ALTER TABLE vectors_f16 RENAME TO vectors;
    """,
    # 9: briefs' cached sentence vectors stored as float16 too (storage.stored_form.SENTENCE_DTYPE), copied
    # converted as migration 8 did the article vectors: a briefed article's cache rows (float32, 2 KB each,
    # about 30 an article) were most of a database that serves briefs
    _SENTENCES_TABLE.format(name="sentences_f16") + """
    INSERT INTO sentences_f16(article_id, encoder, idx, kind, text, speaker, vector)
        SELECT article_id, encoder, idx, kind, text, speaker, float16_vector(vector) FROM sentences ORDER BY rowid;
    DROP TABLE sentences;
    ALTER TABLE sentences_f16 RENAME TO sentences;
    """,
    # 10: article vectors stored as one signed byte per dimension and a float32 scale per row
    # (storage.stored_form.vector_blob), not float16: a 512-dimension row of 1 KB becomes 516 bytes. Copied
    # converted (``int8_vector``, registered by ``migrations.migrate``) as migration 8 did; briefs' sentence
    # vectors stay float16
    """
    CREATE TABLE vectors_i8 (article_id TEXT PRIMARY KEY, encoder TEXT NOT NULL, vector BLOB NOT NULL);
    INSERT INTO vectors_i8(article_id, encoder, vector)
        SELECT article_id, encoder, int8_vector(vector) FROM vectors ORDER BY rowid;
    DROP TABLE vectors;
    ALTER TABLE vectors_i8 RENAME TO vectors;
    """,
)

# What the fetcher has seen (storyline.fetch_state); created on first use, all IF NOT EXISTS.
FETCH_SCHEMA = """
CREATE TABLE IF NOT EXISTS fetch_urls (
    url           TEXT PRIMARY KEY,
    status        TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    detail        TEXT NOT NULL DEFAULT '',
    final_url     TEXT,
    feed_url      TEXT,
    article_id    TEXT,
    etag          TEXT,
    last_modified TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    first_seen    TEXT NOT NULL,
    last_attempt  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fetch_urls_status ON fetch_urls(status);
CREATE TABLE IF NOT EXISTS fetch_feeds (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    last_polled   TEXT,
    last_status   TEXT NOT NULL DEFAULT '',
    last_detail   TEXT NOT NULL DEFAULT '',
    polls         INTEGER NOT NULL DEFAULT 0,
    items_new     INTEGER NOT NULL DEFAULT 0
);
"""

# The story list's indexes (shared: storage.portable.schema) and the text-search table (made by
# ``prepare_reads``; all IF NOT EXISTS, so idempotent, and an ingest that no one reads pays nothing for them).
READ_SCHEMA: tuple[str, ...] = (
    "DROP INDEX IF EXISTS web_stories_recent",  # the orders before undated stories were sorted apart
    "DROP INDEX IF EXISTS web_stories_latest",
    *READ_INDEXES,
    "CREATE VIRTUAL TABLE IF NOT EXISTS article_search USING fts5("
    "title, text, content='', tokenize='unicode61 remove_diacritics 2')",
)
