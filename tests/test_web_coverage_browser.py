"""Coverage and entity pages in a real browser (Debian chromium driven by playwright) at phone and laptop
widths, against `storyline serve` (hashing encoder: no model). Skipped, saying why, without chromium or
playwright. Screenshots go to test-output/ (the ones in docs/screenshots/ were taken from there)."""

from __future__ import annotations

import pytest

from browser_kit import OUTPUT, fits_width, launched_chromium, require_browser, story_of
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import RawRecord
from web_corpus import Server
from web_coverage_corpus import coverage_corpus

pytestmark = [pytest.mark.browser, pytest.mark.slow]
WIDTHS = [1280, 320]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    require_browser()
    folder = tmp_path_factory.mktemp("coverage-browser")
    db = folder / "site.db"
    with Engine(db, encoder=HashingEncoder()) as engine:
        engine.ingest_records([RawRecord(origin=f"fixture:{n}", **row) for n, row in enumerate(coverage_corpus())])
    server = Server(db, "hashing", folder / "server.log")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser(site):
    with launched_chromium() as chromium:
        yield chromium


@pytest.mark.parametrize("width", WIDTHS)
def test_the_coverage_chart_is_drawn_and_readable(site, browser, width):
    OUTPUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{site.base}/stories/{story_of(site.base, 'bridge-en')}")
    section = page.locator("section.coverage")
    assert "3 articles (+1 near-copy counted with its original)" in section.locator(".coverage-totals").inner_text()
    assert "Harbour Herald" in section.locator(".first-reporter").inner_text()
    chart = section.locator("svg.chart")
    assert chart.is_visible() and chart.locator("rect.bar").count() == 3
    box = chart.bounding_box()
    assert box["width"] <= width and box["width"] >= min(280, width - 40) and box["height"] > 100
    assert [t.strip() for t in section.locator(".legend li").all_text_contents()] == ["German 1", "English 1",
                                                                                      "Spanish 1"]
    tick = chart.locator("text.tick").first.bounding_box()
    assert tick["height"] >= 9  # axis labels readable at this width (CSS px)
    assert "Valley Weather" in section.locator(".blind-spots").inner_text()
    assert fits_width(page)
    page.screenshot(path=str(OUTPUT / f"coverage-story-{width}.png"), full_page=True)
    section.screenshot(path=str(OUTPUT / f"coverage-section-{width}.png"))
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_an_entity_chip_opens_its_page_with_its_stories_and_spellings(site, browser, width):
    OUTPUT.mkdir(exist_ok=True)
    bridge, chess = story_of(site.base, "bridge-en"), story_of(site.base, "chess-en")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{site.base}/stories/{bridge}")
    page.locator(".entities a.chip", has_text="Corvana").first.click()
    page.wait_for_url("**/entities/corvana")
    assert page.locator("h1").inner_text().startswith("Corvana")
    stories = page.locator(".entity-stories li.story")
    assert [stories.nth(i).get_attribute("data-id") for i in range(stories.count())] == [bridge, chess]
    assert page.locator(".entity-view > .meta .badge.lang").all_text_contents() == ["de", "en", "es"]
    assert fits_width(page)
    page.screenshot(path=str(OUTPUT / f"entity-page-{width}.png"), full_page=True)
    page.locator(".entity-stories a.headline").nth(1).click()
    page.wait_for_url(f"**/stories/{chess}")
    page.close()
