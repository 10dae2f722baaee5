"""A RawRecord's title, body text, date, site and URL: trafilatura for HTML, normalising for plain text.

Explicit record metadata wins over what a page says about itself. Paragraphs are separated by one
blank line; lines inside a paragraph stay on their own lines (the cleaner judges lines). No network.

>>> got = extract(RawRecord(origin="x", title="Port strike ends", text="Dock workers  return\\r\\n\\r\\n\\r\\nToday."))
>>> got.title, got.text, got.published, got.source, got.url, got.unparsed_published
('Port strike ends', 'Dock workers return\\n\\nToday.', None, None, None, None)
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from itertools import islice
from typing import Any

from storyline.compiled import compiled
from storyline.dates import as_utc
from storyline.html_depth import flatten_deep
from storyline.sources.urls import site_of
from storyline.types import RawRecord, Rejection


@dataclass(frozen=True)
class Extracted:
    """What extraction found: plain text with paragraph breaks, and the metadata that goes with it."""

    title: str
    text: str
    published: datetime | None
    source: str | None
    url: str | None
    unparsed_published: str | None = None  # a given date no parser read: kept, never dropped silently


# Characters that carry no text: C0/C1 controls (but tab and newline), zero-width and bidi marks,
# soft hyphen, BOM. ZWJ/ZWNJ stay: Persian and Indic spelling needs them.
_DROP: dict[int, str | None] = dict.fromkeys(
    [c for c in range(0x20) if c not in (9, 10)] + list(range(0x7F, 0xA0))
    + [0x00AD, 0x200B, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0xFEFF]
)
_DROP.update(dict.fromkeys([0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029], "\n"))
# Any of them: most texts hold none, and finding none costs less than translating
_DROPPED = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_DROP)) + "]")
# Only runs of 2+ spaces or whitespace other than a plain space: single spaces cost nothing.
_HSPACE = re.compile(r"[^\S\n]{2,}|[^\S \n]")
_EDGE_SPACE = re.compile(r" \n ?|\n ")
_BLANK_RUN = re.compile(r"\n{3,}")
_WORD = re.compile(r"\S+")
_WORD_CHARS = re.compile(r"\w+")
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_ALNUM = re.compile(r"[^\W_]")
# An ASCII text's counted words: whitespace-separated tokens holding a letter or a digit (``[^\W_]`` in ASCII),
# each matched from its start (possessive: a long run without one is passed once)
_ASCII_COUNTED = re.compile(r"(?<!\S)[^\sA-Za-z0-9]*+[A-Za-z0-9]\S*")
_EPOCH = re.compile(r"\d{9,13}(?:\.\d+)?")
# Date only from the page's own metadata and markup, with time where it says one; never a guess from text.
_DATE_PARAMS = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%dT%H:%M:%S%z"}
# Containers trafilatura's English-centred rules miss: reader comments named in other languages,
# and cookie/consent banners. Matched on class and id, case-insensitively.
_PRUNE_WORDS = ("comentari", "commentaire", "kommentar", "komentar", "commenti", "reactie", "yorum",
                "комментар", "cookie", "consent")
_LOWER = 'translate({attr}, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")'
_PRUNE_XPATH = "//*[" + " or ".join(
    f'contains({_LOWER.format(attr=attr)}, "{w}")' for w in _PRUNE_WORDS for attr in ("@class", "@id")
) + "]"
# The compiled scanner (_scan.c): normalise_text, count_words and error_rest of the Python code below, in one
# walk each (a headline's regex passes cost ~1 µs apiece); None: that Python code runs
_SCAN = compiled("storyline._scan")
_FORMATS = ("%Y/%m/%d %H:%M", "%Y/%m/%d", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y%m%d", "%d %B %Y", "%B %d, %Y")


def normalise_text(text: str) -> str:
    """Unified newlines, control characters out, spaces collapsed, paragraphs split by one blank line.

    >>> normalise_text(" A\\u00a0 b \\t\\r\\n\\n\\n\\nc\\x07d  ")
    'A b\\n\\ncd'
    """
    return _SCAN.normalise_text(text) if _SCAN is not None else normalise_text_py(text)


def normalise_text_py(text: str) -> str:
    """``normalise_text`` in Python: the reference the compiled scanner equals (and the code without it)."""
    text = text.replace("\r\n", "\n")
    if _DROPPED.search(text):
        text = text.translate(_DROP)
    text = _HSPACE.sub(" ", text)
    text = _EDGE_SPACE.sub("\n", text)
    return _BLANK_RUN.sub("\n\n", text).strip()


def count_words(text: str, limit: int | None = None) -> int:
    """Words in ``text``, stopping at ``limit``; in scripts written without spaces, two characters count as one.

    >>> count_words("Storm hits the coast -- 2 dead"), count_words("东京奥运会开幕")
    (6, 4)
    """
    return _SCAN.count_words(text, limit) if _SCAN is not None else count_words_py(text, limit)


def count_words_py(text: str, limit: int | None = None) -> int:
    """``count_words`` in Python: the reference the compiled scanner equals (and the code without it)."""
    if text.isascii() and (limit is None or limit > 0):  # no unspaced script: a word is a token with a letter
        stop = None if limit is None or limit > sys.maxsize else limit  # islice takes no larger stop
        return sum(1 for _ in islice(_ASCII_COUNTED.finditer(text), stop))  # or digit, counted at regex speed
    total = 0
    for match in _WORD.finditer(text):
        token = match.group()
        unspaced = len(_UNSPACED.findall(token))
        total += (unspaced + 1) // 2 if unspaced else (1 if _ALNUM.search(token) else 0)
        if limit is not None and total >= limit:
            break
    return total


def parse_datetime(value: Any) -> datetime | None:
    """A UTC-aware datetime from ISO 8601, RFC 2822, Unix seconds or a few common forms; None if unparseable.

    >>> parse_datetime("2021-07-01 10:51")
    datetime.datetime(2021, 7, 1, 10, 51, tzinfo=datetime.timezone.utc)
    >>> parse_datetime("Thu, 01 Jul 2021 12:51:00 +0200").hour
    10
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return as_utc(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _from_epoch(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if _EPOCH.fullmatch(text):
        return _from_epoch(float(text))
    iso = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    for parse in _PARSERS:
        try:
            return _plausible(as_utc(parse(iso)))
        except (ValueError, TypeError, IndexError, OverflowError):
            continue
    return None


def _strptime(fmt: str):
    return lambda text: datetime.strptime(text, fmt)


_PARSERS = (datetime.fromisoformat, parsedate_to_datetime, *(_strptime(f) for f in _FORMATS))  # tried in order


def _from_epoch(seconds: float) -> datetime | None:
    if seconds > 1e11:  # milliseconds
        seconds /= 1000
    try:
        return _plausible(datetime.fromtimestamp(seconds, tz=UTC))
    except (OverflowError, OSError, ValueError):
        return None


def _plausible(moment: datetime | None) -> datetime | None:
    """News is dated between 1900 and 2100; anything else is a parsing accident."""
    return moment if moment is not None and 1900 <= moment.year <= 2100 else None


def extract_html(html: str, url: str | None = None) -> dict[str, Any]:
    """Main text (paragraphs split by blank lines), title, date, site name, host and URL of a page.

    Comments, navigation, cookie banners and footers are left out by trafilatura; no network is used.
    """
    import trafilatura

    html = flatten_deep(html)  # the parser drops what lies over 255 levels deep
    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=True,
            include_images=False, include_links=False, date_extraction_params=_DATE_PARAMS, prune_xpath=_PRUNE_XPATH,
        )
    except Exception:  # trafilatura raises assorted lxml/parsing errors on hostile markup
        doc = None
    if doc is None:  # no main text: the page's metadata may still hold a headline
        return {"text": "", **_metadata_only(html, url)}
    assert not isinstance(doc, dict)  # as_dict=False: trafilatura answers a Document
    title = normalise_text(doc.title or "").replace("\n", " ")
    paragraphs = [p for p in (_block_text(el) for el in doc.body) if p] if doc.body is not None else []
    if not paragraphs and doc.text:
        paragraphs = [normalise_text(doc.text)]
    if paragraphs and title and same_words(paragraphs[0], title):
        paragraphs = paragraphs[1:]
    return {
        "text": "\n\n".join(paragraphs), "title": title, "date": doc.date, "url": doc.url,
        "sitename": doc.sitename, "hostname": site_of(doc.hostname),
    }


def _metadata_only(html: str, url: str | None) -> dict[str, Any]:
    import trafilatura

    try:
        meta = trafilatura.extract_metadata(html, default_url=url, date_config=_DATE_PARAMS, extensive=False)
    except Exception:  # same hostile-markup failures as above
        return {"title": ""}
    return {
        "title": normalise_text(meta.title or "").replace("\n", " "), "date": meta.date, "url": meta.url,
        "sitename": meta.sitename, "hostname": site_of(meta.hostname),
    }


def _block_text(element: Any) -> str:
    """One trafilatura block (p, head, list, quote, table) as a paragraph; items and rows one a line."""
    if element.tag == "list":
        return "\n".join(filter(None, (_inline_text(item) for item in element.iterchildren("item"))))
    if element.tag == "table":
        rows = (" | ".join(filter(None, (_inline_text(c) for c in row.iterchildren("cell"))))
                for row in element.iter("row"))
        return "\n".join(filter(None, rows))
    return _inline_text(element)


def _inline_text(element: Any) -> str:
    parts: list[str] = []
    _collect(element, parts)
    return normalise_text("".join(parts))


def _collect(element: Any, parts: list[str]) -> None:
    parts.append(element.text or "")
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag in ("list", "table", "p", "quote"):
            parts.append("\n" + _block_text(child) + "\n")
        else:
            _collect(child, parts)
        parts.append(child.tail or "")


def same_words(a: str, b: str) -> bool:
    """The same text, whatever the case, spacing and punctuation around the words (a title repeated as
    the first paragraph; one article given twice).

    >>> same_words("Quake hits Aleppo.", "quake  hits aleppo"), same_words("Quake hits", "Quake hit")
    (True, False)
    """
    return _WORD_CHARS.findall(a.casefold()) == _WORD_CHARS.findall(b.casefold())


# What a web server's error page is titled once its site name, status code and "error" are set aside.
_ERROR_TITLES = frozenset({
    "", "page not found", "not found", "document not found", "file not found", "page cannot be found",
    "the page you requested could not be found", "we can t find that page", "access denied", "forbidden",
    "service unavailable", "page unavailable", "this page is currently unavailable", "temporarily unavailable",
    "unable to process request at this time", "internal server", "bad gateway", "gateway timeout",
    "página no encontrada", "página não encontrada", "page introuvable", "page non trouvée",
    "seite nicht gefunden", "seite wurde nicht gefunden", "pagina non trovata", "pagina niet gevonden",
    "nie znaleziono strony", "sayfa bulunamadı", "страница не найдена",
})
_ERROR_CODE = re.compile(r"\b(?:4\d\d|5\d\d|999)\b")
_ERROR_FILLER = frozenset({"error", "sorry", "oops", "http", "status", "code", "erreur", "fehler", "errore"})
# An error page's body is a line or two; an article about broken links is longer.
_ERROR_PAGE_MAX_WORDS = 120


def is_error_page(title: str, text: str) -> bool:
    """Whether a record is a web server's error page ("Page Not Found", "404", "Error 999 ...") rather than
    an article: the title says nothing but the error, and the body is short.

    >>> is_error_page("Page Not Found", "Sorry, the page you are looking for does not exist.")
    True
    >>> is_error_page("floridatoday.com document not found", ""), is_error_page("Error 404", "")
    (True, True)
    >>> is_error_page("999 Unable to process request at this time -- error 999", "")
    True
    >>> is_error_page("100 dead in floods", ""), is_error_page("Apple services unavailable for hours", "")
    (False, False)
    >>> is_error_page("Not news", "")
    False
    """
    if count_words(text, _ERROR_PAGE_MAX_WORDS) >= _ERROR_PAGE_MAX_WORDS:
        return False
    folded = title.casefold()
    rest = _SCAN.error_rest(folded, _ERROR_FILLER) if _SCAN is not None else error_rest_py(folded, _ERROR_FILLER)
    return rest in _ERROR_TITLES and (bool(rest) or bool(_ERROR_CODE.search(title)))


def error_rest_py(folded: str, filler: frozenset[str]) -> str:
    """A case-folded title's words once site names ("example.com"), numbers and ``filler`` are set aside, joined
    by a space: what ``is_error_page`` looks up (the compiled scanner's ``error_rest`` equals it).

    >>> error_rest_py("example.com – error 404: page not found", frozenset({"error"}))
    'page not found'
    """
    words = [w for w in _WORD.findall(folded) if "." not in w]
    return " ".join(w for w in _WORD_CHARS.findall(" ".join(words)) if not w.isdigit() and w not in filler)


def extract(record: RawRecord, *, min_words: int = 3) -> Extracted | Rejection:
    """Title, text and metadata of one record, or why it cannot be an article (empty, no_main_text, too_short,
    error_page)."""
    title = normalise_text(record.title or "").replace("\n", " ")
    page: dict[str, Any] = {}
    if record.text and record.text.strip():
        text = normalise_text(record.text)
    elif record.html and record.html.strip():
        page = extract_html(record.html, record.url)
        text = page["text"]
        title = title or page["title"]
        if not text and not title:
            return Rejection(record.origin, "no_main_text", "trafilatura found no article text in the HTML")
    else:
        text = ""
    if not text and not title:
        return Rejection(record.origin, "empty", "no text, html or title")
    if count_words(text, min_words) < min_words and count_words(title, min_words) < min_words:
        return Rejection(record.origin, "too_short", f"fewer than {min_words} words in text and title")
    if is_error_page(title, text):
        return Rejection(record.origin, "error_page", f"a web server's error page ({title[:60]!r}), not an article")
    given = record.published
    parsed = parse_datetime(given)  # once: the date, and whether a given value was read
    published = (
        parsed
        or parse_datetime(page.get("date"))
        or parse_datetime((record.extra or {}).get("feed_published"))
    )
    url = record.url or page.get("url") or None
    source = (record.source or page.get("sitename") or site_of(url) or page.get("hostname")
              or record.fallback_source or None)
    unparsed = None
    if given not in (None, "") and str(given).strip() and parsed is None:
        unparsed = str(given)[:200]
    return Extracted(title=title, text=text, published=published, source=source, url=url,
                     unparsed_published=unparsed)
