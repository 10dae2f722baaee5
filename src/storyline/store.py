"""SQLite storage (WAL): articles, vectors, stories, lineage, rejections; versioned migrations.

The database is the user's own: every table is plain SQL they can browse with any SQLite tool.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from storyline.dates import from_iso, to_iso, utcnow
from storyline.errors import ConfigError, NotFoundError, StoreError
from storyline.schema import MIGRATIONS
from storyline.types import Article, RemovedLine, Story


def vector_encoder(conn: sqlite3.Connection) -> str | None:
    """The encoder the vectors in a database come from (None while there are none): one per database."""
    row = conn.execute("SELECT encoder FROM vectors LIMIT 1").fetchone()
    return row[0] if row else None


def _casefold(value: object) -> object:
    return value.casefold() if isinstance(value, str) else value


def open_existing(path: str | Path, hint: str = "ingest something first (storyline ingest PATH) or pass --db FILE"
                  ) -> Store:
    """The database at ``path`` for reading, NotFoundError if there is none: opening creates a database,
    and a read must not leave an empty one behind at a mistyped path."""
    if str(path) != ":memory:" and not Path(path).exists():
        raise NotFoundError(f"database {path} does not exist", hint=hint)
    return Store(path)


class Store:
    """One SQLite database in WAL mode. Writes go through ``transaction()``.

    >>> store = Store(":memory:")
    >>> store.schema_version() == len(MIGRATIONS)
    True
    """

    def __init__(self, path: str | Path = "storyline.db") -> None:
        self.path = str(path)
        folder = Path(self.path).parent
        if self.path != ":memory:" and not self.path.startswith("file:") and not folder.is_dir():
            raise ConfigError(f"cannot create database {self.path}: folder {folder} does not exist",
                              hint=f"create it first (mkdir -p {folder}) or pass --db with a path in an "
                                   "existing folder")
        try:
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA busy_timeout=10000")
            # 64 MiB of page cache (default 2 MiB): inserts into the indexes of a large database
            # would otherwise read most of their pages back from the OS on every batch
            self.conn.execute("PRAGMA cache_size=-65536")
            # Unicode case folding for filters (SQLite's own lower() and NOCASE fold ASCII only)
            self.conn.create_function("casefold", 1, _casefold, deterministic=True)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open database {self.path}: {exc}",
                hint="pass --db with a path to a Storyline database, or a new file name to start one",
            ) from exc
        self._in_tx = False

    # ---------- schema ----------
    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        """Run the migrations this database lacks, one transaction each. The version is read again
        inside the transaction: another process opening the same new file may have just run it."""
        while True:
            version = self.schema_version()
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"database {self.path} has schema version {version}, newer than this Storyline knows",
                    hint="upgrade storyline, or use another --db",
                )
            if version == len(MIGRATIONS):
                return
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                if self.schema_version() == version:
                    for statement in MIGRATIONS[version].split(";"):
                        if statement.strip():
                            self.conn.execute(statement)
                    self.conn.execute(f"PRAGMA user_version={version + 1}")
                self.conn.execute("COMMIT")
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise

    def transaction(self) -> _Transaction:
        """``with store.transaction():`` — all or nothing."""
        return _Transaction(self)

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """``with store.snapshot():`` — reads that all see the database as of one moment (WAL)."""
        self.conn.execute("BEGIN")
        try:
            yield self
        finally:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    # ---------- counters and ids ----------
    def set_counter(self, name: str, value: int) -> None:
        """Raise a counter to ``value``; a counter never goes backwards."""
        self.conn.execute(
            "INSERT INTO counters(name, value) VALUES(?, ?) "
            "ON CONFLICT(name) DO UPDATE SET value=MAX(value, excluded.value)",
            (name, value),
        )

    def last_story_number(self) -> int:
        """The highest story number issued: the stored counter, or a higher story if one exists (a
        database written before writers took turns may hold stories past its counter)."""
        row = self.conn.execute("SELECT MAX(seq) FROM stories").fetchone()
        return max(self.counter("story"), row[0] or 0)

    def bump_counter(self, name: str) -> None:
        """Add one to a counter (0 when it does not exist yet)."""
        self.conn.execute(
            "INSERT INTO counters(name, value) VALUES(?, 1) ON CONFLICT(name) DO UPDATE SET value=value+1",
            (name,),
        )

    def counter(self, name: str) -> int:
        row = self.conn.execute("SELECT value FROM counters WHERE name=?", (name,)).fetchone()
        return row[0] if row else 0

    def vector_encoder(self) -> str | None:
        """The encoder the stored vectors come from (None while there are none)."""
        return vector_encoder(self.conn)

    # ---------- articles ----------
    def insert_article(
        self, article: Article, *, story_id: str, similarity: float, duplicate_of: str | None
    ) -> None:
        self.conn.execute(
            "INSERT INTO articles(id, content_hash, title, text, url, source, published, lang,"
            " lang_confidence, ingested, origin, removed, extra, duplicate_of, story_id, similarity)"
            " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            _article_values(article, story_id, similarity, duplicate_of),
        )

    def insert_articles(
        self,
        rows: Sequence[tuple[Article, str, float, str | None, np.ndarray, np.ndarray]],
        encoder: str,
    ) -> None:
        """Insert many (article, story id, similarity, duplicate_of, vector, MinHash signature)
        rows with one statement per table (``executemany``): a batch costs far fewer round trips."""
        self.conn.executemany(
            "INSERT INTO articles(id, content_hash, title, text, url, source, published, lang,"
            " lang_confidence, ingested, origin, removed, extra, duplicate_of, story_id, similarity)"
            " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [_article_values(a, story, sim, dup) for a, story, sim, dup, _, _ in rows],
        )
        self.conn.executemany(
            "INSERT OR REPLACE INTO vectors(article_id, encoder, vector) VALUES(?,?,?)",
            [(a.id, encoder, np.asarray(v, dtype=np.float32).tobytes()) for a, _, _, _, v, _ in rows],
        )
        self.conn.executemany(
            "INSERT OR REPLACE INTO minhashes(article_id, signature) VALUES(?,?)",
            [(a.id, np.asarray(sig, dtype=np.uint32).tobytes()) for a, _, _, _, _, sig in rows],
        )

    def insert_vector(self, article_id: str, encoder: str, vector: np.ndarray) -> None:
        blob = np.asarray(vector, dtype=np.float32).tobytes()
        self.conn.execute(
            "INSERT OR REPLACE INTO vectors(article_id, encoder, vector) VALUES(?,?,?)",
            (article_id, encoder, blob),
        )

    def insert_minhash(self, article_id: str, signature: np.ndarray) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO minhashes(article_id, signature) VALUES(?,?)",
            (article_id, np.asarray(signature, dtype=np.uint32).tobytes()),
        )

    def hash_of(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT content_hash FROM articles WHERE id=?", (article_id,))
        found = row.fetchone()
        return found[0] if found else None

    def get_article(self, article_id: str) -> Article | None:
        row = self.conn.execute(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id=?", (article_id,))
        found = row.fetchone()
        return _article_from_row(found) if found else None

    def find_article_by_url(self, url: str) -> Article | None:
        row = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE url=? ORDER BY seq LIMIT 1", (url,)
        )
        found = row.fetchone()
        return _article_from_row(found) if found else None

    def article_meta(self, article_id: str) -> dict[str, Any] | None:
        """Story, duplicate link and similarity of one article."""
        row = self.conn.execute(
            "SELECT story_id, duplicate_of, similarity FROM articles WHERE id=?", (article_id,)
        ).fetchone()
        if row is None:
            return None
        return {"story_id": row[0], "duplicate_of": row[1], "similarity": row[2]}

    def story_of(self, article_id: str) -> str | None:
        meta = self.article_meta(article_id)
        return meta["story_id"] if meta else None

    def get_vector(self, article_id: str) -> np.ndarray | None:
        row = self.conn.execute("SELECT vector FROM vectors WHERE article_id=?", (article_id,))
        found = row.fetchone()
        return np.frombuffer(found[0], dtype=np.float32) if found else None

    def get_vectors(self, article_ids: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        for chunk, marks in _in_chunks(article_ids):
            rows = self.conn.execute(
                f"SELECT article_id, vector FROM vectors WHERE article_id IN ({marks})", chunk
            )
            for article_id, blob in rows:
                found[article_id] = np.frombuffer(blob, dtype=np.float32)
        return found

    def iter_minhashes(self, last: int) -> Iterator[tuple[str, np.ndarray, str | None]]:
        """The newest ``last`` signatures, oldest first, with each article's duplicate link."""
        rows = self.conn.execute(
            "SELECT * FROM (SELECT a.seq, m.article_id, m.signature, a.duplicate_of FROM minhashes m"
            " JOIN articles a ON a.id = m.article_id ORDER BY a.seq DESC LIMIT ?) ORDER BY seq",
            (last,),
        )
        for _, article_id, blob, duplicate_of in rows:
            yield article_id, np.frombuffer(blob, dtype=np.uint32), duplicate_of

    def story_articles(self, story_id: str) -> list[Article]:
        rows = self.conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE story_id=? ORDER BY seq", (story_id,)
        )
        return [_article_from_row(r) for r in rows]

    def articles_of_stories(self, story_ids: Iterable[str]) -> list[tuple[str, Article]]:
        """(story id, article) of the given stories in arrival order (for rebuilding the clusterer)."""
        found: list[tuple[int, str, Article]] = []
        for chunk, marks in _in_chunks(list(story_ids)):
            rows = self.conn.execute(
                f"SELECT seq, story_id, {_ARTICLE_COLUMNS} FROM articles WHERE story_id IN ({marks})",
                chunk,
            )
            found.extend((r[0], r[1], _article_from_row(r[2:])) for r in rows)
        found.sort(key=lambda row: row[0])  # one order across chunks, not per chunk
        return [(story_id, article) for _, story_id, article in found]

    def duplicate_links(self, story_id: str) -> dict[str, str | None]:
        rows = self.conn.execute(
            "SELECT id, duplicate_of FROM articles WHERE story_id=?", (story_id,)
        )
        return dict(rows.fetchall())

    def count_articles(self) -> int:
        return self.conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]

    def article_story_pairs(self) -> list[tuple[str, str]]:
        return self.conn.execute("SELECT id, story_id FROM articles ORDER BY seq").fetchall()

    # ---------- stories ----------
    def create_story(self, story_id: str, seq: int) -> bool:
        """Create the story, or reopen it if it exists (a closed story can come back); True if new."""
        now = to_iso(utcnow())
        cur = self.conn.execute(
            "INSERT OR IGNORE INTO stories(seq, id, created, updated) VALUES(?,?,?,?)",
            (seq, story_id, now, now),
        )
        if cur.rowcount == 0:
            self.conn.execute(
                "UPDATE stories SET status='active', updated=? WHERE id=? AND status='closed'",
                (now, story_id),
            )
        return cur.rowcount == 1

    def refresh_story(self, story_id: str, headline: str, headline_article: str | None) -> None:
        """Recompute a story's size, span (of its dated articles), languages and sources from its articles."""
        rows = self.conn.execute(
            "SELECT lang, source, published FROM articles WHERE story_id=?",
            (story_id,),
        ).fetchall()
        times = sorted(t for _, _, t in rows if t)
        languages = sorted({lang for lang, _, _ in rows if lang})
        sources = sorted({src for _, src, _ in rows if src})
        self.conn.execute(
            "UPDATE stories SET size=?, first_seen=?, last_seen=?, languages=?, sources=?,"
            " headline=?, headline_article=?, updated=? WHERE id=?",
            (
                len(rows), times[0] if times else None, times[-1] if times else None,
                json.dumps(languages), json.dumps(sources, ensure_ascii=False),
                headline, headline_article, to_iso(utcnow()), story_id,
            ),
        )

    def grow_story(
        self, story_id: str, added: Sequence[tuple[str | None, str | None, str | None]]
    ) -> tuple[int, int]:
        """Fold new members' (lang, source, ISO publication time or None) into a story's summary row, without
        reading its articles: the cost depends on the batch, not on the story's size. A closed story
        that grows is open again (the batch's closing pass closes it anew if it is still past the window).
        Returns the story's (size before, size after).
        """
        row = self.conn.execute(
            "SELECT size, first_seen, last_seen, languages, sources FROM stories WHERE id=?",
            (story_id,),
        ).fetchone()
        if row is None:
            return 0, 0
        size, first, last = row[0], row[1], row[2]
        languages, sources = set(json.loads(row[3])), set(json.loads(row[4]))
        for lang, source, time in added:
            if lang:
                languages.add(lang)
            if source:
                sources.add(source)
            if time:
                first = time if first is None or time < first else first
                last = time if last is None or time > last else last
        self.conn.execute(
            "UPDATE stories SET size=?, first_seen=?, last_seen=?, languages=?, sources=?, updated=?,"
            " status=CASE status WHEN 'closed' THEN 'active' ELSE status END WHERE id=?",
            (
                size + len(added), first, last, json.dumps(sorted(languages)),
                json.dumps(sorted(sources), ensure_ascii=False), to_iso(utcnow()), story_id,
            ),
        )
        return size, size + len(added)

    def headline_candidates(
        self, story_id: str, last: int
    ) -> list[tuple[str, str, np.ndarray | None]]:
        """(id, title, vector or None) of a story's newest ``last`` members, oldest first; no texts read."""
        rows = self.conn.execute(
            "SELECT a.id, a.title, v.vector FROM articles a LEFT JOIN vectors v ON v.article_id = a.id"
            " WHERE a.story_id=? ORDER BY a.seq DESC LIMIT ?",
            (story_id, last),
        ).fetchall()
        return [
            (aid, title, None if blob is None else np.frombuffer(blob, dtype=np.float32))
            for aid, title, blob in reversed(rows)
        ]

    def set_headline(self, story_id: str, headline: str, headline_article: str | None) -> None:
        self.conn.execute(
            "UPDATE stories SET headline=?, headline_article=? WHERE id=?",
            (headline, headline_article, story_id),
        )

    def text_start(self, article_id: str, chars: int) -> str:
        """The first ``chars`` characters of an article's body."""
        row = self.conn.execute(
            "SELECT substr(text, 1, ?) FROM articles WHERE id=?", (chars, article_id)
        ).fetchone()
        return row[0] if row else ""

    def merge_story(self, absorbed: str, into: str) -> None:
        """Move every article of ``absorbed`` into ``into``; keep the old id with its lineage."""
        now = to_iso(utcnow())
        self.conn.execute("UPDATE articles SET story_id=? WHERE story_id=?", (into, absorbed))
        self.conn.execute(
            "UPDATE stories SET status='merged', merged_into=?, size=0, updated=? WHERE id=?",
            (into, now, absorbed),
        )
        self.conn.execute(
            "INSERT INTO story_lineage(story_id, kind, other_id, at) VALUES(?, 'merged_from', ?, ?)",
            (into, absorbed, now),
        )
        self.conn.execute(
            "INSERT INTO story_lineage(story_id, kind, other_id, at) VALUES(?, 'merged_into', ?, ?)",
            (absorbed, into, now),
        )

    def close_stories_before(self, cutoff: datetime) -> int:
        cur = self.conn.execute(
            "UPDATE stories SET status='closed' WHERE status='active' AND last_seen < ?",
            (to_iso(cutoff),),
        )
        return cur.rowcount

    def recent_story_ids(self, limit: int | None = None) -> list[str]:
        """Stories not merged away (open or closed), the most recently updated ``limit`` of them when
        given, oldest first: what a restarted clusterer holds in memory."""
        rows = self.conn.execute(
            "SELECT id FROM stories WHERE status!='merged' ORDER BY updated DESC, seq DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [r[0] for r in rows][::-1]

    def get_story(self, story_id: str) -> Story | None:
        row = self.conn.execute(f"SELECT {_STORY_COLUMNS} FROM stories WHERE id=?", (story_id,))
        found = row.fetchone()
        if found is None:
            return None
        return self._story_from_row(found)

    def list_stories(
        self, *, limit: int | None = None, offset: int = 0, include_merged: bool = False
    ) -> list[Story]:
        """Stories newest first by their dated articles; those with none dated after them, newest update first."""
        where = "" if include_merged else "WHERE status != 'merged'"
        sql = (
            f"SELECT {_STORY_COLUMNS} FROM stories {where}"
            " ORDER BY last_seen IS NULL, COALESCE(last_seen, updated) DESC, seq DESC"
        )
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [limit, offset]
        return [self._story_from_row(r, with_articles=False) for r in self.conn.execute(sql, params)]

    def _story_from_row(self, row: Sequence[Any], with_articles: bool = True) -> Story:
        story_id = row[0]
        article_ids: tuple[str, ...] = ()
        if with_articles:
            article_ids = tuple(
                r[0]
                for r in self.conn.execute(
                    "SELECT id FROM articles WHERE story_id=? ORDER BY seq", (story_id,)
                )
            )
        lineage = self.conn.execute(
            "SELECT other_id FROM story_lineage WHERE story_id=? AND kind='merged_from'", (story_id,)
        ).fetchall()
        return Story(
            id=story_id,
            article_ids=article_ids,
            first_seen=from_iso(row[1]),
            last_seen=from_iso(row[2]),
            languages=tuple(json.loads(row[3])),
            sources=tuple(json.loads(row[4])),
            status=row[5],
            headline=row[6],
            merged_from=tuple(r[0] for r in lineage),
            merged_into=row[7],
            size=row[8],
        )

    # ---------- rejections ----------
    def insert_rejection(self, origin: str, reason: str, detail: str) -> None:
        self.insert_rejections([(origin, reason, detail)])

    def insert_rejections(self, rows: Iterable[tuple[str, str, str]]) -> None:
        """Store (origin, reason, detail) rejections; one already stored for the same input and reason
        (a re-run) is updated, its ``times`` counted up, not stored twice."""
        now = to_iso(utcnow())
        self.conn.executemany(
            "INSERT INTO rejections(origin, reason, detail, at) VALUES(?,?,?,?)"
            " ON CONFLICT(origin, reason) DO UPDATE SET detail=excluded.detail, at=excluded.at, times=times+1",
            ((origin, reason, detail[:2000], now) for origin, reason, detail in rows),
        )

    def rejection_counts(self) -> dict[str, int]:
        rows = self.conn.execute("SELECT reason, COUNT(*) FROM rejections GROUP BY reason")
        return dict(rows.fetchall())

    # ---------- sentence cache (briefs) ----------
    def sentence_vectors(self, article_ids: Sequence[str], encoder: str) -> dict[str, dict[str, np.ndarray]]:
        """Cached sentence vectors by article, then by sentence text, for one encoder."""
        found: dict[str, dict[str, np.ndarray]] = {}
        ids = list(article_ids)
        for chunk, marks in _in_chunks(ids):
            rows = self.conn.execute(
                f"SELECT article_id, text, vector FROM sentences WHERE encoder=? AND article_id IN ({marks})",
                [encoder, *chunk],
            )
            for article_id, text, blob in rows:
                found.setdefault(article_id, {})[text] = np.frombuffer(blob, dtype=np.float32)
        return found

    def replace_sentences(
        self, article_id: str, encoder: str, rows: Sequence[tuple[str, str, str | None, np.ndarray]]
    ) -> None:
        """Replace one article's cached sentences: rows of (kind, text, speaker, vector), in order."""
        self.conn.execute("DELETE FROM sentences WHERE article_id=? AND encoder=?", (article_id, encoder))
        self.conn.executemany(
            "INSERT INTO sentences(article_id, encoder, idx, kind, text, speaker, vector)"
            " VALUES(?,?,?,?,?,?,?)",
            [
                (article_id, encoder, idx, kind, text, speaker, np.asarray(vec, dtype=np.float32).tobytes())
                for idx, (kind, text, speaker, vec) in enumerate(rows)
            ],
        )


_ARTICLE_COLUMNS = (
    "id, title, text, url, source, published, lang, lang_confidence, ingested, content_hash,"
    " origin, removed, extra"
)
_STORY_COLUMNS = (
    "id, first_seen, last_seen, languages, sources, status, headline, merged_into, size"
)


def _article_values(article: Article, story_id: str, similarity: float, duplicate_of: str | None) -> tuple:
    return (
        article.id, article.content_hash, article.title, article.text, article.url,
        article.source, to_iso(article.published), article.lang, article.lang_confidence,
        to_iso(article.ingested), article.origin,
        json.dumps([[r.line, r.reason] for r in article.removed], ensure_ascii=False),
        json.dumps(dict(article.extra), ensure_ascii=False, default=str),
        duplicate_of, story_id, similarity,
    )


def _in_chunks(ids: Sequence[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """Ids in slices small enough for one ``IN (?, ?, …)`` each, with their placeholders."""
    for start in range(0, len(ids), size):
        chunk = list(ids[start : start + size])
        yield chunk, ",".join("?" * len(chunk))


def _article_from_row(row: Sequence[Any]) -> Article:
    return Article(
        id=row[0], title=row[1], text=row[2], url=row[3], source=row[4],
        published=from_iso(row[5]), lang=row[6], lang_confidence=row[7],
        ingested=from_iso(row[8]), content_hash=row[9], origin=row[10],
        removed=tuple(RemovedLine(line, reason) for line, reason in json.loads(row[11])),
        extra=json.loads(row[12]),
    )


class _Transaction:
    def __init__(self, store: Store) -> None:
        self._store = store

    def __enter__(self) -> Store:
        self._store.conn.execute("BEGIN IMMEDIATE")
        return self._store

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self._store.conn.execute("COMMIT")
        else:
            self._store.conn.execute("ROLLBACK")
