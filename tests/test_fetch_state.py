"""Fetch state survives restarts and never half-writes."""

from __future__ import annotations

import pytest

from storyline.fetch_state import FetchState
from storyline.storage import open_store


def connect(path):
    return open_store(path)


def test_url_outcomes_survive_a_reopen(tmp_path) -> None:
    db = tmp_path / "s.db"
    state = FetchState(connect(db))
    state.record("https://n.example/a", "ingested", article_id="a1", etag='"x"', feed_url="https://n.example/rss")
    state.record("https://n.example/b", "failed", reason="http_5xx", detail="HTTP 503")
    state.store.close()

    again = FetchState(connect(db))
    a = again.get("https://n.example/a")
    assert a is not None and a.status == "ingested" and a.article_id == "a1" and a.etag == '"x"' and a.attempts == 1
    assert again.is_settled("https://n.example/a")
    assert not again.is_settled("https://n.example/b")  # transient: worth another try
    assert again.get("https://n.example/none") is None
    assert again.counts() == {"ingested": 1, "failed": 1}


def test_transient_failures_settle_after_max_attempts(tmp_path) -> None:
    state = FetchState(connect(tmp_path / "s.db"), max_attempts=2)
    state.record("https://n.example/b", "failed", reason="timeout")
    assert not state.is_settled("https://n.example/b")
    state.record("https://n.example/b", "failed", reason="timeout")
    assert state.is_settled("https://n.example/b")
    assert state.get("https://n.example/b").attempts == 2


def test_article_id_and_first_seen_are_kept_on_update(tmp_path) -> None:
    state = FetchState(connect(tmp_path / "s.db"))
    state.record("https://n.example/a", "ingested", article_id="a1")
    first = state.get("https://n.example/a")
    state.record("https://n.example/a", "already_stored")
    later = state.get("https://n.example/a")
    assert later.article_id == "a1" and later.first_seen == first.first_seen and later.status == "already_stored"


def test_feed_validators_are_kept_when_asked(tmp_path) -> None:
    state = FetchState(connect(tmp_path / "s.db"))
    state.record_feed("https://n.example/rss", "ok", etag='"v1"', last_modified="Thu, 14 Mar 2024 09:30:00 GMT",
                      items_new=3)
    state.record_feed("https://n.example/rss", "interrupted", etag='"v2"', keep_validators=True, items_new=1)
    feed = state.feed("https://n.example/rss")
    assert feed.etag == '"v1"' and feed.last_status == "interrupted" and feed.polls == 2 and feed.items_new == 4
    state.record_feed("https://n.example/rss", "ok", etag='"v3"')
    assert state.feed("https://n.example/rss").etag == '"v3"'
    assert state.feed("https://n.example/other") is None


def test_writes_join_an_open_transaction_and_roll_back_with_it(tmp_path) -> None:
    store = connect(tmp_path / "s.db")
    state = FetchState(store)
    with pytest.raises(RuntimeError), store.transaction():
        state.record("https://n.example/a", "ingested")
        raise RuntimeError("the caller's transaction fails")
    assert state.get("https://n.example/a") is None
    with pytest.raises(ValueError):
        state.record("https://n.example/a", "maybe")


def test_a_write_outside_a_transaction_is_committed_at_once(tmp_path) -> None:
    state = FetchState(connect(tmp_path / "s.db"))
    state.record("https://n.example/a", "rejected", reason="http_404")
    other = FetchState(connect(tmp_path / "s.db"))
    assert other.counts() == {"rejected": 1}
