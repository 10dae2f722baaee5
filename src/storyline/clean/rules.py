"""Line rules for the cleaner: the shape of a line, and the furniture a line shows on its own.

Everything here looks at one line (plus, for shape, nothing else); the cleaner adds context
(neighbours, repetition, the article's vocabulary, embeddings). Rules are patterns that hold in
any language — a short ALL-CAPS label and a colon before a headline, a credit at the end of a
caption, a line made only of share buttons — backed by phrase lists in :mod:`storyline.clean.vocab`.
"""

from __future__ import annotations

import re

from storyline.clean.vocab import ACTION_LABELS, EXACT, PREFIX, SHARE_TOKENS, TEASER_LABELS

# Characters that end a sentence; a closing quote or bracket ends one only after one of these.
_TERMINAL = ".!?…。！？؟।"
_CLOSERS = "\"'”’»)]›」』"
_QUOTE_OPENERS = "\"'“”‘’«‹„‚「『—–-"
_CONTINUATION = ":;,"

# Lines longer than this are article text for every vocabulary rule but the credit tail, and
# longer than CAPTION_WORDS a paragraph that merely ends with a source, so they stay.
SHORT_WORDS = 40
CAPTION_WORDS = 45
# A headline (or a subheading) is short: at most this many words and characters.
HEADLINE_MAX_WORDS = 20
HEADLINE_MAX_CHARS = 160

_TRIM = " \t:*.!…·•|-–—»›>^"
_WORDS = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)


def _alternation(phrases) -> str:
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


_EXACT = {phrase: reason for reason, phrases in EXACT.items() for phrase in phrases}
_PREFIX_REASON = {phrase: reason for reason, phrases in PREFIX.items() for phrase in phrases}
_PREFIX = re.compile(rf"^(?:{_alternation(_PREFIX_REASON)})(?!\w)")
_EXACT_MAX_WORDS = max(len(p.split()) for p in _EXACT) + 2
_HEAD_CHARS = 120
_SEP = r"\s*[:»›|]\s*"
_TEASER = re.compile(rf"^(?:{_alternation(TEASER_LABELS)}){_SEP}(?=\S)", re.IGNORECASE)
_ACTION = re.compile(rf"^(?:{_alternation(ACTION_LABELS)})(?:{_SEP}|\s+|$)", re.IGNORECASE)
# "MIRA: headline", "CZYTAJ TEŻ: headline": a short all-caps label of letters, then a colon.
_CAPS_LABEL = re.compile(r"^((?:[^\W\d_]{2,}[.’']?\s?){1,3}):\s+(\S.*)$")

