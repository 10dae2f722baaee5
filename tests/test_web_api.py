"""The JSON API and pages against a real `storyline serve` process on 127.0.0.1 (hashing encoder), over
SQLite and over PostgreSQL (a database in the session's test cluster)."""

from __future__ import annotations

import importlib.util
import json
import threading

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import RawRecord
from web_corpus import Server, corpus

HAS_BRIEFS = importlib.util.find_spec("storyline.briefs") is not None


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(request, tmp_path_factory):
    """`storyline serve` over the fixture corpus, once per storage backend (PostgreSQL: a database in the
    session's test cluster)."""
    folder = tmp_path_factory.mktemp("web")
    db = folder / "web.db" if request.param == "sqlite" else request.getfixturevalue("postgres_cluster").new_database()
    records = []
    for n, row in enumerate(corpus()):
        extra = {"section": "world"} if row["id"] == "chess-en" else {}
        text = row["text"] + ("\n\nREAD MORE: Ten things to do in Corvana this weekend"
                              if row["id"] == "chess-en" else "")
        records.append(RawRecord(origin=f"fixture:{n}", id=row["id"], title=row["title"], text=text,
                                 url=row.get("url"), source=row["source"], published=row["published"],
                                 lang=row["lang"], extra=extra))
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records(records)
    srv = Server(db, "hashing", folder / "server.log")
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.base, timeout=60) as http:
        yield http


def story_of(client, article_id):
    return client.get(f"/api/articles/{article_id}").json()["story_id"]


def test_list_is_newest_day_first_then_biggest(client):
    page = client.get("/api/stories").json()
    assert set(page) == {"stories", "limit", "offset", "next_offset", "version"}
    stories = page["stories"]
    assert sum(s["size"] for s in stories) == len(corpus())
    keys = [(s["last_seen"][:10], s["size"]) for s in stories]
    assert keys == sorted(keys, key=lambda k: (k[0], k[1]), reverse=True)
    assert stories[0]["last_seen"].startswith("2026-04-14")
    assert {"id", "headline", "size", "languages", "sources", "first_seen", "last_seen"} <= set(stories[0])


def test_pagination_walks_every_story_once(client):
    seen, offset = [], 0
    while offset is not None:
        page = client.get("/api/stories", params={"limit": 2, "offset": offset}).json()
        assert len(page["stories"]) <= 2
        seen += [s["id"] for s in page["stories"]]
        offset = page["next_offset"]
    everything = [s["id"] for s in client.get("/api/stories", params={"limit": 200}).json()["stories"]]
    assert seen == everything and len(set(seen)) == len(seen)


def test_sort_by_size_and_latest(client):
    by_size = client.get("/api/stories", params={"sort": "size"}).json()["stories"]
    assert [s["size"] for s in by_size] == sorted((s["size"] for s in by_size), reverse=True)
    latest = client.get("/api/stories", params={"sort": "latest"}).json()["stories"]
    assert [s["last_seen"] for s in latest] == sorted((s["last_seen"] for s in latest), reverse=True)


def test_filters_language_source_and_dates(client):
    fr = client.get("/api/stories", params={"lang": "fr"}).json()["stories"]
    assert [s["languages"] for s in fr] == [["fr"]]
    both = client.get("/api/stories", params={"lang": "fr,it"}).json()["stories"]
    assert all({"fr", "it"} & set(s["languages"]) for s in both)
    assert {story_of(client, "orchard-fr"), story_of(client, "museum-it")} <= {s["id"] for s in both}
    herald = client.get("/api/stories", params=[("source", "Harbour Herald")]).json()["stories"]
    assert herald and all("Harbour Herald" in s["sources"] for s in herald)
    assert len(herald) == len({story_of(client, "bridge-en"), story_of(client, "chess-en")})
    lower = client.get("/api/stories", params=[("source", "harbour HERALD")]).json()["stories"]
    assert [s["id"] for s in lower] == [s["id"] for s in herald]  # a source is found whatever its case
    day = client.get("/api/stories", params={"since": "2026-04-12", "until": "2026-04-12"}).json()["stories"]
    assert story_of(client, "orchard-fr") in [s["id"] for s in day]
    assert all(s["first_seen"] < "2026-04-13" and s["last_seen"] >= "2026-04-12" for s in day)
    later = client.get("/api/stories", params={"since": "2026-04-13T00:00:00Z"}).json()["stories"]
    assert all(s["last_seen"] >= "2026-04-13" for s in later) and later


