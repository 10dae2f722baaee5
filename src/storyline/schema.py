"""The database schema as versioned migrations: each entry runs once, in order (PRAGMA user_version).

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

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
    """
    CREATE TABLE sentences (
        article_id TEXT NOT NULL,
        encoder TEXT NOT NULL,
        idx INTEGER NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        speaker TEXT,
        vector BLOB NOT NULL,
        PRIMARY KEY (article_id, encoder, idx)
    );
    """,
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
)