_CREDIT_WORDS = (
    r"credits?|photo(?:graph)?s?|pictures?|images?|fotos?|fotograf[íi]as?|imagen(?:es)?|imagem|"
    r"bild(?:er)?|cr[ée]dits?(?: photo)?|cr[ée]ditos?|immagin[ei]|afbeelding"
)
_AGENCIES = (
    r"afp|ap|reuters|epa|dpa|efe|getty(?: images)?|ansa|anp|lusa|xinhua|shutterstock|istock|alamy|pa|"
    r"bloomberg|associated press|wireimage|storyful|nurphoto|anadolu|zuma|abaca|rex|imago|keystone|"
    r"belga|picture alliance|sipa|tass|ria novosti|europa press|agência brasil|ap photo|afp photo|pa wire"
)
# A caption's credit sits at its end: "… in Sochi on May 17Credit:", "… (AFP)", "… Getty Images".
_NL, _NR = r"(?<![^\W\d_])", r"(?![^\W\d_])"  # no letter just before / just after
_AGENCY = rf"{_NL}(?:{_AGENCIES}){_NR}"
_CREDIT_TAIL = re.compile(
    rf"(?:{_NL}(?:{_CREDIT_WORDS})\s*:\s*[^!?:]{{0,60}}|©[^.!?]{{0,60}}|"
    rf"[(\[](?:(?:{_CREDIT_WORDS})\s*:?\s*)?[^()\[\]]{{0,40}}{_AGENCY}[^()\[\]]{{0,30}}[)\]]|"
    rf"{_AGENCY}(?:\s+photo)?\s*/\s*[^.!?/]{{0,40}}|/\s*{_AGENCY}|{_NL}via\s+{_AGENCY}|"
    rf"{_NL}getty images|{_NL}shutterstock)"
    r"(?:\s*,\s*file)?\s*$",
    re.IGNORECASE,
)
_CREDIT_TAIL_CHARS = 120  # longer than any credit the pattern can match
_CREDIT_HINT = re.compile(r"[:©)\]/]|getty|shutterstock", re.IGNORECASE)  # every credit has one
# "Photo: Jane Doe/Reuters", "Foto: dpa", "Bild: Keystone".
_CREDIT_HEAD = re.compile(
    rf"^(?:(?:{_CREDIT_WORDS}|source|fuente|quelle|fonte|bron)(?:\s+credit)?\s*:\s*\S"
    r"|(?:image|media) (?:copyright|caption)\b)",
    re.IGNORECASE,
)
# A caption that opens with its credit: "GETTY Max Verstappen swerved…", "AFP Angela Merkel at…".
_AGENCY_HEAD = re.compile(rf"^(?:{_AGENCIES})(?::|\s)\s*\S", re.IGNORECASE)
_AGENCY_ONLY = re.compile(rf"^(?:{_AGENCY}[\s,;/|&-]*)+$", re.IGNORECASE)
# "Follow Jane Doe on Twitter: @jdoe", "Contact the writer at jane@example.com".
_CONTACT = re.compile(
    r"^follow\b.{0,60}\bon (?:twitter|facebook|instagram|x|linkedin|threads|bluesky)\b|"
    r"^(?:contact|email|e-mail|write to)\b.{0,60}\b(?:at|:)\s*\S+@|\b[\w.+-]+@[\w-]+\.[\w.]+$",
    re.IGNORECASE,
)
_BREADCRUMB = re.compile(r"\s+[/|›»>·•]\s+")
_RULE_LINE = re.compile(r"^[\W_]{2,}$")
_REPEATED_WORD = re.compile(r"^(\w{3,})\1+$", re.IGNORECASE)
_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
# "CAPE CANAVERAL (SPX) Nov 02", "(CNN) -", "LONDON (Reuters) —": a dateline, the article's own.
_DATELINE = re.compile(r"^(?:[^\W\d_][\w.,'’ -]{0,40}\s)?\((?:[A-Z]{2,8}|[A-Z][a-z]+)\)(?:\s|$)")


def normalise(line: str) -> str:
    """Lower case, single spaces, no furniture punctuation at either end: the key for phrase lookup."""
    return " ".join(line.lower().split()).strip(_TRIM)


def words(line: str) -> list[str]:
    """Word tokens (letters first), for shape and overlap."""
    return _WORDS.findall(line)


def ends_sentence(line: str) -> bool:
    """True when the line ends like a sentence (a closing quote counts after a full stop)."""
    text = line.rstrip()
    while text and text[-1] in _CLOSERS:
        text = text[:-1].rstrip()
        if text and text[-1] in _TERMINAL:
            return True
    return bool(text) and text[-1] in _TERMINAL


def starts_quote(line: str) -> bool:
    """True for a line that opens with a quote mark or a dash (a quotation or a dialogue turn)."""
    return bool(line) and line[0] in _QUOTE_OPENERS


def is_paragraph(line: str) -> bool:
    """A line of running text: long enough and ending like a sentence."""
    return ends_sentence(line) and (len(line.split()) >= 10 or len(line) >= 60)


def is_headline_shaped(line: str) -> bool:
    """Short, capitalised, not ending like a sentence, not a quote: a headline or a subheading."""
    if not line or starts_quote(line) or len(line) > HEADLINE_MAX_CHARS:
        return False
    n = len(line.split())
    if n < 3 or n > HEADLINE_MAX_WORDS:
        return False
    last = line.rstrip()[-1]
    if last in _CONTINUATION or (ends_sentence(line) and last != "?"):
        return False
    first = line[0]
    return (first.isupper() or first.isdigit()) and not _URL.search(line) and not _DATELINE.match(line)


_FUNCTION_WORDS = frozenset(
    ["to", "of", "in", "for", "on", "at", "and", "the", "a", "an", "with", "over", "after", "as", "by",
     "from", "is", "are", "be", "into", "up", "out", "vs", "amid", "about", "against", "says", "said", "will",
     "can", "new"]
)