def test_text_query_matches_words_in_any_language_ignoring_accents(client):
    def ids(q):
        return {s["id"] for s in client.get("/api/stories", params={"q": q}).json()["stories"]}

    assert ids("vergers Sorenne") == {story_of(client, "orchard-fr")}
    assert ids("faehrterminal") == set()
    assert story_of(client, "bridge-de") in ids("fährterminal")
    assert story_of(client, "bridge-es") in ids("anos veinte")  # "años" without its tilde
    assert ids("museo") == {story_of(client, "museum-it")}
    assert ids("zzzqqq") == set()
    assert ids("!!! ??") == set()


def test_story_detail_has_articles_and_brief(client):
    story_id = story_of(client, "bridge-en")
    detail = client.get(f"/api/stories/{story_id}", params={"wait": 120}).json()
    assert detail["id"] == story_id
    assert "bridge-en" in {a["id"] for a in detail["articles"]}
    assert {"id", "title", "lang", "source", "url", "time", "duplicate_of"} <= set(detail["articles"][0])
    if HAS_BRIEFS:
        assert detail["brief_error"] is None, detail["brief_error"]
        brief = detail["brief"]
        assert {"headline", "summary", "entities", "quote_groups", "single_source_claims", "timeline",
                "sources"} <= set(brief)
        assert brief["summary"] and {"text", "article_id", "lang", "source"} <= set(brief["summary"][0])
    else:
        assert detail["brief"] is None and "not available" in detail["brief_error"]


def test_article_detail_keeps_cleaning_record_and_extra_fields(client):
    article = client.get("/api/articles/chess-en").json()
    assert article["title"].startswith("Teenager wins") and article["lang"] == "en"
    assert article["extra"] == {"section": "world"}
    assert any("READ MORE" in r["line"] for r in article["removed"])
    assert "READ MORE" not in article["text"]


def test_compare_two_articles(client):
    result = client.get("/api/compare", params={"a": "museum-it", "b": "museum-en"})
    assert result.status_code == 200, result.text
    body = result.json()
    assert 1.0 <= body["overall"] <= 4.0 and body["label"]
    unrelated = client.get("/api/compare", params={"a": "museum-en", "b": "orchard-fr"}).json()
    assert unrelated["overall"] >= body["overall"]


def test_compare_scores_with_the_encoder_the_pair_model_was_fitted_on_not_the_apps(client):
    from datetime import datetime

    from storyline.similarity import compare

    a, b = (client.get(f"/api/articles/{i}").json() for i in ("museum-it", "museum-en"))
    when = [datetime.fromisoformat(x["published"]) if x["published"] else None for x in (a, b)]
    expected = compare(a["text"], b["text"], title_a=a["title"], title_b=b["title"], lang_a=a["lang"],
                       lang_b=b["lang"], published_a=when[0], published_b=when[1])
    served = client.get("/api/compare", params={"a": "museum-it", "b": "museum-en"}).json()
    assert served["overall"] == pytest.approx(expected.overall, abs=0.002)
    assert served["cosine"] == pytest.approx(expected.cosine, abs=0.002)


@pytest.mark.parametrize("path, status", [
    ("/api/stories/s99999", 404), ("/api/articles/nope", 404), ("/api/compare?a=museum-en&b=nope", 404),
    ("/api/compare?a=museum-en", 400), ("/api/stories?limit=0", 400), ("/api/stories?limit=201", 400),
    ("/api/stories?offset=-1", 400), ("/api/stories?sort=random", 400), ("/api/stories?since=yesterday", 400),
    ("/api/nothing-here", 404),
])
def test_errors_are_json_with_hint(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "hint"} and body["error"] and body["hint"]


