"""Coverage and entity pages in a real browser (Debian chromium driven by playwright) at phone and laptop
widths, against `storyline serve` (hashing encoder: no model). Skipped, saying why, without chromium or
playwright. Screenshots go to test-output/ (the ones in docs/screenshots/ were taken from there)."""

from __future__ import annotations

import pytest

from browser_kit import OUTPUT, fits_width, launched_chromium, require_browser, story_of
from storyline.embed import HashingEncoder
from storyline.engine import Engine
from storyline.types import RawRecord
from test_coverage_entities import PORT_PLAN
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
        # a week later, Germany named as "Germany", "German", "Deutschland" and (most often) "tedesco"
        engine.ingest_records([RawRecord(origin=f"plan:{n}", id=i, lang=lang, source=src, title=title, text=text,
                                         published=f"2026-04-20T0{n}:00:00Z")
                               for n, (i, lang, src, title, text) in enumerate(PORT_PLAN)])
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


@pytest.mark.parametrize("width", [1280, 390])
def test_the_story_page_credits_the_copy_to_its_original(site, browser, width):
    """Issue 19: the sources line names the copier with the source it copied; the timeline marks the copy
    and links it to its original; both readable without sideways scrolling."""
    from playwright.sync_api import expect

    OUTPUT.mkdir(exist_ok=True)
    bridge = story_of(site.base, "bridge-en")
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{site.base}/stories/{bridge}")
    sources = page.locator(".story-view > p.sources")
    expect(sources).to_be_visible()
    assert "Harbour Herald (+ copied by Copycat Blog)" in sources.inner_text()
    assert sources.inner_text().count("Copycat Blog") == 1
    expect(page.locator("#brief")).to_have_attribute("data-status", "ready", timeout=120_000)
    copy = page.locator(".timeline a.dup")
    assert copy.count() == 1 and copy.inner_text() == "copy" and copy.is_visible()
    assert copy.bounding_box()["x"] + copy.bounding_box()["width"] <= width
    assert fits_width(page)
    page.screenshot(path=str(OUTPUT / f"story-copies-{width}.png"), full_page=True)
    copy.click()
    page.wait_for_url("**/articles/bridge-en")
    page.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_entity_page_is_titled_in_the_reading_language_chosen_on_it(site, browser, width):
    """Issue 19: "Germany", never the adjective "tedesco"; "Deutschland" once German is chosen in the page's
    menu, remembered on the next visit; the other spellings listed."""
    from playwright.sync_api import expect

    OUTPUT.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{site.base}/entities/germany")
    title = page.locator(".entity-view h1")
    assert title.inner_text().startswith("Germany")
    forms = page.locator(".forms .chip.form").all_text_contents()
    assert "tedesco" in forms and "Deutschland" in forms
    page.select_option("#reading-lang", "de")
    expect(title).to_contain_text("Deutschland", timeout=30_000)
    assert any(c["name"] == "storyline_lang" and c["value"] == "de" for c in context.cookies())
    assert "Germany" in page.locator(".forms").inner_text()  # the other spellings stay listed
    assert fits_width(page)
    page.screenshot(path=str(OUTPUT / f"entity-reading-language-{width}.png"), full_page=True)
    page.goto(f"{site.base}/entities/germany")  # a later visit: the choice is remembered
    assert page.locator(".entity-view h1").inner_text().startswith("Deutschland")
    page.select_option("#reading-lang", "")
    expect(page.locator(".entity-view h1")).to_contain_text("Germany", timeout=30_000)
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_story_list_cards_count_a_copy_once_and_never_name_a_copier(site, browser, width):
    """Issue 19: a card's size counts the near-copy once ("3 articles + 1 copy"), and the source that only
    copied is not among the sources it names (it is counted: "+ 1 copying", named in the tooltip)."""
    OUTPUT.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(f"{site.base}/")
    card = page.locator(f'li.story[data-id="{story_of(site.base, "bridge-en")}"]')
    assert card.locator(".size").inner_text() == "3 articles + 1 copy"
    sources = card.locator(".sources")
    shown = sources.inner_text()
    assert "Harbour Herald" in shown and "+ 1 copying" in shown and "Copycat Blog" not in shown
    assert "Copycat Blog" in sources.locator(".copiers").get_attribute("title")
    assert card.is_visible() and fits_width(page)
    page.screenshot(path=str(OUTPUT / f"story-list-{width}.png"), full_page=True)
    page.close()
