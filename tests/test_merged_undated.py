"""A merged story says where it went, and undated articles are never shown with their ingest time as a
publication date (issue 16, small ones): CLI `show`/`stories`/`brief`, the JSON API and the pages."""

from __future__ import annotations

import json
import sqlite3

import httpx
import pytest
from click.testing import CliRunner

from storyline.cli import main
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.storage import open_store
from storyline.types import RawRecord
from web_corpus import Server, corpus

FERRY = ("Ferry service to the island of Mirel resumes after the winter storms",
         "The ferry service between Corvana and the island of Mirel resumed on Monday after three weeks of "
         "winter storms kept the boats in port, the operator said, with extra crossings planned for the weekend.")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("merged") / "m.db"
    rows = corpus()
    with Engine(path, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin=f"f:{n}", **row) for n, row in enumerate(rows)])
        # an undated copy arrives first, the dated original later: one story, its dates mixed
        engine.ingest_records([RawRecord(origin="u:1", id="ferry-undated", title=FERRY[0], text=FERRY[1],
                                         source="Island Notes")])
        engine.ingest_records([RawRecord(origin="u:2", id="ferry-dated", title=FERRY[0],
                                         text=FERRY[1] + " Tickets are free.",
                                         source="Harbour Herald", published="2026-04-13T07:00:00Z")])
        engine.ingest_records([RawRecord(origin="u:3", id="note-undated", source="Desk",
                                         title="Volunteers repaint the lighthouse of Capo Varena in three days",
                                         text="Twenty volunteers repainted the old lighthouse of Capo Varena over "
                                              "three days, using paint donated by the shipyard.")])
    # one story per event whatever the clusterer made of them (the hashing encoder is no judge of events):
    # regrouped by hand in the SQLite file, as no Storyline writer would
    groups = {"t-bridge": ("bridge-en", "bridge-es", "bridge-de"), "t-museum": ("museum-it", "museum-en"),
              "t-chess": ("chess-en",), "t-ferry": ("ferry-dated", "ferry-undated"), "t-note": ("note-undated",),
              "t-orchard": ("orchard-fr",)}
    with sqlite3.connect(path) as conn:
        seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM stories").fetchone()[0]
        for n, (sid, members) in enumerate(groups.items(), 1):
            conn.execute("INSERT INTO stories(seq, id, created, updated) VALUES(?, ?, ?, ?)",
                         (seq + n, sid, "2026-04-16T00:00:00Z", "2026-04-16T00:00:00Z"))
            conn.execute(f"UPDATE articles SET story_id=? WHERE id IN ({','.join('?' * len(members))})",
                         (sid, *members))
        conn.execute("DELETE FROM stories WHERE id NOT LIKE 't-%'")
        # the undated ones arrived "long ago": shown as if published, they would sort before every dated one
        conn.execute("UPDATE articles SET ingested='2020-01-01T00:00:00Z' WHERE published IS NULL")
    conn.close()
    store = open_store(path)
    with store.transaction():
        for sid in groups:
            store.refresh_story(sid, sid.replace("t-", "story of the "), None)
        # museum's story is merged into chess's, which is merged in turn into bridge's: a chain
        store.merge_story("t-museum", "t-chess")
        store.merge_story("t-chess", "t-bridge")
        store.refresh_story("t-bridge", "story of the bridge", None)
    story = dict(store.article_story_pairs())
    story["museum-it"] = "t-museum"
    store.close()
    return path, story


def cli(*args):
    return CliRunner().invoke(main, list(args))


def test_show_a_merged_story_says_where_it_went(db):
    path, story = db
    result = cli("show", story["museum-it"], "--db", str(path))
    assert result.exit_code == 0, result.output
    assert f"merged into {story['bridge-en']}" in result.stdout
    assert "0 articles" not in result.stdout and "Varena" not in result.stdout
    data = json.loads(cli("show", story["museum-it"], "--db", str(path), "--json").stdout)
    assert data["merged_into"] == story["bridge-en"] and data["articles"] == []


def test_undated_articles_say_so_and_come_after_the_dated(db):
    path, story = db
    shown = cli("show", story["ferry-dated"], "--db", str(path)).stdout.splitlines()
    lines = [line for line in shown if "ferry-" in line]
    assert [line.split()[0] for line in lines] == ["ferry-dated", "ferry-undated"]
    assert "2026-04-13" in lines[0] and "undated" in lines[1] and "2020" not in "\n".join(shown)
    listed = cli("stories", "--db", str(path)).stdout
    assert "2020" not in listed and "undated" in listed
    brief = cli("brief", story["ferry-dated"], "--db", str(path)).stdout
    timeline = brief.split("Timeline", 1)[1].split("Sources", 1)[0]
    assert timeline.index("ferry-dated") < timeline.index("ferry-undated") and "2020" not in timeline
    assert "undated" in timeline


@pytest.fixture(scope="module")
def server(db, tmp_path_factory):
    path, _ = db
    srv = Server(path, "hashing", tmp_path_factory.mktemp("mlog") / "server.log")
    yield srv
    srv.stop()


def test_api_and_page_of_a_merged_story(db, server):
    _, story = db
    detail = httpx.get(f"{server.base}/api/stories/{story['museum-it']}", timeout=60).json()
    assert detail["merged_into"] == story["bridge-en"] and detail["note"] == f"merged into {story['bridge-en']}"
    assert detail["size"] == 0 and detail["articles"] == [] and detail["brief"] is None
    page = httpx.get(f"{server.base}/stories/{story['museum-it']}", timeout=60)
    assert page.status_code == 307 and page.headers["location"] == f"/stories/{story['bridge-en']}"


def test_api_and_pages_never_show_an_ingest_time_as_a_date(db, server):
    _, story = db
    page = httpx.get(f"{server.base}/api/stories", params={"limit": 200}, timeout=60).json()["stories"]
    by_id = {s["id"]: s for s in page}
    note = by_id[story["note-undated"]]
    assert note["first_published"] is None and note["undated"] == 1
    mixed = by_id[story["ferry-dated"]]
    assert mixed["first_published"].startswith("2026-04-13") and mixed["undated"] == 1
    detail = httpx.get(f"{server.base}/api/stories/{story['ferry-dated']}", timeout=60).json()
    assert [(a["id"], a["undated"]) for a in detail["articles"]] == [("ferry-dated", False), ("ferry-undated", True)]
    assert detail["articles"][1]["time"] is None
    html = httpx.get(f"{server.base}/", timeout=60).text + httpx.get(f"{server.base}/stories/{story['ferry-dated']}",
                                                                     timeout=60).text
    assert "2020" not in html and "undated" in html