def test_people_get_html_errors_and_pages(client):
    missing = client.get("/stories/s99999")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "no story" in missing.text
    assert client.get("/no/such/page").status_code == 404
    home = client.get("/")
    assert home.status_code == 200 and "Varena" in home.text and "/static/style.css" in home.text
    assert client.get("/static/style.css").status_code == 200
    assert client.get("/static/app.js").status_code == 200
    story = client.get(f"/stories/{story_of(client, 'bridge-en')}")
    assert story.status_code == 200 and "https://herald.example/bridge" in story.text
    assert "Teenager" in client.get("/articles/chess-en").text
    assert "Sorenne" in client.get("/partials/stories", params={"q": "gel"}).text


def test_head_answers_like_get_without_a_body(client):
    for path in ("/", "/api/stories", "/docs"):
        head, get = client.head(path), client.get(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b"" and head.headers["content-type"] == get.headers["content-type"]


def test_openapi_and_local_docs(client):
    spec = client.get("/openapi.json").json()
    for path in ("/api/stories", "/api/stories/{story_id}", "/api/articles/{article_id}", "/api/compare",
                 "/api/articles"):
        assert path in spec["paths"]
    assert "post" in spec["paths"]["/api/articles"]
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/api/stories" in docs.text
    assert "cdn" not in docs.text.lower()


def test_post_one_article_answers_assignment_and_shows_up(client):
    before = client.get("/api/version").json()["version"]
    row = {"id": "quake-en", "title": "Earthquake shakes the mountain town of Ostrava Nova",
           "text": "A moderate earthquake shook the mountain town of Ostrava Nova on Wednesday morning, "
                   "damaging old houses but causing no injuries, the regional civil protection office said.",
           "source": "Valley Wire", "published": "2026-04-15T07:00:00Z", "lang": "en", "desk": "science"}
    response = client.post("/api/articles", json=row)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["ingested"] == 1 and body["rejected"] == []
    (assignment,) = body["assignments"]
    assert assignment["article_id"] == "quake-en" and assignment["is_new"]
    assert client.get("/api/version").json()["version"] > before
    top = client.get("/api/stories").json()["stories"][0]
    assert top["id"] == assignment["story_id"]
    assert client.get("/api/articles/quake-en").json()["extra"] == {"desk": "science"}
    found = client.get("/api/stories", params={"q": "earthquake ostrava"}).json()["stories"]
    assert [s["id"] for s in found] == [assignment["story_id"]]
    again = client.post("/api/articles", json=row).json()
    assert again["ingested"] == 0 and again["already_stored"] == 1


def test_a_stored_url_links_only_when_it_is_http_and_pages_allow_only_their_own_script(client):
    row = {"id": "script-url", "title": "Harbour ferry timetable changes for the winter season",
           "text": "The harbour ferry company announced a reduced winter timetable on Monday, with the last "
                   "crossing leaving at nine in the evening until the end of March, the operator said.",
           "url": "javascript:alert(document.cookie)", "source": "<b>Quay News</b>", "lang": "en",
           "published": "2026-04-15T08:00:00Z"}
    (assignment,) = client.post("/api/articles", json=row).json()["assignments"]
    for path in ("/articles/script-url", f"/stories/{assignment['story_id']}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "javascript:" not in page.text and "<b>Quay News</b>" not in page.text
        assert "script-src 'self'" in page.headers["content-security-policy"]
    assert 'class="original" href="https://herald.example/bridge"' in client.get("/articles/bridge-en").text


def test_post_a_list_counts_rejections_per_item(client):
    rows = [
        {"title": "Storm closes the coastal road between Marel and Tosca for two days"},
        {"text": "   "},
        {"title": "Short"},
    ]
    body = client.post("/api/articles", json=rows).json()
    assert body["ingested"] == 1
    assert sorted((r["item"], r["reason"]) for r in body["rejected"]) == [(1, "empty"), (2, "too_short")]


def test_post_rejects_bad_items_one_by_one_and_keeps_the_good(client):
    good = {"id": "kiosk-en", "title": "Night kiosk reopens on the Valmare promenade after the winter storms",
            "text": "The night kiosk on the Valmare promenade reopened on Friday after repairs to storm damage, "
                    "its owner said, with new shutters and a longer summer season.", "lang": "klingon"}
    huge = {"title": "A very long page", "text": "word " * 250_000}
    body = client.post("/api/articles", json=[good, "str", 7, huge]).json()
    assert body["ingested"] == 1
    assert sorted((r["item"], r["reason"]) for r in body["rejected"]) == [
        (1, "malformed_json"), (2, "malformed_json"), (3, "too_long")]
    stored = client.get("/api/articles/kiosk-en").json()
    assert stored["lang"] == "en" and stored["extra"]["lang_given"] == "klingon"


@pytest.mark.parametrize("payload, status", [
    (b"", 400), (b"{not json", 400), (b"[]", 400), (b"[1, 2]", 400), (b'"text"', 400),
    (b'{"text": 12}', 422), (b'{"title": "x"}', 422), (b"[" * 100000, 400),
    (json.dumps([{"title": f"t {n}"} for n in range(1001)]).encode(), 400),
])
def test_bad_posts_are_clear_errors(client, server, payload, status):
    response = client.post("/api/articles", content=payload, headers={"content-type": "application/json"})
    assert response.status_code == status, response.text
    assert response.json()["error"] and response.json()["hint"]
    assert server.alive()


def test_reads_during_ingest_do_not_fail(client, server):
    errors: list[str] = []

    def read():
        with httpx.Client(base_url=server.base, timeout=60) as http:
            for _ in range(20):
                r = http.get("/api/stories", params={"limit": 5})
                if r.status_code != 200:
                    errors.append(r.text)

    readers = [threading.Thread(target=read) for _ in range(4)]
    for t in readers:
        t.start()
    rows = [{"id": f"bulk-{n}", "title": f"Council of Tosca approves budget line {n} for harbour repairs",
             "text": f"The Tosca council approved spending line {n} for the harbour repairs on Monday."}
            for n in range(40)]
    assert client.post("/api/articles", json=rows).json()["ingested"] == 40
    for t in readers:
        t.join()
    assert errors == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(max_size=40), lang=st.text(max_size=6), source=st.text(max_size=12),
       since=st.sampled_from(["", "2026-04-12", "x", "2026-13-40", "2026-04-12T25:00"]))
def test_no_query_string_crashes_the_server(client, q, lang, source, since):
    response = client.get("/api/stories", params={"q": q, "lang": lang, "source": source, "since": since})
    assert response.status_code in (200, 400), response.text
    assert "error" in response.json() or "stories" in response.json()


def test_a_long_bad_value_is_quoted_short(client):
    response = client.get("/api/stories", params={"q": "x" * 2000})
    assert response.status_code == 400
    body = response.json()
    assert "q:" in body["error"] and len(body["error"]) < 300 and "…" in body["error"]



def test_source_filter_folds_case_beyond_ascii(tmp_path):
    from storyline.storage import StoryFilter

    db = tmp_path / "fold.db"
    row = {"title": "Le pont du Léman rouvre après trois mois de travaux",
           "text": "Le pont du Léman a rouvert lundi matin après trois mois de travaux de renforcement."}
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin="m:1", id="leman-1", source="Écho du Léman", lang="fr", **row)])
        stories, *_ = engine.store.story_page(StoryFilter(sources=("ÉCHO DU LÉMAN",)))
    assert [s["sources"] for s in stories] == [["Écho du Léman"]]