def is_title_case(line: str) -> bool:
    """English headline case: nearly every word capitalised, function words included ("To", "Of")."""
    tokens = [w for w in words(line) if len(w) > 1]
    if len(tokens) < 5:
        return False
    capitalised = sum(1 for w in tokens if w[0].isupper())
    caps_function = any(w.lower() in _FUNCTION_WORDS and w[0].isupper() for w in tokens[1:])
    return capitalised >= 0.9 * len(tokens) and caps_function and not line.isupper()


def _credit_line(line: str, n_words: int) -> bool:
    if ends_sentence(line) and not line.rstrip().endswith(")"):
        return False
    if _CREDIT_HEAD.match(line) or _AGENCY_ONLY.match(line):
        return n_words <= 30
    if _AGENCY_HEAD.match(line) and n_words >= 6 and not line.split()[0].istitle():
        return True
    tail = line[-_CREDIT_TAIL_CHARS:]
    if not _CREDIT_HINT.search(tail):
        return False
    match = _CREDIT_TAIL.search(tail)
    return match is not None and (n_words >= 3 or (match.start() == 0 and tail == line))


def _teaser_reason(line: str, low: str, sentence: bool = False) -> str | None:
    if _ACTION.match(low):
        return "call_to_action"
    if _TEASER.match(line):
        return "link_teaser"
    if sentence:
        return None
    caps = _CAPS_LABEL.match(line)
    if caps and caps.group(1).isupper():
        rest = caps.group(2)
        if 4 <= len(rest.split()) <= 25 and not starts_quote(rest) and not ends_sentence(rest):
            return "link_teaser"
    return None


def _contact(line: str) -> bool:
    return ("@" in line or line[:6].lower() == "follow") and _CONTACT.search(line) is not None


def _share_line(low: str) -> bool:
    if low.split(None, 1)[0].strip(":|") not in SHARE_TOKENS:
        return False
    tokens = [t for t in re.split(r"[\s|·•/,]+", low) if t]
    return len(tokens) >= 2 and all(t.strip(":") in SHARE_TOKENS for t in tokens)


def _breadcrumb(line: str) -> bool:
    parts = _BREADCRUMB.split(line)
    return len(parts) >= 3 and all(0 < len(p.split()) <= 4 and not ends_sentence(p) for p in parts)


def line_reason(line: str) -> str | None:
    """The furniture a stripped line shows on its own, as a reason word; None when it may be text.

    >>> line_reason("LEE: Expertos piden revisar el acuerdo nuclear")
    'link_teaser'
    >>> line_reason("Your email address will not be published. Required fields are marked *")
    'comment_form'
    >>> line_reason("Ministers met on Tuesday to discuss the budget and agreed on a new plan.") is None
    True
    """
    n_words = len(line.split())
    if _RULE_LINE.match(line):
        return "boilerplate"
    if n_words > SHORT_WORDS:
        return "photo_credit" if n_words <= CAPTION_WORDS and _credit_line(line, n_words) else None
    # Phrases are short: the start of the line is enough for both lookups.
    low = normalise(line[:_HEAD_CHARS]) if n_words > _EXACT_MAX_WORDS else normalise(line)
    if not low:
        return None
    if n_words <= _EXACT_MAX_WORDS:
        exact = _EXACT.get(low)
        if exact:
            return exact
    if starts_quote(line):
        return None
    prefix = _PREFIX.match(low)
    if prefix and n_words <= 30:
        return _PREFIX_REASON[prefix.group(0)]
    if ends_sentence(line) and not line.endswith(")"):
        return _teaser_reason(line, low, sentence=True) or (
            "call_to_action" if n_words <= 20 and _contact(line) else None
        )
    if _credit_line(line, n_words):
        return "photo_credit"
    teaser = _teaser_reason(line, low)
    if teaser:
        return teaser
    if n_words <= 20 and _contact(line):
        return "call_to_action"
    if n_words <= 12 and _share_line(low):
        return "share_widget"
    if n_words <= 40 and _breadcrumb(line):
        return "navigation"
    if n_words == 1 and _REPEATED_WORD.match(low):
        return "boilerplate"
    return None
