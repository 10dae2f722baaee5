"""Take the noise extractors leave inside an article body out, and say why for every line removed.

The text is judged line by line (paragraphs are separated by blank lines and kept as "\\n\\n").
First each line on its own (:func:`storyline.clean.rules.line_reason`), then repetition, then
the headline-shaped lines that sit alone among full paragraphs: an English Title Case headline
that shares little vocabulary with the article is another story's headline; with an encoder,
such lines whose embedding is far from the article body are off topic. When unsure, a line stays.

Reasons (``RemovedLine.reason``):

- ``link_teaser``: a label and a colon before another story's headline ("LEE: …", "READ MORE: …")
- ``call_to_action``: click here, subscribe, follow us, send us your story
- ``comment_form``: "Leave a Reply", "Your email address will not be published", form labels
- ``photo_credit``: a caption ending in a credit ("…Credit:", "(AFP)", "Getty Images"), "Photo"
- ``navigation``: "Latest News", "Related articles", "Read more", tag lists, breadcrumbs
- ``share_widget``: lines made of share buttons ("Share | Tweet | Email")
- ``boilerplate``: advertisement markers, copyright, cookie notices, rule lines ("___")
- ``duplicate_line``: a line repeated from earlier in the body, or the title repeated
- ``stray_headline``: a Title Case headline of another story, found by shape and vocabulary
- ``off_topic``: a headline-shaped line whose embedding is far from the article's (encoder only)
- ``unrelated_body``: the whole body, when it shares no word with a headline of four words or more: a
  sign-in or paywall page, a video playlist, a weather box, extracted in place of the article
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from storyline.clean.rules import (
    is_headline_shaped,
    is_paragraph,
    is_title_case,
    line_reason,
    normalise,
)
from storyline.embed.base import Encoder
from storyline.embed.registry import thresholds_for
from storyline.types import RemovedLine

# A headline-shaped line is judged only with this much article around it.
MIN_BODY_PARAGRAPHS = 2
# A lone English Title Case line of at least STRAY_MIN_WORDS words (subheadings are shorter),
# not a question, sharing less than STRAY_MAX_OVERLAP of its words with the article, is another
# story's headline: an own headline that long would repeat most of the article's vocabulary.
STRAY_MIN_WORDS = 7
STRAY_MAX_OVERLAP = 0.75
# Encoder rule: a lone headline-shaped line of at least OFF_TOPIC_MIN_WORDS words that shares
# less than OFF_TOPIC_MAX_OVERLAP of its words with the article, and whose cosine to the body is
# below the encoder's ``BriefThresholds.off_topic`` (in the registry), is off topic. Short lines embed
# poorly (on-topic subheadings and interview
# questions score near 0 with USE), hence the vocabulary and length conditions; measured on
# Wikinews + Giveme5W1H, other stories' titles score a median 0.07 against a body, own titles 0.45.
OFF_TOPIC_MAX_OVERLAP = 0.3
OFF_TOPIC_MIN_WORDS = 6
# A body that shares none of the headline's word stems, when the headline has at least this many, is
# not the article: a sign-in wall ("Just One More Thing... We have sent you a verification email"),
# a paywall, a video playlist. Left in, it makes every such page of a site one story (measured on the
# GVA incidents: 141 of 2,587 bodies share no word with their headline, most of them walls; near-copy
# detection then routed 52 articles of other incidents into one story). Shorter titles are often the
# site's name ("Latest News & Headlines") over a real body, so they are not judged.
UNRELATED_MIN_STEMS = 4
# Thai, Chinese, Japanese and Korean titles are not judged: runs of characters between punctuation (or words
# carrying their particles) are no word stems to compare
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# Candidates per article sent to the encoder; more than this means a list, not strays.
MAX_CANDIDATES = 6
BODY_CHARS = 4000


@dataclass(frozen=True)
class Cleaned:
    """The cleaned body (paragraphs joined by blank lines) and every line taken out, in order."""

    text: str
    removed: tuple[RemovedLine, ...] = ()


# What a body without a line cleans to (its draft's result, made once)
_NO_BODY = Cleaned("")


@dataclass
class _Draft:
    """One article being cleaned: its lines, the verdict on each, and lines left for the encoder."""

    paragraph_of: list[int]
    lines: list[str]
    reasons: list[str | None]
    lang: str | None
    candidates: list[int] = field(default_factory=list)
    body: str = ""

    def result(self) -> Cleaned:
        paragraphs: dict[int, list[str]] = {}
        for para, line, reason in zip(self.paragraph_of, self.lines, self.reasons, strict=True):
            if reason is None:
                paragraphs.setdefault(para, []).append(line)
        removed = tuple(
            RemovedLine(line, reason) for line, reason in zip(self.lines, self.reasons, strict=True) if reason
        )
        return Cleaned("\n\n".join("\n".join(p) for p in paragraphs.values()), removed)


def _split(text: str) -> tuple[list[int], list[str]]:
    paragraph_of: list[int] = []
    lines: list[str] = []
    para = 0
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            para += 1
            continue
        paragraph_of.append(para)
        lines.append(line)
    return paragraph_of, lines


def _mark_duplicates(draft: _Draft, title: str) -> None:
    seen = {normalise(title)} if title.strip() else set()
    for i, line in enumerate(draft.lines):
        if draft.reasons[i] is not None or (len(line) < 15 and len(line.split()) < 3):
            continue
        key = normalise(line)
        if key in seen:
            draft.reasons[i] = "duplicate_line"
        seen.add(key)


_STEM = re.compile(r"(?<!\w)[^\W\d_]{4}")


def _stems(text: str) -> set[str]:
    """The first four letters of every word of four letters or more: a cheap, inflection-blind key."""
    return set(_STEM.findall(text.lower()))


def _overlap(line: str, body_stems: set[str]) -> float:
    stems = _stems(line)
    return len(stems & body_stems) / len(stems) if stems else 1.0


def _judge_headlines(draft: _Draft, title: str) -> None:
    """Mark Title Case strays; keep lone headline-shaped lines foreign to the article for the encoder."""
    kept = [i for i, r in enumerate(draft.reasons) if r is None]
    shaped = {i for i in kept if is_headline_shaped(draft.lines[i])}
    lone = []
    for pos, i in enumerate(kept[1:], start=1):
        if i not in shaped:
            continue
        before = kept[pos - 1]
        after = kept[pos + 1] if pos + 1 < len(kept) else None
        if before not in shaped and (after is None or after not in shaped):
            lone.append(i)
    if not lone:
        return
    body_lines = [draft.lines[i] for i in kept if i not in shaped]
    if sum(1 for line in body_lines if is_paragraph(line)) < MIN_BODY_PARAGRAPHS:
        return
    body_stems = _stems(" ".join(body_lines)) | _stems(title)
    for i in lone:
        line = draft.lines[i]
        overlap = _overlap(line, body_stems)
        n_words = len(line.split())
        if (
            n_words >= STRAY_MIN_WORDS and overlap < STRAY_MAX_OVERLAP
            and not line.endswith("?") and is_title_case(line)
        ):
            draft.reasons[i] = "stray_headline"
        elif overlap < OFF_TOPIC_MAX_OVERLAP and n_words >= OFF_TOPIC_MIN_WORDS:
            draft.candidates.append(i)
    draft.body = "\n".join(body_lines)[:BODY_CHARS]


def _judge_body(draft: _Draft, title: str) -> None:
    """Mark every line left ``unrelated_body`` when none shares a word stem with a headline of
    ``UNRELATED_MIN_STEMS`` stems or more: the article is then its headline alone."""
    kept = [i for i, reason in enumerate(draft.reasons) if reason is None]
    if not kept:  # no body (a headline alone): nothing to judge, the title's stems unread
        return
    title_stems = _stems(title)
    if len(title_stems) < UNRELATED_MIN_STEMS or _UNSPACED.search(title):
        return
    body = " ".join(draft.lines[i] for i in kept).lower()
    # the first shared stem settles it: an article's body names its headline's words early
    if not any(match.group() in title_stems for match in _STEM.finditer(body)):
        for i in kept:
            draft.reasons[i] = "unrelated_body"


def _draft(text: str, title: str, lang: str | None) -> _Draft:
    paragraph_of, lines = _split(text or "")
    draft = _Draft(paragraph_of, lines, [line_reason(line) for line in lines], lang)
    _mark_duplicates(draft, title or "")
    _judge_headlines(draft, title or "")
    _judge_body(draft, title or "")
    return draft


def _encoder_covers(encoder: Encoder, lang: str | None) -> bool:
    languages = getattr(encoder, "languages", None)
    return languages is None or lang is None or lang.split("-")[0].lower() in languages


def _judge_with_encoder(drafts: Sequence[_Draft], encoder: Encoder) -> None:
    """Embed every candidate line and its article body in one call; mark the far ones off topic."""
    jobs = [
        d for d in drafts if d.candidates and len(d.candidates) <= MAX_CANDIDATES
        and _encoder_covers(encoder, d.lang)
    ]
    texts: list[str] = []
    for draft in jobs:
        texts.append(draft.body)
        texts.extend(draft.lines[i] for i in draft.candidates)
    if not texts:
        return
    vectors = np.asarray(encoder.encode(texts), dtype=np.float32)
    off_topic = thresholds_for(encoder.name).off_topic
    row = 0
    for draft in jobs:
        body = vectors[row]
        n = len(draft.candidates)
        cosines = vectors[row + 1 : row + 1 + n] @ body
        row += 1 + n
        for i, cos in zip(draft.candidates, cosines, strict=True):
            if cos < off_topic:
                draft.reasons[i] = "off_topic"


def clean_many(
    items: Sequence[tuple[str, str, str | None]], encoder: Encoder | None = None
) -> list[Cleaned]:
    """Clean many ``(text, title, lang)`` items; with an encoder, one encode call serves them all. An item
    without a body (a headline alone) has no line to judge: it is cleaned to the empty text at once."""
    drafts = [_draft(text, title, lang) if text else None for text, title, lang in items]
    if encoder is not None:
        _judge_with_encoder([d for d in drafts if d is not None], encoder)
    return [_NO_BODY if d is None else d.result() for d in drafts]


def clean(
    text: str, *, title: str = "", lang: str | None = None, encoder: Encoder | None = None
) -> Cleaned:
    """Clean one article body; see the module docstring for what is removed and the reasons.

    >>> body = "Floods closed roads across the north of the region on Monday, officials said.\\n\\n"
    >>> out = clean(body + "READ MORE: Ten things to know about the storm\\n\\nLeave a Reply")
    >>> [r.reason for r in out.removed], out.text == body.strip()
    (['link_teaser', 'comment_form'], True)
    """
    return clean_many([(text, title, lang)], encoder)[0]
