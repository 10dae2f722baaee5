"""What every browser test shares: where Chromium is, how it starts, where screenshots go, and small page checks.

Browser tests run Debian's chromium through playwright (`.ci/run` installs both) and skip, saying why, without them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[1] / "test-output"  # screenshots (docs/screenshots/ copies some)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def require_browser() -> None:
    """Skip the calling test or fixture, saying what to install, when chromium or playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need /usr/bin/chromium (apt-get install chromium; .ci/run does it)")
    pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright package")


@contextmanager
def launched_chromium() -> Iterator:
    """A headless Chromium, closed on the way out."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def story_of(base: str, article_id: str) -> str:
    """The story an article is in, as the API says."""
    return httpx.get(f"{base}/api/articles/{article_id}", timeout=30).json()["story_id"]


def fits_width(page) -> bool:
    """Whether the page needs no sideways scrolling."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
