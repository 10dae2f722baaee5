"""Sentences that keep quotations intact, and quoted spans in any language's quote marks.

Briefs need two cuts of an article: *units* (sentences, never split inside a quotation, so a
quoted answer stays whole and traceable) and *quote segments* (the sentences inside each
quotation, so a quote one paper runs as one sentence can meet its translation split in two).

>>> [q.text for q in find_quotes('He said: “We will rebuild.” Then: « Nous partirons demain », a-t-il dit.')]
['We will rebuild.', 'Nous partirons demain']
>>> [u.text for u in split_units('"We stay. We fight," he said. Talks resume on Monday.')]
['"We stay. We fight," he said.', 'Talks resume on Monday.']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from storyline.types import Article

__all__ = ["MAX_ARTICLE_CHARS", "Quote", "Unit", "clip_article", "find_quotes", "paragraphs", "sentence_bounds",
           "split_units", "whole_sentence"]

# Opening mark -> the marks that may close it (German „…“ and ‚…‘, Swedish ”…”, reversed »…«).
_CLOSERS: dict[str, str] = {
    "“": "”", "„": "“”", "«": "»", "»": "«", "‹": "›", "「": "」", "『": "』", '"': '"',
    "”": "”", "‘": "’", "‚": "‘’", "'": "'",
}
# Marks that are also apostrophes or generic: they open or close only when shaped like it.
_AMBIGUOUS = frozenset('"\'”‘’')
_SINGLE = frozenset("'‘‚")
_OPEN_BEFORE = frozenset(" \t([{—–-:;/")
_END_PUNCT = ".!?…。！？؟"
_CLOSE_TRAIL = "\"'”’»›」』)]"
# Abbreviations whose full stop does not end a sentence.
_ABBREV = frozenset([
    "mr", "mrs", "ms", "dr", "prof", "gen", "sen", "rep", "gov", "lt", "col", "sgt", "capt", "st", "jr", "sr",
    "inc", "ltd", "co", "corp", "vs", "no", "nr", "mme", "mlle", "sra", "srta", "dra", "art", "hr", "fr", "bzw",
    "ca", "etc", "av", "pres", "dept", "approx", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec"
])
_MAX_UNIT_CHARS = 600
# A brief reads an article's first 12,000 characters (about 80 sentences; a long news article's lead and
# body): a 100,000-character page would otherwise cost a thousand sentence encodings on its first brief.
MAX_ARTICLE_CHARS = 12_000


@dataclass(frozen=True)
class Quote:
    """A quoted span: inner ``text``, its offsets ``start``/``end``, and ``outer_end`` after the closing mark."""

    text: str
    start: int
    end: int
    paragraph: int = 0
    outer_end: int = 0


@dataclass(frozen=True)
class Unit:
    """A sentence of an article (quotations kept whole): text, paragraph number, position."""

    text: str
    paragraph: int
    index: int


def _prev_char(text: str, i: int) -> str:
    return text[i - 1] if i > 0 else " "


def _next_char(text: str, i: int) -> str:
    return text[i + 1] if i + 1 < len(text) else " "


def _opener_shaped(text: str, i: int) -> bool:
    """After a space or bracket (or at the start), before a non-space: where quotations begin."""
    before, after = _prev_char(text, i), _next_char(text, i)
    if after.isspace():
        return False
    if text[i] in _SINGLE and not (after.isalnum() or after in "¿¡"):
        return False
    return before.isspace() or before in _OPEN_BEFORE or before in "\"“«„"


def _closer_shaped(text: str, i: int) -> bool:
    """After a non-space, before a space, punctuation or the end: where quotations end."""
    before, after = _prev_char(text, i), _next_char(text, i)
    if before.isspace():
        return False
    return not after.isalnum()


def find_quotes(paragraph: str, number: int = 0) -> list[Quote]:
    """Quoted spans of one paragraph, outermost only; a quotation left open ends with the paragraph.

    Straight quotes pair by shape: a second opener-shaped ``"`` while one is open starts a new
    quotation (writers often drop a closing mark between two quoted sentences).
    """
    quotes: list[Quote] = []
    opener: str | None = None
    start = 0

    def close(end: int) -> None:
        inner = paragraph[start:end]
        stripped = inner.strip().rstrip(",;:").strip()
        if stripped:
            offset = start + (len(inner) - len(inner.lstrip()))
            quotes.append(Quote(stripped, offset, offset + len(stripped), number, min(end + 1, len(paragraph))))

    for i, ch in enumerate(paragraph):
        if opener is None:
            if ch in _CLOSERS and (ch not in _AMBIGUOUS or _opener_shaped(paragraph, i)):
                if ch in "”»" and not _opener_shaped(paragraph, i):
                    continue
                opener, start = ch, i + 1
            continue
        if ch in _CLOSERS[opener] and (ch not in _AMBIGUOUS or _closer_shaped(paragraph, i)):
            close(i)
            opener = None
        elif ch == opener == '"' and _opener_shaped(paragraph, i):
            close(i)
            start = i + 1
    if opener is not None:
        close(len(paragraph))
    return [q for q in quotes if len(q.text) >= 2]


def _abbreviation_before(text: str, dot: int) -> bool:
    word = re.search(r"([\w.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1)
    if "." in token or (len(token) == 1 and token.isalpha()):
        return True  # initials and dotted acronyms: U.S. / J. / EE.UU
    return token.lower() in _ABBREV


def sentence_bounds(text: str, protected: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """(start, end) of the sentences of one paragraph; no break falls inside a ``protected`` span."""
    bounds: list[tuple[int, int]] = []
    begin = 0
    i = 0
    n = len(text)
    while i < n:
        if text[i] in _END_PUNCT:
            j = i + 1
            while j < n and (text[j] in _END_PUNCT or text[j] in _CLOSE_TRAIL):
                j += 1
            k = j
            while k < n and text[k].isspace():
                k += 1
            cjk = text[i] in "。！？"
            boundary = k == n or ((k > j or cjk) and not text[k].islower())
            if boundary and text[i] == "." and _abbreviation_before(text, i):
                boundary = False
            if boundary and any(s < j < e for s, e in protected):
                boundary = False
            if boundary:
                if text[begin:j].strip():
                    bounds.append((begin, j))
                begin = k
                i = k
                continue
            i = j
            continue
        i += 1
    if text[begin:].strip():
        bounds.append((begin, n))
    return bounds


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n+", text) if p.strip()]


def split_units(text: str) -> list[Unit]:
    """Sentences of a cleaned article, each quotation kept inside one sentence (up to 600 characters)."""
    units: list[Unit] = []
    for number, para in enumerate(paragraphs(text)):
        spans = [(q.start, q.outer_end) for q in find_quotes(para, number)]
        for start, end in sentence_bounds(para, spans):
            piece = para[start:end].strip()
            if len(piece) > _MAX_UNIT_CHARS:
                for s2, e2 in sentence_bounds(piece):
                    units.append(Unit(piece[s2:e2].strip(), number, len(units)))
            else:
                units.append(Unit(piece, number, len(units)))
    return units


def clip_article(article: Article, limit: int = MAX_ARTICLE_CHARS) -> Article:
    r"""The article with its text cut to ``limit`` characters at a paragraph (else sentence, else word)
    break; shorter articles are returned as they are.

    >>> a = Article(id="a", title="t", text="First one.\n\nSecond paragraph is long. " + "x " * 50)
    >>> clip_article(a, 40).text
    'First one.'
    """
    text = article.text or ""
    if len(text) <= limit:
        return article
    head = text[:limit]
    for mark in ("\n", ". ", " "):
        cut = head.rfind(mark)
        if cut > limit // 4:
            head = head[: cut + (1 if mark == ". " else 0)]
            break
    return replace(article, text=head.rstrip())


# Signs of a sentence with words cut out of it (links or names removed by a scraper): ", ," or "( )", a
# determiner before punctuation or a preposition ("the of the People's Republic", "with the of Brazil").
_GAPPED = re.compile(
    r"[,;:]\s*[,;:]|\(\s*\)|\s[,;:.]|\b(?:the|a|an)\s+(?:of|to|in|at|on|with|by|for|and|the|a|an)\b|"
    r"\b(?:the|an?|el|la|los|las|le|les|der|die|das|il|lo|o|a)\s*[,;:]",
    re.IGNORECASE,
)


def whole_sentence(text: str) -> bool:
    """Whether ``text`` reads as a whole sentence: it opens like one (a capital, a digit, a quotation
    mark; any letter in a script without case) and shows no gap where words were cut out.

    >>> whole_sentence(", the of the People's Republic of China had lunch today with the of Brazil, , at the palace.")
    False
    >>> whole_sentence("Hu Jintao had lunch with Lula."), whole_sentence("«Nous partirons», a-t-il dit.")
    (True, True)
    >>> whole_sentence("and then the talks resumed."), whole_sentence("会谈于周一恢复。")
    (False, True)
    """
    stripped = text.strip()
    first = next((c for c in stripped if c.isalnum()), "")
    if not first or first.islower() or stripped[0] in ",;:)]}.-–—…":
        return False
    return not _GAPPED.search(stripped)
