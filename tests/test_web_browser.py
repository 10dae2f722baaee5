"""The web page in a real browser: Debian chromium driven by playwright, against `storyline serve`.

Skipped (with the reason) when /usr/bin/chromium or playwright is missing; `.ci/run` installs them.
Screenshots go to test-output/ at the repository root.
"""

from __future__ import annotations

import time

import httpx
import pytest

from browser_kit import OUTPUT, fits_width, launched_chromium, require_browser, story_of
from storyline.embed import get_encoder
from storyline.engine import Engine
from storyline.types import RawRecord
from web_corpus import Server, corpus

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "site.db"
    # The real multilingual encoder: the quote group spans English, Spanish and German.
    with Engine(db, encoder=get_encoder("use")) as engine:
        engine.ingest_records([RawRecord(origin=f"fixture:{n}", **row) for n, row in enumerate(corpus())])
    server = Server(db, "use", folder / "server.log")
    for story in {a["story_id"] for a in (httpx.get(f"{server.base}/api/articles/{row['id']}", timeout=30).json()
                                          for row in corpus())}:
        # briefs built in the background, as after an ingest through the app
        httpx.get(f"{server.base}/api/stories/{story}", params={"wait": 120}, timeout=150)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(site):
    with launched_chromium() as chromium:
        yield chromium


def test_search_open_story_and_read_quotes_across_languages(site, browser):
    from playwright.sync_api import expect

    OUTPUT.mkdir(exist_ok=True)
    bridge = story_of(site.base, "bridge-en")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site.base + "/")
    assert page.locator("li.story").count() >= 4
    assert page.locator(f'li.story[data-id="{bridge}"] .badge.lang').all_text_contents() == ["de", "en", "es"]

    page.fill("input[name=q]", "Varena")  # search as you type
    expect(page.locator("li.story")).to_have_count(1)  # a locator wait: the page's policy forbids eval
    assert "Varena" in page.locator("li.story").inner_text()

    page.fill("input[name=q]", "Corvana")
    page.press("input[name=q]", "Enter")  # and the plain form submit
    page.wait_for_url("**/?q=Corvana*")
    page.screenshot(path=str(OUTPUT / "web-search-1280.png"), full_page=True)
    page.click(f'li.story[data-id="{bridge}"] a.headline')
    page.wait_for_url(f"**/stories/{bridge}")

    group = page.locator(".quote-group").first
    quotes = group.locator("blockquote")
    assert quotes.count() == 3
    assert {quotes.nth(i).get_attribute("lang") for i in range(3)} == {"en", "es", "de"}
    assert "ministry keeps its promise" in group.inner_text()
    assert "cumpla su promesa" in group.inner_text()
    assert page.locator(".summary li .cite").count() >= 1
    assert page.locator('a.original[href="https://herald.example/bridge"]').count() == 1
    assert page.locator(".timeline li").count() == 3
    page.screenshot(path=str(OUTPUT / "web-story-1280.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    assert fits_width(page)
    box = group.locator(".variant").nth(1).bounding_box()
    first = group.locator(".variant").first.bounding_box()
    assert box["y"] > first["y"]  # side by side on a laptop, stacked on a phone
    page.screenshot(path=str(OUTPUT / "web-story-390.png"), full_page=True)
    page.goto(site.base + "/")
    assert fits_width(page)
    page.screenshot(path=str(OUTPUT / "web-list-390.png"), full_page=True)
    page.close()


def test_quote_variants_sit_side_by_side_on_a_laptop(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{site.base}/stories/{story_of(site.base, 'bridge-en')}")
    boxes = [page.locator(".quote-group .variant").nth(i).bounding_box() for i in range(2)]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2 and boxes[1]["x"] > boxes[0]["x"]
    page.close()


def test_new_story_shows_up_without_a_reload(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site.base + "/")
    page.evaluate("window.__sameDocument = true")
    row = {"id": "live-1", "lang": "en", "source": "Valley Wire", "published": "2026-04-16T09:00:00Z",
           "title": "Volcano on the island of Mirel erupts for the first time in a century",
           "text": "The volcano on the island of Mirel erupted on Thursday for the first time in a hundred "
                   "years, sending ash over the harbour and closing the small airport, officials said."}
    started = time.monotonic()
    answer = httpx.post(f"{site.base}/api/articles", json=row, timeout=120).json()
    story_id = answer["assignments"][0]["story_id"]
    page.wait_for_selector(f'li.story[data-id="{story_id}"]', timeout=20_000)
    assert page.evaluate("window.__sameDocument === true")
    assert "Volcano" in page.locator(f'li.story[data-id="{story_id}"]').inner_text()
    assert time.monotonic() - started < 20
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_search_box_finds_an_english_story_in_spanish_and_offers_its_feed(site, browser, width):
    import feedparser
    from playwright.sync_api import expect

    OUTPUT.mkdir(exist_ok=True)
    chess = story_of(site.base, "chess-en")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(site.base + "/")
    page.fill("input[name=q]", "torneo de ajedrez")  # the story is told in English only
    expect(page.locator("li.story").first).to_have_attribute("data-id", chess)
    feed_link = page.locator("li.feeds a.feed")
    expect(feed_link).to_be_visible()
    href = feed_link.get_attribute("href")
    assert href.startswith("/feeds/search.atom?q=torneo")
    assert fits_width(page)
    page.screenshot(path=str(OUTPUT / f"web-search-meaning-{width}.png"), full_page=True)
    feed = feedparser.parse(httpx.get(site.base + href, timeout=60).content)
    assert not feed.bozo and feed.version == "atom10"
    assert feed.entries[0].link.endswith(f"/stories/{chess}")
    page.click(f'li.story[data-id="{chess}"] a.headline')
    page.wait_for_url(f"**/stories/{chess}")
    expect(page.locator(".meta a.feed")).to_have_attribute("href", f"/feeds/story/{chess}.atom")
    page.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_reading_language_is_chosen_on_the_page_and_remembered(site, browser, width):
    """The story page's language menu shows the brief in the chosen language (built in the background and
    filled in when ready), and the choice holds on the next visit without ``?lang=`` in the address."""
    from playwright.sync_api import expect

    OUTPUT.mkdir(exist_ok=True)
    bridge = story_of(site.base, "bridge-en")
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{site.base}/stories/{bridge}")
    menu = page.locator("#reading-lang")
    expect(menu).to_be_visible()
    assert menu.input_value() == ""  # as written
    assert sorted(menu.locator("option").evaluate_all("els => els.map(e => e.value)")) == ["", "de", "en", "es"]
    page.select_option("#reading-lang", "es")
    page.wait_for_load_state()
    expect(page.locator("#brief")).to_have_attribute("data-status", "ready", timeout=120_000)
    quote = page.locator(".quote-group").first
    expect(page.locator("#reading-lang")).to_have_value("es")
    assert "?lang=" not in page.url
    assert any(c["name"] == "storyline_lang" and c["value"] == "es" for c in context.cookies())
    assert page.evaluate("localStorage.getItem('storyline_lang')") == "es"
    assert quote.locator("blockquote").count() == 3
    page.goto(f"{site.base}/stories/{bridge}")  # a later visit: the choice is remembered
    expect(page.locator("#reading-lang")).to_have_value("es")
    expect(page.locator("#brief")).to_have_attribute("data-status", "ready", timeout=120_000)
    assert fits_width(page)
    page.screenshot(path=str(OUTPUT / f"web-story-language-{width}.png"), full_page=True)
    page.select_option("#reading-lang", "")  # back to the languages the articles were written in
    page.wait_for_load_state()
    expect(page.locator("#reading-lang")).to_have_value("")
    context.close()
