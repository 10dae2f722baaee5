"""Storylines on the web: the JSON API (/api/storylines, /api/storylines/{id}, a story's storyline in its
detail), and the storyline page in a real browser (Debian chromium via playwright; skipped with the
reason when either is missing). The invented affair of tests/fixtures/storylines: three events, one
storyline; the flood and the marathon of one city: two storylines of one event each."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from browser_kit import OUTPUT, fits_width, launched_chromium, require_browser
from storyline.embed import get_encoder
from storyline.engine import Engine
from web_corpus import Server

FIXTURES = Path(__file__).parent / "fixtures" / "storylines"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("storylines-web")
    db = folder / "site.db"
    with Engine(db, encoder=get_encoder("use")) as engine:
        engine.ingest_paths([str(FIXTURES / "affair.jsonl"), str(FIXTURES / "same_city.jsonl")])
    server = Server(db, "use", folder / "server.log")
    yield server
    server.stop()


def test_the_api_lists_storylines_and_gives_one_with_its_events(site):
    page = httpx.get(f"{site.base}/api/storylines", timeout=30).json()
    assert [(line["id"], line["stories"], line["articles"]) for line in page["storylines"]] == [("L1", 3, 6)]
    assert page["next_offset"] is None
    assert len(httpx.get(f"{site.base}/api/storylines?min_stories=1", timeout=30).json()["storylines"]) == 3
    line = httpx.get(f"{site.base}/api/storylines/L1", timeout=30).json()
    assert [e["story_id"] for e in line["events"]] == ["s1", "s2", "s3"]
    assert line["events"][2]["summary"].startswith("Lena Varga resigned as port commissioner on Monday")
    missing = httpx.get(f"{site.base}/api/storylines/L99", timeout=30)
    assert missing.status_code == 404 and "GET /api/storylines" in missing.json()["hint"]


def test_a_story_detail_names_its_storyline_and_the_events_around_it(site):
    middle = httpx.get(f"{site.base}/api/stories/s2", timeout=60).json()["storyline"]
    assert (middle["id"], middle["position"], middle["events"]) == ("L1", 2, 3)
    assert middle["previous"]["story_id"] == "s1" and middle["next"]["story_id"] == "s3"
    first = httpx.get(f"{site.base}/api/stories/s1", timeout=60).json()["storyline"]
    assert first["previous"] is None and first["next"]["story_id"] == "s2"


@pytest.mark.browser
@pytest.mark.slow
def test_the_storyline_page_shows_the_timeline_and_leads_to_the_next_event(site):
    require_browser()
    from playwright import sync_api

    OUTPUT.mkdir(exist_ok=True)
    with launched_chromium() as browser:
        page = browser.new_page(viewport={"width": 1100, "height": 800})
        page.goto(site.base + "/storylines")
        page.click("li.storyline-item a")
        page.wait_for_url("**/storylines/L1")
        events = page.locator("li.event")
        sync_api.expect(events).to_have_count(3)
        assert "Police raid Bellmont" in events.nth(0).inner_text()
        assert events.nth(2).locator(".badge.lang").all_text_contents() == ["en"]
        assert "Lena Varga resigned" in events.nth(2).locator(".summary-line").inner_text()
        page.screenshot(path=str(OUTPUT / "storyline-page-1100.png"), full_page=True)
        events.nth(1).locator("h3 a").click()  # the second event's own page
        page.wait_for_url("**/stories/s2")
        assert "event 2 of 3" in page.locator("nav.storyline-nav").inner_text()
        page.click("nav.storyline-nav a.next")
        page.wait_for_url("**/stories/s3")
        assert page.locator("nav.storyline-nav a.next").count() == 0
        page.set_viewport_size({"width": 380, "height": 800})  # a phone: the timeline fits the width
        page.goto(site.base + "/storylines/L1")
        assert fits_width(page)
