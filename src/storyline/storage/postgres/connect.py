"""Opening PostgreSQL connections from a Storyline location: a libpq URL (``postgresql://`` or
``postgres://``), optionally with ``?schema=NAME`` — Storyline's own parameter, not libpq's: the tables
then live in that schema (made if missing), so one database can hold several Storyline stores.
Without it they live in the first schema of the server's ``search_path`` (usually ``public``; a URL's
``options=-csearch_path%3DNAME`` sets that too).
"""

from __future__ import annotations

import os
import re
import sys
import zlib
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg.abc import Buffer
from psycopg.types.string import StrBinaryDumper, StrDumperUnknown

from storyline.errors import ConfigError, StoreError

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# advisory lock keys are (STORYLINE + purpose, hash of the schema): two stores in two schemas of one
# database never wait for each other
_STORYLINE = 0x53540000
LOCK_WRITER, LOCK_MIGRATE, LOCK_SEARCH, LOCK_STORY_IDS = 1, 2, 3, 4


@dataclass(frozen=True)
class Target:
    """Where a store lives: libpq's connection string (Storyline's parameters removed) and the schema
    named by ``?schema=`` (None: the server's search_path decides)."""

    conninfo: str
    schema: str | None


def parse_location(location: str) -> Target:
    """Split Storyline's ``schema`` parameter off a URL.

    >>> parse_location("postgresql://u@h:5433/news?schema=eval_1&sslmode=require")
    Target(conninfo='postgresql://u@h:5433/news?sslmode=require', schema='eval_1')
    >>> parse_location("postgres://h/news").schema is None
    True
    """
    parts = urlsplit(location)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [value for key, value in query if key == "schema"]
    schema = schemas[-1] if schemas else None
    if schema is not None and not _SCHEMA_NAME.fullmatch(schema):
        raise ConfigError(f"schema {schema!r} in {redact(location)} is no plain schema name",
                          hint="use lower-case letters, digits and _ (e.g. ?schema=news), starting with a letter")
    rest = urlencode([(key, value) for key, value in query if key != "schema"])
    return Target(urlunsplit(parts._replace(query=rest)), schema)


def with_schema(location: str, schema: str) -> str:
    """``location`` with ``?schema=`` set to ``schema`` (replacing one it had).

    >>> with_schema("postgresql://h/db?schema=a&sslmode=disable", "b")
    'postgresql://h/db?sslmode=disable&schema=b'
    """
    parts = urlsplit(location)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != "schema"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("schema", schema)])))


def redact(location: str) -> str:
    """The URL with its password hidden, for messages.

    >>> redact("postgresql://ann:s3cret@db.example/news")
    'postgresql://ann:***@db.example/news'
    """
    return re.sub(r"(://[^:/@]+:)[^@/]*@", r"\1***@", location)


def application_name() -> str:
    """What this process shows in pg_stat_activity (and so to a writer waiting for its lease)."""
    command = " ".join(os.path.basename(redact(arg)) for arg in sys.argv[:3])
    return f"storyline pid {os.getpid()}: {command}"[:63]


class _NulFreeText(StrDumperUnknown):
    """Strings sent without NUL characters, which PostgreSQL text cannot hold (SQLite keeps them): a
    stored text, a filter or an id with a NUL in it loses the NUL instead of failing the statement."""

    def dump(self, obj: str) -> Buffer | None:
        return super().dump(obj.replace("\x00", "") if "\x00" in obj else obj)


class _NulFreeBinary(StrBinaryDumper):
    """The binary-format twin of :class:`_NulFreeText`."""

    def dump(self, obj: str) -> Buffer | None:
        return super().dump(obj.replace("\x00", "") if "\x00" in obj else obj)


def connect(location: str, target: Target) -> psycopg.Connection:
    """An autocommit connection to ``target``; a clear StoreError when the server cannot be reached."""
    try:
        conn = psycopg.connect(target.conninfo, autocommit=True, application_name=application_name())
    except psycopg.Error as exc:
        raise StoreError(
            f"cannot connect to {redact(location)}: {str(exc).strip().splitlines()[0] if str(exc) else exc}",
            hint="check that the PostgreSQL server runs and the URL's host, port, user and database "
                 "(passwords: PGPASSWORD or ~/.pgpass)",
        ) from exc
    conn.adapters.register_dumper(str, _NulFreeText)
    conn.adapters.register_dumper(str, _NulFreeBinary)
    if target.schema is not None:
        conn.execute(f'SET search_path TO "{target.schema}"')
    return conn


def current_schema(conn: psycopg.Connection) -> str | None:
    """The schema new tables go to; None when the search_path names no existing schema."""
    row = conn.execute("SELECT current_schema()").fetchone()
    return row[0] if row else None


def lock_key(purpose: int, schema: str) -> tuple[int, int]:
    """The two-integer advisory lock key of one purpose in one schema.

    >>> lock_key(LOCK_WRITER, "public") == lock_key(LOCK_WRITER, "public") != lock_key(LOCK_WRITER, "x")
    True
    """
    return _STORYLINE + purpose, zlib.crc32(schema.encode()) & 0x7FFFFFFF
